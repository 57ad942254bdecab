"""The per-train bound in exchange mode (:mod:`gaugeopt.bounds.train`): one track-method
configuration as a :class:`Plan`, and the best-first search over configurations."""

from __future__ import annotations

import heapq
import itertools

from gaugeopt.bounds.carriages import Car, cars_of, roll_barrier, step_ops
from gaugeopt.bounds.energy import NEVER, Station, Work, crew_bounds, shunter_bound
from gaugeopt.bounds.final import finish, run, step_tails, steps_of
from gaugeopt.bounds.skeleton import (
    BOGIE,
    SHUNT_IN,
    SHUNT_OUT,
    absent,
    blocks_index,
    carriage_chain,
    departs,
    final_steps,
    node_minutes,
    skeleton,
    step_skill,
    tails,
    walk,
)
from gaugeopt.bounds.tracks import min_blocks, one_track, track_makespan
from gaugeopt.model.instance import Track, Train

#: The roll: the block-level bogie step of the ``roll`` carriage chain.
ROLL = carriage_chain("roll")[BOGIE]


class Plan:
    """One track-method configuration of an exchange: all ``individual``, all ``roll``, or
    ``mixed``; in a mixed one a split S is the number of carriages on roll tracks."""

    def __init__(
        self,
        st: Station,
        train: Train,
        ground: bool,
        cfg: str,
        cars: list[Car],
        tracks: list[Track],
        b_min: int,
        span: int,
        shunted_in: int,
        loco: int,
    ) -> None:
        d = st.inst.station.durations
        n = len(cars)
        self.st, self.cfg, self.cars, self.tracks, self.n = st, cfg, cars, tracks, n
        self.shunted_in, self.loco = shunted_in, loco
        self.shunt_in = SHUNT_IN.minutes(d, train, [], ground)
        self.shunt_out = SHUNT_OUT.minutes(d, train, [], ground)
        self.roll = ROLL.fixed(d, train, ground)
        self.bogie = step_skill(BOGIE)
        self.first = shunted_in - self.shunt_in  # earliest start of any shunt_in
        self.chain = min(c.chain for c in cars)
        lacks = absent(d, train)
        nodes = skeleton("exchange", ground, lacks)
        minutes = node_minutes(d, train, nodes, ground, self.shunt_in + self.chain + self.shunt_out)
        tail = tails(nodes, minutes)
        self.tail_out = tail[blocks_index(nodes)]  # from the last shunt_out end
        self.after = self.shunt_out + self.tail_out  # from a carriage's last step end
        last = len(cars[0].steps)
        self.lift_end = min(c.releases[BOGIE - 1] + c.steps[BOGIE - 1][0] for c in cars)
        self.roll_tail = min(c.part(BOGIE + 1, last) for c in cars) + self.after
        self.min_end = min(c.end for c in cars)
        self.b_min = max(b_min, 2) if cfg == "mixed" else b_min
        self.ok = True
        out = max(c.end for c in cars)
        walked = walk(
            nodes,
            minutes,
            train.arrival,
            loco,
            st.op_start,
            lambda t: st.chain(out, [(self.shunt_out, SHUNT_OUT.skill)]),
        )
        if walked is None:
            self.ok = False
            return
        starts, ends = walked
        final = final_steps("exchange", ground, lacks)
        self.steps = steps_of(nodes, minutes, final, loco)
        self.ready = max(ends[p] for p in nodes[final[0]].preds)
        self.ops = [
            *step_ops(cars, self.after, BOGIE if cfg == "mixed" else None),
            *(
                Work(node.rule.skill, m, m, node.rule.shunter, t, q)
                for node, m, t, q in zip(nodes, minutes, starts, tail, strict=True)
                if node.rule is not None
            ),
        ]
        self.fixed = max(
            departs(train, nodes, dict(enumerate(ends))), self.first + span + self.tail_out
        )
        self.shares = sorted(c.share for c in cars)
        self._barriers: dict[tuple[int, bool], int | None] = {}
        self.crews: list[tuple[int, int, int, int]] = []  # (b, own bogie work, rolls, bound)
        self._spans: dict[int, int | None] = {}
        self._no_bogie: dict[int, tuple[int, list[int]] | None] = {}
        if cfg == "mixed":
            self._mixed()

    def _mixed(self) -> None:
        """Splits: S from the carriages that only roll tracks lift (at least 1) to all those
        roll tracks lift (at most n − 1)."""
        cars = self.cars
        n = self.n
        self.rollers = [c for c in cars if "roll" in c.ways]
        self.swappers = [c for c in cars if "individual" in c.ways]
        roll_only = n - len(self.swappers)
        self.lo = max(1, roll_only)
        self.hi = min(n - 1, len(self.rollers))
        self.ok = self.lo <= self.hi
        if not self.ok:
            return
        self.roll_cap = max(t.capacity for t in self.tracks if t.method == "roll")
        self.swap_cap = max(t.capacity for t in self.tracks if t.method == "individual")
        # Bogie work with S carriages rolled: the forced ones, then those saving the most.
        both = sorted((c.swap - c.share for c in cars if len(c.ways) == 2), reverse=True)
        saved = list(itertools.accumulate(both, initial=0))
        total = sum(c.share if "individual" not in c.ways else c.swap for c in cars)
        self.own = {s: total - saved[s - roll_only] for s in range(self.lo, self.hi + 1)}
        self.roll_parts = list(
            itertools.accumulate(sorted(c.share for c in self.rollers), initial=0)
        )
        # The bogie step (left out of self.ops), rebuilt so that a split only changes its
        # work.
        units = [x for c in cars for x in (c.swap, c.share) if x > 0]
        self.bogie_unit = min(units, default=0)
        self.bogie_release = min(c.releases[BOGIE] for c in cars)
        self.bogie_tail = self.roll_tail
        self.own_any = sum(
            min(c.swap, c.share)
            if len(c.ways) == 2
            else (c.swap if "individual" in c.ways else c.share)
            for c in cars
        )

    # --- blocks -------------------------------------------------------------------------
    def counts(self, s: int) -> tuple[int, int]:
        """(fewest roll blocks, fewest individual blocks) with s carriages rolled."""
        return -(-s // self.roll_cap), -(-(self.n - s) // self.swap_cap)

    def splits(self, b: int) -> list[int]:
        """The splits S that b blocks allow."""
        return [s for s in range(self.lo, self.hi + 1) if sum(self.counts(s)) <= b]

    def _barrier(self, size: int, rollers: bool) -> int | None:
        """Earliest departure after a roll block of ``size`` carriages (the roll barrier)."""
        key = (size, rollers)
        if key not in self._barriers:
            st = self.st
            end = roll_barrier(st, self.rollers if rollers else self.cars, size, self.roll)
            end = st.chain(end, [(self.shunt_out, SHUNT_OUT.skill)])
            self._barriers[key] = run(st, self.steps, end)
        return self._barriers[key]

    def span(self, s: int) -> int | None:
        """Tracks bound of split s: roll tracks hold s carriages, individual ones the rest."""
        if s not in self._spans:
            shunts = self.shunt_in + self.shunt_out
            rolls = [t for t in self.tracks if t.method == "roll"]
            swaps = [t for t in self.tracks if t.method == "individual"]
            a = track_makespan(
                self.rollers,
                rolls,
                shunts,
                self.roll,
                s,
                [c.ways == {"roll"} for c in self.rollers],
            )
            z = track_makespan(
                self.swappers,
                swaps,
                shunts,
                self.roll,
                self.n - s,
                [c.ways == {"individual"} for c in self.swappers],
            )
            self._spans[s] = (
                None if a is None or z is None else self.first + max(a, z) + self.tail_out
            )
        return self._spans[s]

    # --- operations ---------------------------------------------------------------------
    def work(self, s: int | None) -> tuple[int, int]:
        """(the carriages' own bogie work, fewest roll blocks) of split s (None: any)."""
        if s is None:
            return (self.own_any if self.cfg == "mixed" else 0, 1)
        return self.own[s], self.counts(s)[0]

    def tasks(self, b: int, s: int | None) -> list[Work]:
        """Every task of configuration (b, s), least work."""
        sin, sout = self.shunt_in, self.shunt_out
        shunts = [
            Work(
                SHUNT_IN.skill, sin, b * sin, SHUNT_IN.shunter, self.first, self.chain + self.after
            ),
            Work(SHUNT_OUT.skill, sout, b * sout, SHUNT_OUT.shunter, self.min_end, self.tail_out),
        ]
        if self.cfg == "roll":
            roll = self.roll + self.shares[0]
            work = b * self.roll + sum(self.shares)
            return [
                *self.ops,
                *shunts,
                Work(self.bogie, roll, work, ROLL.shunter, self.lift_end, self.roll_tail),
            ]
        if self.cfg == "individual":
            return [*self.ops, *shunts]
        own, rolls = self.work(s)
        extra = [Work(self.bogie, self.bogie_unit, own, False, self.bogie_release, self.bogie_tail)]
        parts = self.roll_parts[s] if s is not None else self.roll_parts[1]
        extra += [
            Work(
                self.bogie,
                self.roll,
                rolls * self.roll,
                ROLL.shunter,
                self.lift_end,
                self.roll_tail,
            ),
            Work(None, 0, parts, ROLL.shunter, self.lift_end, self.roll_tail),
        ]
        return [*self.ops, *shunts, *extra]

    # --- bounds -------------------------------------------------------------------------
    def family(self, b: int) -> int | None:
        """A bound valid for every b' >= b (and every split): shunts, rolls and the single
        track only grow with b, and a roll block holds at least one carriage."""
        value = self.fixed
        if len(self.tracks) == 1:
            value = max(
                value,
                self.first
                + one_track(self.cars, self.tracks[0], b, self.shunt_in + self.shunt_out)
                + self.tail_out,
            )
        if self.cfg != "individual":
            barrier = self._barrier(1, self.cfg == "mixed")
            if barrier is None:
                return None
            value = max(value, barrier)
        sh = shunter_bound(len(self.st.inst.station.shunters), self.tasks(b, None))
        return None if sh is None else max(value, sh)

    def cheap(self, b: int, s: int | None) -> int | None:
        """Every bound but the crews' and (for a split) the tracks' of configuration (b, s):
        the family's, the roll barrier of the largest roll block, the shunters with the
        split's rolls."""
        value = self.family(b)
        if value is None:
            return None
        if self.cfg == "roll":
            size = -(-self.n // b)
        elif s is not None:
            singles = self.counts(s)[1]
            size = -(-s // min(s, b - singles))
        else:
            return value
        barrier = self._barrier(size, self.cfg == "mixed")
        if barrier is None:
            return None
        value = max(value, barrier)
        if s is not None:
            sh = shunter_bound(len(self.st.inst.station.shunters), self.tasks(b, s))
            if sh is None:
                return None
            value = max(value, sh)
        return value

    def floor(self, b: int, s: int | None) -> int:
        """Largest crew bound already known of a configuration with no more work."""
        own, rolls = self.work(s)
        return max(
            (v for bb, o, r, v in self.crews if bb <= b and o <= own and r <= rolls), default=0
        )

    def crew(self, b: int, s: int | None) -> int | None:
        """Crew bound of configuration (b, s), the final steps included (None: never)."""
        steps = self.steps
        tasks, tails = self.tasks(b, s), step_tails(steps)
        if self.cfg == "mixed":
            # A split changes only the bogie tasks: the skill sets without bogie give
            # what they gave for any split with b blocks.
            if b not in self._no_bogie:
                self._no_bogie[b] = crew_bounds(self.st, tasks, tails, (self.bogie, False))
            rest = self._no_bogie[b]
            part = crew_bounds(self.st, tasks, tails, (self.bogie, True))
            out: tuple[int, list[int]] | None = None
            if rest is not None and part is not None:
                out = (
                    max(rest[0], part[0]),
                    [max(x, y) for x, y in zip(rest[1], part[1], strict=True)],
                )
        else:
            out = crew_bounds(self.st, tasks, tails)
        end = None if out is None else finish(self.st, steps, out[1], self.ready)
        value = None if out is None or end is None else max(out[0], end)
        own, rolls = self.work(s)
        self.crews.append((b, own, rolls, NEVER if value is None else value))
        return value


_DONE, _CREW, _SPAN, _SPLIT, _FAMILY = range(5)


def exchange_bound(st: Station, train: Train, ground: bool, loco: int) -> int | None:
    """Earliest departure of ``train`` alone in exchange mode with the ground-air test or
    not, the least over track-method configurations (method, b, split) of the largest
    bound of each (None: never).

    A best-first search over sets of configurations, each with a bound valid for all its
    members: (method, every b' >= b) splits into b and b+1...; a mixed b into its splits;
    the costlier bounds (tracks of a split, crews) are computed only when a configuration
    is the least so far, and the crew bound of one configuration bounds those with more
    work (more blocks, more bogie work, more rolls; same heads and tails). The first
    configuration popped with every bound computed has the least bound of all.
    """
    stn = st.inst.station
    d = stn.durations
    n = len(train.carriages)
    nodes = skeleton("exchange", ground, absent(d, train))
    bi = blocks_index(nodes)
    arrived = walk(
        nodes[:bi], node_minutes(d, train, nodes[:bi], ground), train.arrival, loco, st.op_start
    )
    if arrived is None:
        return None
    detached = max(arrived[1][p] for p in nodes[bi].preds)
    shunt_in = SHUNT_IN.minutes(d, train, [], ground)
    shunt_out = SHUNT_OUT.minutes(d, train, [], ground)
    shunted_in = st.chain(detached, [(shunt_in, SHUNT_IN.skill)])
    if shunted_in is None:
        return None
    methods = sorted({t.method for t in stn.tracks})
    heap: list[tuple[int, int, int, tuple[Plan, int, int | None]]] = []
    seq = itertools.count()

    def push(value: int | None, stage: int, plan: Plan, b: int, s: int | None) -> None:
        if value is not None and value < NEVER:
            heapq.heappush(heap, (value, stage, next(seq), (plan, b, s)))

    for cfg in [*methods, "mixed"] if len(methods) == 2 else methods:
        tracks = stn.tracks if cfg == "mixed" else [t for t in stn.tracks if t.method == cfg]
        b_min = min_blocks(train, tracks)
        cars = cars_of(st, train, cfg, tracks, shunted_in)
        if b_min is None or cars is None:
            continue
        span = track_makespan(cars, tracks, shunt_in + shunt_out, ROLL.fixed(d, train, ground))
        if span is None:
            continue
        plan = Plan(st, train, ground, cfg, cars, tracks, b_min, span, shunted_in, loco)
        if plan.ok and plan.b_min <= n:
            push(plan.family(plan.b_min), _FAMILY, plan, plan.b_min, None)
    while heap:
        value, stage, _, (plan, b, s) = heapq.heappop(heap)
        if stage == _DONE:
            return value
        if stage == _FAMILY:
            if b < n:
                push(plan.family(b + 1), _FAMILY, plan, b + 1, None)
            cheap = plan.cheap(b, None)
            if cheap is not None:
                push(max(value, cheap), _CREW, plan, b, None)
        elif stage == _SPLIT:
            for split in plan.splits(b):
                cheap = plan.cheap(b, split)
                if cheap is not None:
                    push(max(value, cheap), _SPAN, plan, b, split)
        elif stage == _SPAN:
            assert s is not None
            span = plan.span(s)
            if span is not None:
                push(max(value, span), _CREW, plan, b, s)
        else:
            floor = plan.floor(b, s)
            if floor > value:
                push(floor, _CREW, plan, b, s)
                continue
            crew = plan.crew(b, s)
            if crew is not None:
                nxt = _SPLIT if plan.cfg == "mixed" and s is None else _DONE
                push(max(value, crew), nxt, plan, b, s)
    return None
