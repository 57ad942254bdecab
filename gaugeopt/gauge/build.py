"""Compile an instance into a generic scheduling :class:`~gaugeopt.core.problem.Problem`.

Every rule of docs/model.md becomes tasks, literals and constraints of the core:

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
  skill (crews are handed out after solving, see :mod:`gaugeopt.rules.crews`). Shunters
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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from gaugeopt.bounds import train_dwell_bounds
from gaugeopt.core.problem import Choice, Demand, Duration, Lit, Problem, Reservoir, Resource
from gaugeopt.model.instance import Instance, Track, Train
from gaugeopt.rules import (
    DEPARTS_AFTER,
    LOCO_FREED_BY,
    METHODS,
    MODES,
    OPS,
    RULES,
    Hold,
    OpRule,
    ground_options,
    holds_at,
    possible_modes,
    rulebook,
    track_windows,
)
from gaugeopt.rules.crews import CrewGroup, crew_groups, crew_pools
from gaugeopt.rules.reading import HAUL_OPS

#: How a core task maps back to the contract: (train index, op, carriage index, block start).
#: ``op`` is an operation of docs/model.md, or one of the auxiliary kinds below.
AUX_OPS = (*(h.task for h in rulebook.HOLDS), "depart", "loco_ready")
#: Name tags of the "carriage stands on a track of this method" literals (roll first).
_METHOD_TAG = {"roll": "roll", "individual": "indiv"}


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
    ground: Lit | None = None  # the ground-air brake test is taken (stations with ground_air)


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
        # A task chooses a group of identical crews (see rules.crews), not one crew.
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
        self.holds = list(rulebook.HOLDS)
        #: The resource of each (hold, track index), on the tracks of the hold's methods.
        self.held: dict[tuple[Hold, int], int] = {
            (h, k): self.p.add_resource(self._hold_resource(h, t))
            for h in self.holds
            for k, t in enumerate(st.tracks)
            if t.method in h.methods
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
    def _hold_resource(self, hold: Hold, track: Track) -> Resource:
        """The resource of ``hold`` on ``track``: its capacity there, closed in the track's
        maintenance windows when the hold says so."""
        windows = track_windows(track.unavailable, self.inst.horizon) if hold.closures else None
        return Resource(f"{hold.label}:{track.id}", hold.capacity(track), windows=windows)

    def _skill_pools(self) -> list[tuple[frozenset[str], int]]:
        """Redundant cumulatives, one per crew pool (see rules.crews): implied by the crews'
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

    # --- tasks from the rulebook ---------------------------------------------------
    def rules_of(self, train: Train) -> list[OpRule]:
        """The operations of the rulebook ``train`` has (:meth:`OpRule.applies`)."""
        return [r for r in OPS if r.applies(self.d, train)]

    def rule_task(
        self,
        meta: TaskMeta,
        duration: int | Duration,
        *,
        present: Lit | None = None,
        release: int = 0,
    ) -> int:
        """A task of operation ``meta.op`` with its skill, shunter and changer (§4)."""
        rule = RULES[meta.op]
        demands = [Demand(self.changer)] if rule.changer and self.changer is not None else []
        return self.task(
            meta,
            duration,
            skill=rule.skill,
            shunter=rule.shunter,
            demands=demands,
            present=present,
            release=release,
        )

    def train_duration(self, train: Train, rule: OpRule, ground: Lit | None) -> int | Duration:
        """Minutes of a train-level task; a literal term when the ground-air test changes it."""
        plain = rule.minutes(self.d, train, train.carriages, False)
        if ground is None:
            return plain
        shift = rule.minutes(self.d, train, train.carriages, True) - plain
        return Duration(plain, [(ground, shift)]) if shift else plain

    def link(self, tm: TrainModel, op: str, key: int | None = None) -> None:
        """Precedences between a new train- or block-level task and the existing ones the
        rulebook relates it to: other levels first, then its own (preds, then successors).
        ``key``: the block start of a block-level task."""
        rule = RULES[op]
        idx = self._handle(tm, op, key)
        for same in (False, True):
            for p in rule.after:
                if (RULES[p].level == rule.level) == same:
                    for h in self._related(tm, p, rule.level, key):
                        self.p.add_precedence(h, idx)
            for s in OPS:
                if op in s.after and (s.level == rule.level) == same:
                    for h in self._related(tm, s.op, rule.level, key):
                        self.p.add_precedence(idx, h)

    def _handle(self, tm: TrainModel, op: str, key: int | None) -> int:
        # A block-level op is linked with its block start (see link()).
        return tm.tasks[op] if RULES[op].level == "train" else tm.block_tasks[op, cast(int, key)]

    def _related(self, tm: TrainModel, op: str, level: str, key: int | None) -> list[int]:
        """Existing train- or block-level tasks of ``op`` tied unconditionally to a task at
        ``level`` (block start ``key``); carriage links depend on membership (see below)."""
        other = RULES[op].level
        if other == "train":
            return [tm.tasks[op]] if op in tm.tasks else []
        if other == "block" and level == "block":
            # Present in block_tasks, so key is a block start (an int).
            return [tm.block_tasks[op, cast(int, key)]] if (op, key) in tm.block_tasks else []
        if other == "block" and level == "train":
            return [h for (o, _), h in tm.block_tasks.items() if o == op]
        return []

    def link_carriage_to_block(self, tm: TrainModel, j: int, i: int, member: Lit) -> None:
        """Precedences between carriage ``j`` and the block starting at ``i``, when ``j``
        belongs to it: block operations on every track first, then method-specific ones."""
        block_rules = sorted(
            (r for r in OPS if r.level == "block"), key=lambda r: r.methods != frozenset(METHODS)
        )
        for b in block_rules:
            if (b.op, i) not in tm.block_tasks:
                continue
            bt = tm.block_tasks[b.op, i]
            for p in b.after:
                if (p, j) in tm.car_tasks:
                    self.p.add_precedence(tm.car_tasks[p, j], bt, when=[member])
            for c in OPS:
                if (c.op, j) in tm.car_tasks and b.op in c.after:
                    self.p.add_precedence(bt, tm.car_tasks[c.op, j], when=[member])

    def link_carriage(self, tm: TrainModel, j: int) -> None:
        """Precedences among the tasks of one carriage, in rulebook order (those it has)."""
        for c in OPS:
            if (c.op, j) not in tm.car_tasks:
                continue
            for p in c.after:
                if (p, j) in tm.car_tasks:
                    self.p.add_precedence(tm.car_tasks[p, j], tm.car_tasks[c.op, j])

    def bogie_events(self, train: Train, task: int, cars: list[tuple[int, Lit | None]]) -> None:
        """Bogies of (to_gauge, type) leave at the task's start; as many of (from_gauge,
        type) come back at its end + bogie_turnaround (per carriage, when it is a member)."""
        for j, member in cars:
            car = train.carriages[j]
            when = [member] if member is not None else None
            to_res = self.reservoir(train.to_gauge, car.bogie_type)
            from_res = self.reservoir(train.from_gauge, car.bogie_type)
            self.p.add_event(to_res, task, "start", -car.bogies, when=when)
            self.p.add_event(
                from_res, task, "end", car.bogies, offset=self.st.bogie_turnaround, when=when
            )

    # --- trains ----------------------------------------------------------------------
    def add_train(self, k: int, train: Train) -> TrainModel:
        p = self.p
        modes = possible_modes(self.inst, train)
        if len(modes) == 1:
            lits = {modes[0]: p.true()}
        else:
            lits = {m: p.new_bool(f"mode:{train.id}:{m}") for m in modes}
            p.add_exactly_one(list(lits.values()))
        if not lits:  # no mode at all: an unsatisfiable train (the pre-check names why)
            p.add_clause([])
        tm = TrainModel(k, lits)
        if True in ground_options(self.inst):
            tm.ground = p.new_bool(f"ground:{train.id}")
        T = tm.tasks
        for rule in self.rules_of(train):  # the tasks of every mode
            if rule.level == "train" and rule.modes == frozenset(MODES):
                present = tm.ground if rule.ground else None
                if rule.ground and present is None:
                    continue
                T[rule.op] = self.rule_task(
                    TaskMeta(k, rule.op),
                    self.train_duration(train, rule, tm.ground),
                    present=present,
                    release=train.arrival if rule.after_arrival else 0,
                )
                self.link(tm, rule.op)
        # The departure can be no earlier than the train's dwell bound (bounds package):
        # implied, but it gives CP-SAT's objective bound a head start.
        floor = max(train.earliest_departure or 0, train.arrival + (self.dwell_floor[k] or 0))
        T["depart"] = self.task(TaskMeta(k, "depart"), 0, release=floor)
        for op in DEPARTS_AFTER:
            p.add_precedence(T[op], T["depart"])
        if "changer" in lits:
            self.add_mode_tasks(k, train, tm, "changer", lits["changer"])
        if "exchange" in lits:
            self.add_exchange(k, train, tm, lits["exchange"])
        p.add_objective(T["depart"], train.weight)
        p.objective_offset -= train.weight * train.arrival
        self.trains.append(tm)
        return tm

    def add_mode_tasks(self, k: int, train: Train, tm: TrainModel, mode: str, lit: Lit) -> None:
        """The train-level tasks only ``mode`` has, present with its literal."""
        for rule in self.rules_of(train):
            if rule.level == "train" and rule.modes == frozenset({mode}):
                tm.tasks[rule.op] = self.rule_task(
                    TaskMeta(k, rule.op),
                    self.train_duration(train, rule, tm.ground),
                    present=lit,
                )
                self.link(tm, rule.op)

    def add_exchange(self, k: int, train: Train, tm: TrainModel, exch: Lit) -> None:
        p, st = self.p, self.st
        cars = train.carriages
        n = len(cars)
        allowed = [[t for t, tr in enumerate(st.tracks) if c.mass_t <= tr.max_mass_t] for c in cars]
        cmax = min(n, max(tr.capacity for tr in st.tracks))
        self.add_mode_tasks(k, train, tm, "exchange", exch)

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

        method_of = [tr.method for tr in st.tracks]
        for j in range(n):
            for method, tag in _METHOD_TAG.items():
                on = self.new_or_exclusive(
                    f"{tag}:{train.id}:{j}",
                    [tm.z[j, t] for t in allowed[j] if method_of[t] == method],
                )
                (tm.on_roll if method == "roll" else tm.on_individual).append(on)
        self.add_blocks(k, train, tm, allowed, method_of)
        self.add_carriages(k, train, tm, exch, allowed, method_of, cmax)

    def add_blocks(
        self,
        k: int,
        train: Train,
        tm: TrainModel,
        allowed: list[list[int]],
        method_of: Sequence[str],
    ) -> None:
        """Block tasks at every possible block start i, present when a block starts there:
        the operations on every track, the track hold, then method-specific operations."""
        d, cars = self.d, train.carriages
        for i in range(len(cars)):
            s = tm.starts[i]
            members = [j for j in range(i, len(cars)) if (i, j) in tm.m]
            for rule in self.rules_of(train):
                if rule.level == "block" and rule.methods == frozenset(METHODS):
                    tm.block_tasks[rule.op, i] = self.rule_task(
                        TaskMeta(k, rule.op, block_start=i), rule.fixed(d, train, False), present=s
                    )
                    self.link(tm, rule.op, i)
            holds = holds_at("block", holds=self.holds)
            early = [h for h in holds if self.spans(h, i, tm.block_tasks)]
            on_track: dict[int, Lit] = {}
            self.add_block_holds(k, train, tm, i, early, allowed, method_of, on_track)
            for rule in self.rules_of(train):
                if rule.level != "block" or rule.methods == frozenset(METHODS):
                    continue
                (method,) = rule.methods
                if not any(method_of[t] == method for t in allowed[i]):
                    continue
                on = tm.on_roll[i] if method == "roll" else tm.on_individual[i]
                r = self.new_and(f"{rule.op}block:{train.id}:{i}", [s, on])
                per = rule.per_carriage or (lambda _d, _c: 0)
                dur = Duration(
                    rule.fixed(d, train, False), [(tm.m[i, j], per(d, cars[j])) for j in members]
                )
                tm.block_tasks[rule.op, i] = self.rule_task(
                    TaskMeta(k, rule.op, block_start=i), dur, present=r
                )
                if rule.bogies:
                    task = tm.block_tasks[rule.op, i]
                    self.bogie_events(train, task, [(j, tm.m[i, j]) for j in members])
            late = [h for h in holds if h not in early and self.spans(h, i, tm.block_tasks)]
            self.add_block_holds(k, train, tm, i, late, allowed, method_of, on_track)

    @staticmethod
    def spans(hold: Hold, at: int, tasks: Mapping[tuple[str, int], int]) -> bool:
        """Whether ``tasks`` (by operation and block start or carriage) has both ends of
        ``hold`` at ``at`` (a train may lack an operation; a method's block operations
        exist only where a track of the method is allowed)."""
        return (hold.start_op, at) in tasks and (hold.end_op, at) in tasks

    def add_block_holds(
        self,
        k: int,
        train: Train,
        tm: TrainModel,
        i: int,
        holds: Sequence[Hold],
        allowed: list[list[int]],
        method_of: Sequence[str],
        on_track: dict[int, Lit],
    ) -> None:
        """For each block hold, an interval on each allowed track of its methods from its
        start operation's start to its end operation's end, present when the block starting
        at i is on that track (``on_track``: those literals, made once)."""
        for t in allowed[i]:
            for hold in holds:
                if method_of[t] not in hold.methods:
                    continue
                if t not in on_track:
                    name = f"w:{train.id}:{i}:{self.st.tracks[t].id}"
                    on_track[t] = self.new_and(name, [tm.starts[i], tm.z[i, t]])
                task = self.task(
                    TaskMeta(k, hold.task, block_start=i, track=t),
                    None,
                    demands=[Demand(self.held[hold, t])],
                    present=on_track[t],
                )
                ends = (tm.block_tasks[hold.start_op, i], tm.block_tasks[hold.end_op, i])
                self.p.add_span(task, *ends)

    def add_carriages(
        self,
        k: int,
        train: Train,
        tm: TrainModel,
        exch: Lit,
        allowed: list[list[int]],
        method_of: Sequence[str],
        cmax: int,
    ) -> None:
        """Carriage tasks, their precedences, bogie events and jack holds."""
        p, d = self.p, self.d
        ct = tm.car_tasks
        for j, car in enumerate(train.carriages):
            for rule in self.rules_of(train):
                if rule.level != "carriage":
                    continue
                if rule.methods == frozenset(METHODS):
                    present = exch
                else:
                    (method,) = rule.methods
                    present = tm.on_roll[j] if method == "roll" else tm.on_individual[j]
                ct[rule.op, j] = self.rule_task(
                    TaskMeta(k, rule.op, carriage=j),
                    rule.minutes(d, train, [car], False),
                    present=present,
                )
            self.link_carriage(tm, j)
            for rule in OPS:
                if rule.level == "carriage" and rule.bogies:
                    self.bogie_events(train, ct[rule.op, j], [(j, None)])
            for i in range(max(0, j - cmax + 1), j + 1):
                if (i, j) in tm.m:
                    self.link_carriage_to_block(tm, j, i, tm.m[i, j])
            for t in allowed[j]:
                for h in holds_at("carriage", method_of[t], self.holds):
                    if not self.spans(h, j, ct):
                        continue
                    hold = self.task(
                        TaskMeta(k, h.task, carriage=j, track=t),
                        None,
                        demands=[Demand(self.held[h, t])],
                        present=tm.z[j, t],
                    )
                    p.add_span(hold, ct[h.start_op, j], ct[h.end_op, j])

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
            (haul,) = (tm.tasks[op] for op in HAUL_OPS)  # the task that takes the loco
            options = []
            for li, loco in enumerate(self.locos):
                if loco.gauge != train.to_gauge:
                    continue
                sel = p.new_bool(f"loco:{train.id}:{loco.id}")
                tm.loco[li] = sel
                options.append(sel)
                users.setdefault(li, []).append(sel)
                if loco.inbound_of is not None:
                    freed = self.trains[loco.inbound_of].tasks[LOCO_FREED_BY]
                    p.add_precedence(freed, haul, self.st.loco_turnaround, when=[sel])
                elif li in ready:
                    p.add_precedence(ready[li], haul, when=[sel])
            p.add_exactly_one(options)
        for sels in users.values():
            if len(sels) > 1:
                p.add_at_most_one(sels)


def build(instance: Instance, *, dwell_bounds: list[int | None] | None = None) -> GaugeModel:
    """Compile ``instance`` into a core problem with everything needed to decode it.

    ``dwell_bounds``: :func:`~gaugeopt.bounds.train_dwell_bounds`, if the caller has
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
