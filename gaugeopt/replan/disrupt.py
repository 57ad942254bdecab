"""Random disruptions of a plan being carried out (docs/replanning.md), for tests and figures.

:func:`random_disruption` draws a time ``now`` in the middle of a plan and edits the instance
by one to three kinds of :data:`KINDS`: a late train, a lost crew, a shortened shift, a closed
track, a late or a missing locomotive, less bogie stock, an extra train, a cancelled train.
Each edit leaves the work that started before ``now`` as it was (a train with frozen work is
neither delayed nor cancelled; a crew with frozen work loses only its shift after that work),
so a plan that keeps the frozen tasks exists unless the edit leaves no room at all.
Same plan, same random stream: same disruption.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from gaugeopt.model.instance import BogieStock, Instance, Locomotive
from gaugeopt.model.solution import Solution, Task
from gaugeopt.rules import stay
from gaugeopt.rules.reading import BOGIE_OPS, HAUL_OPS

#: Every kind of disruption, as docs/replanning.md lists the edits.
KINDS = (
    "late",
    "lost-crew",
    "short-shift",
    "closed-track",
    "late-loco",
    "missing-loco",
    "less-bogies",
    "extra-train",
    "cancelled",
)

#: Carriages of an extra train at most: a short train announced at short notice (a whole
#: day's train more can leave no room before the horizon on a busy day).
EXTRA_CARRIAGES = 12
#: Minutes the plan must leave free before the horizon for an extra train to be drawn.
EXTRA_ROOM = 360


@dataclass
class Disruption:
    """An edited instance, the time the edit is known, and what was edited."""

    instance: Instance
    now: int
    kinds: list[str] = field(default_factory=list)
    #: One phrase per edit made, e.g. ``F02 +90 min``.
    edits: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return "+".join(self.kinds)


def pick_now(previous: Solution, rng: random.Random) -> int:
    """A start time between 20 % and 70 % of the plan's distinct starts."""
    starts = sorted({t.start for t in previous.tasks})
    k = int(len(starts) * rng.uniform(0.2, 0.7))
    return starts[min(len(starts) - 1, max(1, k))]


class _Editor:
    """Edits one copy of an instance against the work frozen at ``now``."""

    def __init__(self, inst: Instance, previous: Solution, now: int, rng: random.Random):
        self.inst = inst.model_copy(deep=True)
        self.previous, self.now, self.rng = previous, now, rng
        self.frozen: list[Task] = [t for t in previous.tasks if t.start < now]
        self.busy_trains = {t.train for t in self.frozen}
        self.edits: list[str] = []

    def _idle_trains(self):
        return [t for t in self.inst.trains if t.id not in self.busy_trains and t.id[:1] != "X"]

    def late(self) -> bool:
        idle = self._idle_trains()
        if not idle:
            return False
        train = self.rng.choice(idle)
        delay = self.rng.choice([10, 30, 60, 90, 180])
        train.arrival = max(train.arrival, self.now) + delay
        self.edits.append(f"{train.id} +{delay} min")
        return True

    def lost_crew(self) -> bool:
        crews = self.inst.station.crews
        done = {t.crew for t in self.frozen}
        free = [c for c in crews if c.id not in done]
        # Keep every skill covered by two crews at least.
        safe = [
            c
            for c in free
            if all(sum(s in o.skills for o in crews if o.id != c.id) >= 2 for s in c.skills)
        ]
        if not safe:
            return False
        crew = self.rng.choice(safe)
        self.inst.station.crews = [c for c in crews if c.id != crew.id]
        self.edits.append(f"crew {crew.id} gone")
        return True

    def short_shift(self) -> bool:
        """The shift a crew is on (or starts next) ends early: at ``now`` or a little later,
        after the work it has started; its later shifts stay."""
        crew = self.rng.choice(self.inst.station.crews)
        done = max((t.end for t in self.frozen if t.crew == crew.id), default=0)
        cut = max(done, self.now + self.rng.choice([0, 0, 30, 120]))
        shifts = sorted((a, b) for a, b in crew.shifts)
        k = next((k for k, (a, b) in enumerate(shifts) if b > cut), None)
        if k is None:
            return False
        a, b = shifts[k]
        end = cut if a < cut else a + (b - a) // 2
        crew.shifts = [*shifts[:k], *([(a, end)] if end > a else []), *shifts[k + 1 :]]
        self.edits.append(f"crew {crew.id}'s shift [{a}, {b}) ends at {end}")
        return True

    def closed_track(self) -> bool:
        """A window on a track, after any block held there at ``now`` has left as planned."""
        track = self.rng.choice(self.inst.station.tracks)
        held = [
            self._leaves(t)
            for t in self.frozen
            if t.op == stay().start_op and t.track == track.id and t.block is not None
        ]
        start = max([self.now + self.rng.choice([0, 30, 60])] + [h + 60 for h in held if h])
        length = self.rng.choice([60, 120, 340])
        track.unavailable = [*track.unavailable, (start, start + length)]
        self.edits.append(f"track {track.id} closed {start}-{start + length}")
        return True

    def _leaves(self, arrives: Task) -> int:
        """When the block that ``arrives`` on its track (its stay's start) leaves it."""
        out = [
            t.end
            for t in self.previous.tasks
            if t.train == arrives.train and t.op == stay().end_op and t.block == arrives.block
        ]
        return max(out, default=self.now)

    def _spare_locos(self) -> list[Locomotive]:
        taken = {t.locomotive for t in self.frozen if t.op in HAUL_OPS}
        return [lo for lo in self.inst.station.locomotives if lo.id not in taken]

    def late_loco(self) -> bool:
        spare = self._spare_locos()
        if not spare:
            return False
        loco = self.rng.choice(spare)
        loco.available_from = max(loco.available_from, self.now + self.rng.choice([30, 90, 240]))
        self.edits.append(f"loco {loco.id} from {loco.available_from}")
        return True

    def _loco_slack(self) -> dict[int, int]:
        """Per gauge: locomotives (the station's and those trains bring in) beyond the
        trains that leave on that gauge."""
        supply: dict[int, int] = {}
        for lo in self.inst.station.locomotives:
            supply[lo.gauge] = supply.get(lo.gauge, 0) + 1
        for t in self.inst.trains:
            if t.inbound_loco is not None:
                supply[t.inbound_loco.gauge] = supply.get(t.inbound_loco.gauge, 0) + 1
        for t in self.inst.trains:
            supply[t.to_gauge] = supply.get(t.to_gauge, 0) - 1
        return supply

    def missing_loco(self) -> bool:
        """A station locomotive removed where more of its gauge exist than trains need."""
        slack = self._loco_slack()
        spare = [lo for lo in self._spare_locos() if slack.get(lo.gauge, 0) > 0]
        if not spare:
            return False
        loco = self.rng.choice(spare)
        self.inst.station.locomotives = [
            lo for lo in self.inst.station.locomotives if lo.id != loco.id
        ]
        self.edits.append(f"loco {loco.id} gone")
        return True

    def less_bogies(self) -> bool:
        """A stock cut by up to what the plan never used, plus a few (they come back later)."""
        stock = self.inst.station.bogie_stock
        if not stock:
            return False
        b = self.rng.choice(stock)
        need = max(
            (
                c.bogies
                for t in self.inst.trains
                for c in t.carriages
                if (t.to_gauge, c.bogie_type) == (b.gauge, b.type)
            ),
            default=0,
        )
        frozen_take = self._frozen_take((b.gauge, b.type))
        floor = max(need * 4, frozen_take, 1)
        cut = min(b.count - floor, self.rng.randint(b.count // 10, b.count // 2 + 1))
        if cut <= 0:
            return False
        b.count -= cut
        self.edits.append(f"bogies {b.gauge}/{b.type} -{cut}")
        return True

    def _frozen_take(self, key: tuple[int, str]) -> int:
        trains = {t.id: t for t in self.inst.trains}
        total = 0
        for t in self.frozen:
            train = trains.get(t.train)
            if train is None or t.op not in BOGIE_OPS or train.to_gauge != key[0]:
                continue
            total += sum(c.bogies for c in train.carriages if c.bogie_type == key[1])
        return total

    def extra_train(self) -> bool:
        """A short copy of a train of the day (4 to :data:`EXTRA_CARRIAGES` of its
        carriages), announced to arrive after ``now`` on a day whose plan leaves
        :data:`EXTRA_ROOM` minutes before the horizon, with a
        locomotive of its gauge and the bogies it takes sent along for it (the day's stock
        may have none to spare: bogies of a gauge come back only from trains the other way)."""
        last = max((p.departure for p in self.previous.trains), default=0)
        if last > self.inst.horizon - EXTRA_ROOM:
            return False  # the day runs to its horizon: no room for one more train
        base = self.rng.choice(self.inst.trains).model_copy(deep=True)
        n = sum(1 for t in self.inst.trains if t.id.startswith("X")) + 1
        base.id = f"X{n}"
        base.arrival = self.now + self.rng.choice([0, 30, 120])
        base.earliest_departure = None
        if base.inbound_loco is not None:
            base.inbound_loco = base.inbound_loco.model_copy(update={"id": f"X{n}-IN"})
        base.carriages = base.carriages[: self.rng.randint(4, EXTRA_CARRIAGES)]
        for k, car in enumerate(base.carriages):
            car.id = f"X{n}-{k:02d}"
        self.inst.trains.append(base)
        need: dict[str, int] = {}
        for car in base.carriages:
            need[car.bogie_type] = need.get(car.bogie_type, 0) + car.bogies
        stock = self.inst.station.bogie_stock
        for btype, n in need.items():
            b = next((b for b in stock if (b.gauge, b.type) == (base.to_gauge, btype)), None)
            if b is None:
                stock.append(BogieStock(gauge=base.to_gauge, type=btype, count=n))
            else:
                b.count += n
        self.inst.station.locomotives.append(
            Locomotive(id=f"X{n}-L", gauge=base.to_gauge, available_from=base.arrival)
        )
        self.edits.append(f"extra train {base.id} at {base.arrival}")
        return True

    def cancelled(self) -> bool:
        """A train that has not started, whose inbound locomotive no other train takes; the
        bogies it would have left behind are added to the stock."""
        taken = {t.locomotive for t in self.previous.tasks if t.op in HAUL_OPS}
        slack = self._loco_slack()
        idle = [
            t
            for t in self._idle_trains()
            if t.inbound_loco is None
            or (
                t.inbound_loco.id not in taken
                and slack.get(t.inbound_loco.gauge, 0) + (t.to_gauge == t.inbound_loco.gauge) > 0
            )
        ]
        if len(idle) < 2:
            return False
        train = self.rng.choice(idle)
        self.inst.trains = [t for t in self.inst.trains if t.id != train.id]
        # The bogies it would have left behind come from elsewhere: a later train that
        # needs them must not be starved by the cancellation.
        stock = self.inst.station.bogie_stock
        for car in train.carriages:
            key = (train.from_gauge, car.bogie_type)
            b = next((b for b in stock if (b.gauge, b.type) == key), None)
            if b is None:
                stock.append(BogieStock(gauge=key[0], type=key[1], count=car.bogies))
            else:
                b.count += car.bogies
        self.edits.append(f"{train.id} cancelled")
        return True


def _edit(editor: _Editor, kind: str) -> Callable[[], bool]:
    return getattr(editor, kind.replace("-", "_"))


def random_disruption(
    inst: Instance,
    previous: Solution,
    rng: random.Random,
    *,
    kinds: Sequence[str] | None = None,
    now: int | None = None,
) -> Disruption:
    """``inst`` edited by ``kinds`` (default: one to three distinct kinds drawn at random,
    each one that finds something to edit) at ``now`` (default: :func:`pick_now`). A kind
    given that has nothing to edit (no train left to delay, no spare locomotive ...) is
    left out of ``kinds`` in the result."""
    when = pick_now(previous, rng) if now is None else now
    editor = _Editor(inst, previous, when, rng)
    if kinds is not None:
        done = [kind for kind in kinds if _edit(editor, kind)()]
    else:  # one to three kinds: the first ones drawn that find something to edit
        want = rng.choice([1, 1, 2, 3])
        done = []
        for kind in rng.sample(KINDS, len(KINDS)):
            if len(done) < want and _edit(editor, kind)():
                done.append(kind)
    edited = Instance.model_validate(editor.inst.model_dump(), strict=False)
    return Disruption(edited, when, done, editor.edits)
