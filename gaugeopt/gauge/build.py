"""Compile an instance into a generic scheduling :class:`~gaugeopt.core.problem.Problem`.

Every rule of DESIGN.md §4 becomes tasks, literals and constraints of the core:

* **Modes.** One literal per possible mode of a train (through / exchange / changer);
  exactly one holds. The tasks of a mode are optional tasks present with its literal.
* **Block cuts.** ``cut[j]``: a block ends after carriage ``j``. ``z[j, t]``: carriage ``j``
  stands on track ``t`` (only tracks that can lift it). Carriages of one block share a track.
  ``m[i, j]``: carriage ``j`` belongs to the block that starts at carriage ``i``; defined for
  ``j - i`` below the largest track capacity, so the model grows as n × capacity, not n².
  A block starting at ``i`` on track ``t`` is at most ``capacity[t]`` long.
* **Block tasks** exist once per *possible* block start ``i`` and are present when a block
  starts there: shunt_in, shunt_out, the track occupation (a span from shunt_in start to
  shunt_out end, one per allowed track) and, on roll tracks, the roll.
* **Carriage tasks** disconnect, lift, swap (individual tracks only), lower, reconnect; a
  jack hold per (carriage, individual track) spans lift start to lower end and takes one
  of the track's jack sets.
* **Crews**: identical crews form a group, a resource whose capacity is their number and
  whose windows are their shifts; a task of positive duration chooses one group with its
  skill (crews are handed out after solving, see :mod:`gaugeopt.gauge.crews`). Shunters
  and the changer are unary resources.
* **Locomotives** are chosen by literals ``sel[train, loco]``: exactly one per train, at
  most one train per loco, and the attach waits for the loco (available_from, or the
  inbound train's detach end + loco_turnaround). Literals rather than a resource choice,
  because a train needs its locomotive even when ``attach`` lasts 0 minutes.
* **Bogies** are reservoirs per (gauge, type), moved at swap/roll start and end + turnaround.
* **Objective**: Σ weight × (departure − arrival), with a zero-length ``depart`` task after
  brake_test and border_check and not before earliest_departure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gaugeopt.core.problem import Choice, Demand, Duration, Lit, Problem, Reservoir, Resource
from gaugeopt.gauge.bounds import train_dwell_bounds
from gaugeopt.gauge.crews import CrewGroup, crew_groups, crew_pools
from gaugeopt.gauge.modes import possible_modes
from gaugeopt.model.instance import Instance, Train, scaled
from gaugeopt.model.solution import OP_SKILL

#: How a core task maps back to the contract: (train index, op, carriage index, block start).
#: ``op`` is a DESIGN §4 operation, or one of the auxiliary kinds below.
AUX_OPS = ("occupy", "jack_hold", "depart", "loco_ready")


@dataclass(frozen=True)
class TaskMeta:
    """What a core task stands for; ``choices`` names each Choice (``crew`` / ``shunter``)."""

    train: int
    op: str
    carriage: int | None = None
    block_start: int | None = None
    track: int | None = None
    choices: tuple[str, ...] = ()


@dataclass
class TrainModel:
    """The literals and task handles of one train."""

    index: int
    modes: dict[str, Lit]
    tasks: dict[str, int] = field(default_factory=dict)  # train-level ops
    cut: list[Lit] = field(default_factory=list)
    z: dict[tuple[int, int], Lit] = field(default_factory=dict)
    m: dict[tuple[int, int], Lit] = field(default_factory=dict)
    starts: list[Lit] = field(default_factory=list)  # s[i]: a block starts at carriage i
    block_tasks: dict[tuple[str, int], int] = field(default_factory=dict)  # (op, i)
    car_tasks: dict[tuple[str, int], int] = field(default_factory=dict)  # (op, j)
    on_roll: list[Lit] = field(default_factory=list)
    on_individual: list[Lit] = field(default_factory=list)
    loco: dict[int, Lit] = field(default_factory=dict)  # loco pool index -> sel literal


@dataclass
class LocoInfo:
    """One locomotive of the pool: a station loco or a train's inbound loco."""

    id: str
    gauge: int
    available_from: int
    inbound_of: int | None  # train index whose detach frees it


@dataclass
class GaugeModel:
    """The compiled problem plus everything needed to decode and hint it."""

    instance: Instance
    problem: Problem
    meta: list[TaskMeta]
    trains: list[TrainModel]
    crews: list[int]  # resource index per crew group
    crew_groups: list[CrewGroup]
    shunters: list[int]
    locos: list[LocoInfo]
    derived: list[tuple[Lit, str, list[Lit]]]  # (lit, "and"|"or", inputs) in creation order
    dwell_floor: list[int | None] = field(default_factory=list)  # train_dwell_bounds
    train_bools: list[set[int]] = field(default_factory=list)  # literal indices per train
    train_tasks: list[set[int]] = field(default_factory=list)  # task indices per train


class _Builder:
    def __init__(self, inst: Instance, dwell_floor: list[int | None] | None) -> None:
        self.inst = inst
        self.st = inst.station
        self.d = inst.station.durations
        self.p = Problem(horizon=inst.horizon, name=inst.name)
        self.meta: list[TaskMeta] = []
        self.derived: list[tuple[Lit, str, list[Lit]]] = []
        st = self.st
        # A task chooses a group of identical crews (see gauge.crews), not one crew.
        self.crew_groups = crew_groups(inst)
        self.crews = [
            self.p.add_resource(
                Resource(
                    "crews:" + ",".join(st.crews[k].id for k in g.members),
                    len(g.members),
                    windows=list(g.shifts),
                )
            )
            for g in self.crew_groups
        ]
        self.crews_by_skill: dict[str, list[int]] = {}
        for g, res in zip(self.crew_groups, self.crews, strict=True):
            for s in sorted(g.skills):
                self.crews_by_skill.setdefault(s, []).append(res)
        self.skill_pools = self._skill_pools()
        self.shunters = [self.p.add_resource(Resource(f"shunter:{s.id}", 1)) for s in st.shunters]
        self.tracks = [self.p.add_resource(Resource(f"track:{t.id}", 1)) for t in st.tracks]
        self.jacks = {
            k: self.p.add_resource(Resource(f"jacks:{t.id}", t.jack_sets))
            for k, t in enumerate(st.tracks)
            if t.method == "individual"
        }
        self.changer = (
            self.p.add_resource(Resource(f"changer:{st.changer.id}", 1)) if st.changer else None
        )
        self.reservoirs: dict[tuple[int, str], int] = {}
        for b in st.bogie_stock:
            self.reservoirs[(b.gauge, b.type)] = self.p.add_reservoir(
                Reservoir(f"bogies:{b.gauge}/{b.type}", b.count)
            )
        self.locos = [LocoInfo(lo.id, lo.gauge, lo.available_from, None) for lo in st.locomotives]
        for k, t in enumerate(inst.trains):
            if t.inbound_loco is not None:
                self.locos.append(LocoInfo(t.inbound_loco.id, t.inbound_loco.gauge, 0, k))
        self.trains: list[TrainModel] = []
        self.dwell_floor = train_dwell_bounds(inst) if dwell_floor is None else dwell_floor

    # --- helpers ---------------------------------------------------------------------
    def _skill_pools(self) -> list[tuple[frozenset[str], int]]:
        """Redundant cumulatives, one per crew pool (see gauge.crews): implied by the crews'
        own capacities, but they let CP-SAT reason on the pooled work (an energy bound)."""
        pools = []
        for pool in crew_pools(self.inst):
            segments = pool.level(self.inst.horizon)
            top = max((level for _, _, level in segments), default=0)
            if top == 0:
                continue
            name = "pool:" + "+".join(sorted(pool.skills))
            pools.append((pool.skills, self.p.add_resource(Resource(name, top, profile=segments))))
        return pools

    def reservoir(self, gauge: int, btype: str) -> int:
        key = (gauge, btype)
        if key not in self.reservoirs:
            self.reservoirs[key] = self.p.add_reservoir(Reservoir(f"bogies:{gauge}/{btype}", 0))
        return self.reservoirs[key]

    def task(
        self,
        meta: TaskMeta,
        duration: int | Duration | None,
        *,
        skill: str | None = None,
        shunter: bool = False,
        demands: list[Demand] | None = None,
        present: Lit | None = None,
        release: int = 0,
    ) -> int:
        """Add a task; a crew (and shunter) choice only when it can last > 0 minutes.

        ``duration=None`` makes a span task (free length) that keeps its demands.
        """
        if duration is None:
            positive = True
        elif isinstance(duration, Duration):
            positive = duration.max > 0
        else:
            positive = duration > 0
        choices: list[Choice] = []
        kinds: list[str] = []
        demands = list(demands or [])
        if positive and skill is not None:
            choices.append(Choice(list(self.crews_by_skill.get(skill, []))))
            kinds.append("crew")
            demands += [Demand(res) for skills, res in self.skill_pools if skill in skills]
        if positive and shunter:
            choices.append(Choice(list(self.shunters)))
            kinds.append("shunter")
        idx = self.p.add_task(
            f"{meta.op}:{meta.train}:{meta.carriage}:{meta.block_start}:{meta.track}",
            duration,
            demands=demands if positive else None,
            choices=choices,
            release=release,
            present=present,
        )
        self.meta.append(
            TaskMeta(meta.train, meta.op, meta.carriage, meta.block_start, meta.track, tuple(kinds))
        )
        return idx

    def new_and(self, name: str, lits: list[Lit]) -> Lit:
        r = self.p.new_and(name, lits)
        self.derived.append((r, "and", list(lits)))
        return r

    def new_or_exclusive(self, name: str, lits: list[Lit]) -> Lit:
        """A literal equal to the OR of mutually exclusive literals (a sum)."""
        r = self.p.new_bool(name)
        self.p.add_linear([(r, 1)] + [(x, -1) for x in lits], 0, 0)
        self.derived.append((r, "or", list(lits)))
        return r

    # --- trains ----------------------------------------------------------------------
    def add_train(self, k: int, train: Train) -> TrainModel:
        p, d = self.p, self.d
        modes = possible_modes(self.inst, train)
        if len(modes) == 1:
            lits = {modes[0]: p.true()}
        else:
            lits = {m: p.new_bool(f"mode:{train.id}:{m}") for m in modes}
            p.add_exactly_one(list(lits.values()))
        if not lits:  # no mode at all: an unsatisfiable train (the pre-check names why)
            p.add_clause([])
        tm = TrainModel(k, lits)
        T = tm.tasks
        n = len(train.carriages)
        T["detach"] = self.task(
            TaskMeta(k, "detach"), d.detach, skill="coupling", release=train.arrival
        )
        border = train.border_check if train.border_check is not None else d.border_check
        T["border_check"] = self.task(
            TaskMeta(k, "border_check"), border, skill="customs", release=train.arrival
        )
        T["attach"] = self.task(TaskMeta(k, "attach"), d.attach, skill="coupling")
        T["brake_test"] = self.task(TaskMeta(k, "brake_test"), d.brake_test, skill="brake")
        # The departure can be no earlier than the train's dwell bound (gauge.bounds):
        # implied, but it gives CP-SAT's objective bound a head start.
        floor = max(train.earliest_departure or 0, train.arrival + (self.dwell_floor[k] or 0))
        T["depart"] = self.task(TaskMeta(k, "depart"), 0, release=floor)
        p.add_precedence(T["detach"], T["attach"])
        p.add_precedence(T["attach"], T["brake_test"])
        p.add_precedence(T["brake_test"], T["depart"])
        p.add_precedence(T["border_check"], T["depart"])
        if "changer" in lits:
            demands = [Demand(self.changer)] if self.changer is not None else []
            T["changer_pass"] = self.task(
                TaskMeta(k, "changer_pass"),
                d.changer_setup + d.changer_per_carriage * n,
                skill="shunting",
                shunter=True,
                demands=demands,
                present=lits["changer"],
            )
            p.add_precedence(T["detach"], T["changer_pass"])
            p.add_precedence(T["changer_pass"], T["attach"])
        if "exchange" in lits:
            self.add_exchange(k, train, tm, lits["exchange"])
        p.add_objective(T["depart"], train.weight)
        p.objective_offset -= train.weight * train.arrival
        self.trains.append(tm)
        return tm

    def add_exchange(self, k: int, train: Train, tm: TrainModel, exch: Lit) -> None:
        p, d, st = self.p, self.d, self.st
        cars = train.carriages
        n = len(cars)
        T = tm.tasks
        allowed = [[t for t, tr in enumerate(st.tracks) if c.mass_t <= tr.max_mass_t] for c in cars]
        cmax = min(n, max(tr.capacity for tr in st.tracks))

        T["couple"] = self.task(
            TaskMeta(k, "couple"),
            d.couple_per_carriage * n,
            skill="coupling",
            present=exch,
        )
        p.add_precedence(T["couple"], T["attach"])

        # Track of each carriage, and block cuts.
        for j in range(n):
            for t in allowed[j]:
                tm.z[j, t] = p.new_bool(f"z:{train.id}:{j}:{st.tracks[t].id}")
            p.add_linear([(tm.z[j, t], 1) for t in allowed[j]] + [(exch, -1)], 0, 0)
        for j in range(n - 1):
            c = p.new_bool(f"cut:{train.id}:{j}")
            p.add_implication(c, exch)
            tm.cut.append(c)
            for t in set(allowed[j]) | set(allowed[j + 1]):
                a, b = tm.z.get((j, t)), tm.z.get((j + 1, t))
                if a is not None and b is not None:
                    p.add_clause([~a, c, b])
                    p.add_clause([~b, c, a])
                elif a is not None:
                    p.add_implication(a, c)
                elif b is not None:
                    p.add_implication(b, c)
        tm.starts = [exch, *tm.cut]

        # Block membership m[i, j] and block length limits.
        for i in range(n):
            tm.m[i, i] = tm.starts[i]
            for j in range(i + 1, min(n, i + cmax)):
                tm.m[i, j] = self.new_and(f"m:{train.id}:{i}:{j}", [tm.m[i, j - 1], ~tm.cut[j - 1]])
            if i + cmax <= n - 1:
                p.add_implication(tm.m[i, i + cmax - 1], tm.cut[i + cmax - 1])
            for t in allowed[i]:
                cap = st.tracks[t].capacity
                if cap < cmax and i + cap <= n - 1:
                    p.add_implication(tm.m[i, i + cap], ~tm.z[i, t])

        roll_tracks = {t for t, tr in enumerate(st.tracks) if tr.method == "roll"}
        for j in range(n):
            tm.on_roll.append(
                self.new_or_exclusive(
                    f"roll:{train.id}:{j}", [tm.z[j, t] for t in allowed[j] if t in roll_tracks]
                )
            )
            tm.on_individual.append(
                self.new_or_exclusive(
                    f"indiv:{train.id}:{j}",
                    [tm.z[j, t] for t in allowed[j] if t not in roll_tracks],
                )
            )

        # Block tasks at every possible block start i.
        for i in range(n):
            s = tm.starts[i]
            members = [j for j in range(i, n) if (i, j) in tm.m]
            sin = self.task(
                TaskMeta(k, "shunt_in", block_start=i),
                d.shunt,
                skill="shunting",
                shunter=True,
                present=s,
            )
            sout = self.task(
                TaskMeta(k, "shunt_out", block_start=i),
                d.shunt,
                skill="shunting",
                shunter=True,
                present=s,
            )
            tm.block_tasks["shunt_in", i] = sin
            tm.block_tasks["shunt_out", i] = sout
            p.add_precedence(T["detach"], sin)
            p.add_precedence(sout, T["couple"])
            p.add_precedence(sin, sout)
            for t in allowed[i]:
                w = self.new_and(f"w:{train.id}:{i}:{st.tracks[t].id}", [s, tm.z[i, t]])
                occ = self.task(
                    TaskMeta(k, "occupy", block_start=i, track=t),
                    None,
                    demands=[Demand(self.tracks[t])],
                    present=w,
                )
                p.add_span(occ, sin, sout)
            if any(t in roll_tracks for t in allowed[i]):
                r = self.new_and(f"rollblock:{train.id}:{i}", [s, tm.on_roll[i]])
                dur = Duration(
                    d.roll_setup,
                    [(tm.m[i, j], d.roll_per_bogie * cars[j].bogies) for j in members],
                )
                roll = self.task(
                    TaskMeta(k, "roll", block_start=i),
                    dur,
                    skill="bogie",
                    shunter=True,
                    present=r,
                )
                tm.block_tasks["roll", i] = roll
                for j in members:
                    car = cars[j]
                    to_res = self.reservoir(train.to_gauge, car.bogie_type)
                    from_res = self.reservoir(train.from_gauge, car.bogie_type)
                    p.add_event(to_res, roll, "start", -car.bogies, when=[tm.m[i, j]])
                    p.add_event(
                        from_res,
                        roll,
                        "end",
                        car.bogies,
                        offset=st.bogie_turnaround,
                        when=[tm.m[i, j]],
                    )

        # Carriage tasks.
        for j, car in enumerate(cars):
            w_pct = car.work_pct
            ct = tm.car_tasks
            for op, minutes, present in (
                ("disconnect", d.disconnect, exch),
                ("lift", d.lift, exch),
                ("swap", d.swap_per_bogie * car.bogies, tm.on_individual[j]),
                ("lower", d.lower, exch),
                ("reconnect", d.reconnect, exch),
            ):
                ct[op, j] = self.task(
                    TaskMeta(k, op, carriage=j),
                    scaled(minutes, w_pct),
                    skill=OP_SKILL[op],
                    present=present,
                )
            p.add_precedence(ct["disconnect", j], ct["lift", j])
            p.add_precedence(ct["lift", j], ct["swap", j])
            p.add_precedence(ct["swap", j], ct["lower", j])
            p.add_precedence(ct["lift", j], ct["lower", j])
            p.add_precedence(ct["lower", j], ct["reconnect", j])
            to_res = self.reservoir(train.to_gauge, car.bogie_type)
            from_res = self.reservoir(train.from_gauge, car.bogie_type)
            p.add_event(to_res, ct["swap", j], "start", -car.bogies)
            p.add_event(from_res, ct["swap", j], "end", car.bogies, offset=st.bogie_turnaround)
            for i in range(max(0, j - cmax + 1), j + 1):
                if (i, j) not in tm.m:
                    continue
                mij = tm.m[i, j]
                p.add_precedence(tm.block_tasks["shunt_in", i], ct["disconnect", j], when=[mij])
                p.add_precedence(ct["reconnect", j], tm.block_tasks["shunt_out", i], when=[mij])
                if ("roll", i) in tm.block_tasks:
                    roll = tm.block_tasks["roll", i]
                    p.add_precedence(ct["lift", j], roll, when=[mij])
                    p.add_precedence(roll, ct["lower", j], when=[mij])
            for t in allowed[j]:
                if t in roll_tracks:
                    continue
                hold = self.task(
                    TaskMeta(k, "jack_hold", carriage=j, track=t),
                    None,
                    demands=[Demand(self.jacks[t])],
                    present=tm.z[j, t],
                )
                p.add_span(hold, ct["lift", j], ct["lower", j])

    def add_locomotives(self) -> None:
        """Each train picks one loco of its to_gauge; each loco hauls at most one train."""
        p = self.p
        ready: dict[int, int] = {}
        for li, loco in enumerate(self.locos):
            if loco.inbound_of is None and loco.available_from > 0:
                # A fixed zero-length marker at available_from, for conditional precedences.
                ready[li] = self.task(TaskMeta(-1, "loco_ready"), 0, release=loco.available_from)
                p.tasks[ready[li]].deadline = loco.available_from
        users: dict[int, list[Lit]] = {}
        for tm in self.trains:
            train = self.inst.trains[tm.index]
            attach = tm.tasks["attach"]
            options = []
            for li, loco in enumerate(self.locos):
                if loco.gauge != train.to_gauge:
                    continue
                sel = p.new_bool(f"loco:{train.id}:{loco.id}")
                tm.loco[li] = sel
                options.append(sel)
                users.setdefault(li, []).append(sel)
                if loco.inbound_of is not None:
                    detach = self.trains[loco.inbound_of].tasks["detach"]
                    p.add_precedence(detach, attach, self.st.loco_turnaround, when=[sel])
                elif li in ready:
                    p.add_precedence(ready[li], attach, when=[sel])
            p.add_exactly_one(options)
        for sels in users.values():
            if len(sels) > 1:
                p.add_at_most_one(sels)


def build(instance: Instance, *, dwell_bounds: list[int | None] | None = None) -> GaugeModel:
    """Compile ``instance`` into a core problem with everything needed to decode it.

    ``dwell_bounds``: :func:`~gaugeopt.gauge.bounds.train_dwell_bounds`, if the caller has
    it (on a day of 40 trains it takes about 0.4 s).
    """
    b = _Builder(instance, dwell_bounds)
    train_bools: list[set[int]] = []
    for k, train in enumerate(instance.trains):
        first = len(b.p.bool_names)
        b.add_train(k, train)
        train_bools.append(set(range(first, len(b.p.bool_names))))
    b.add_locomotives()
    for tm in b.trains:
        train_bools[tm.index].update(sel.index for sel in tm.loco.values())
    train_tasks: list[set[int]] = [set() for _ in instance.trains]
    for idx, meta in enumerate(b.meta):
        if meta.train >= 0:
            train_tasks[meta.train].add(idx)
    return GaugeModel(
        instance=instance,
        problem=b.p,
        meta=b.meta,
        trains=b.trains,
        crews=b.crews,
        crew_groups=b.crew_groups,
        shunters=b.shunters,
        locos=b.locos,
        derived=b.derived,
        dwell_floor=b.dwell_floor,
        train_bools=train_bools,
        train_tasks=train_tasks,
    )
