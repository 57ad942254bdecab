"""Frozen work (docs/replanning.md): the tasks of the previous plan that have started, and the
refusal, in one line, when an edit of the instance contradicts them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from gaugeopt.checker.expected import expected_tasks, key_of
from gaugeopt.clock import Clock
from gaugeopt.errors import InputError
from gaugeopt.model.instance import Instance, Train
from gaugeopt.model.solution import Solution, Task, TrainPlan
from gaugeopt.rules import OPS, possible_modes, stay
from gaugeopt.rules.reading import BOGIE_OPS, CHANGER_OPS, HAUL_OPS, Reading, skill

#: Frozen operations that leave a train's mode, blocks and locomotive free (§7): those that
#: wait for nothing but the arrival (detach, border_check, and v1.2's inspect).
LOOSE_OPS = frozenset(r.op for r in OPS if r.after_arrival)


@dataclass
class Frozen:
    """The frozen part of ``previous`` at ``now``."""

    now: int
    tasks: list[Task] = field(default_factory=list)
    #: Trains whose mode and blocks are frozen (a frozen task other than detach/border_check).
    structure: dict[str, TrainPlan] = field(default_factory=dict)
    #: Trains whose locomotive is frozen (their attach has started).
    locomotive: dict[str, str | None] = field(default_factory=dict)

    @property
    def trains(self) -> set[str]:
        """Trains with a frozen task: they may not be cancelled."""
        return {t.train for t in self.tasks}


def frozen_part(previous: Solution, now: int) -> Frozen:
    """Every task of ``previous`` with ``start < now``, and the trains they freeze."""
    plans = {p.id: p for p in previous.trains}
    out = Frozen(now, [t for t in previous.tasks if t.start < now])
    for t in out.tasks:
        if t.op not in LOOSE_OPS and t.train in plans:
            out.structure[t.train] = plans[t.train]
        if t.op in HAUL_OPS:
            out.locomotive[t.train] = t.locomotive
    return out


def task_name(task: Task) -> str:
    """``K1 lift K1-01``, ``K1 shunt_in block 0``, ``K1 attach``."""
    where = f" {task.carriage}" if task.carriage else ""
    if task.block is not None and task.carriage is None:
        where = f" block {task.block}"
    return f"{task.train} {task.op}{where}"


def refusal(clock: Clock, task: Task, now: int, rule: str) -> InputError:
    """The one-line refusal: the frozen task, when it started, and the rule it breaks."""
    return InputError(
        f"frozen task {task_name(task)} (started at {clock.at(task.start)}, before now "
        f"{clock.at(now)}) {rule}",
        path="previous",
    )


def validate_frozen(instance: Instance, previous: Solution, frozen: Frozen) -> None:
    """Raise :class:`InputError` naming the first frozen task that breaks a rule of
    ``instance`` and the rule; return when the frozen work fits it."""
    if previous.status not in ("optimal", "feasible"):
        raise InputError(f"holds no schedule (status {previous.status})", path="previous")
    trains = {t.id: t for t in instance.trains}
    clock = Clock.of(instance)
    for task in frozen.tasks:
        train = trains.get(task.train)
        if train is None:
            raise refusal(
                clock, task, frozen.now, f"belongs to train {task.train}, which is cancelled"
            )
        why = _task_rule(instance, train, task, clock)
        if why is not None:
            raise refusal(clock, task, frozen.now, why)
    short = _bogie_rule(instance, previous, frozen)
    if short is not None:
        raise refusal(clock, short[0], frozen.now, short[1])
    for tid, plan in frozen.structure.items():
        culprit, why = _structure_rule(instance, trains[tid], plan, frozen, clock)
        if why:
            first = next(t for t in frozen.tasks if t.train == tid and t.op not in LOOSE_OPS)
            raise refusal(clock, culprit or first, frozen.now, why)


def _task_rule(instance: Instance, train: Train, task: Task, clock: Clock) -> str | None:
    """The rule of ``instance`` one frozen task breaks, or None."""
    st = instance.station
    if task.carriage is not None and task.carriage not in {c.id for c in train.carriages}:
        return f"is on carriage {task.carriage}, which train {train.id} no longer has"
    if task.start < train.arrival:
        return f"starts before the train's arrival at {clock.at(train.arrival)}"
    if task.end > instance.horizon:
        return f"ends after the horizon {clock.at(instance.horizon)}"
    if task.crew is not None:
        crew = next((c for c in st.crews if c.id == task.crew), None)
        if crew is None:
            return f"was done by crew {task.crew}, which no longer exists"
        needs = skill(task.op)
        if needs not in crew.skills:
            return f"needs skill {needs}, which crew {crew.id} no longer has"
        if not any(a <= task.start and task.end <= b for a, b in crew.shifts):
            return f"lies outside every shift of crew {crew.id} ({clock.spans(crew.shifts)})"
    if task.shunter is not None and task.shunter not in {s.id for s in st.shunters}:
        return f"used shunter {task.shunter}, which no longer exists"
    if task.track is not None and task.track not in {t.id for t in st.tracks}:
        return f"is on track {task.track}, which no longer exists"
    if task.op in CHANGER_OPS and st.changer is None:
        return "used the gauge changer, which the station no longer has"
    if task.op in HAUL_OPS:
        return _loco_rule(instance, train, task, clock)
    return None


def _loco_rule(instance: Instance, train: Train, task: Task, clock: Clock) -> str | None:
    """The attach's locomotive must exist, have the train's gauge and be available."""
    loco = task.locomotive
    station = {lo.id: lo for lo in instance.station.locomotives}
    inbound = {t.inbound_loco.id: t for t in instance.trains if t.inbound_loco is not None}
    if loco in station:
        lo = station[loco]
        if lo.gauge != train.to_gauge:
            return f"took locomotive {loco} of gauge {lo.gauge}, not {train.to_gauge}"
        if lo.available_from > task.start:
            return (
                f"took locomotive {loco}, which is now available only from "
                f"{clock.at(lo.available_from)}"
            )
        return None
    if loco in inbound:
        inbound_loco = inbound[loco].inbound_loco
        assert inbound_loco is not None  # inbound holds only trains that have one
        gauge = inbound_loco.gauge
        if gauge != train.to_gauge:
            return f"took locomotive {loco} of gauge {gauge}, not {train.to_gauge}"
        return None
    return f"took locomotive {loco}, which no longer exists"


def _structure_rule(
    instance: Instance, train: Train, plan: TrainPlan, frozen: Frozen, clock: Clock
) -> tuple[Task | None, str]:
    """The frozen task (None: the train's first) and why the train's frozen mode, blocks and
    durations do not fit ``instance`` (``""``: they do)."""
    if plan.mode not in possible_modes(instance, train):
        return None, f"fixes train {train.id}'s mode {plan.mode}, which is no longer possible"
    tracks = {t.id: t for t in instance.station.tracks}
    cars = {c.id: c for c in train.carriages}
    if plan.mode == "exchange":
        listed = [cid for b in plan.blocks for cid in b.carriages]
        if listed != [c.id for c in train.carriages]:
            return None, f"fixes train {train.id}'s blocks, which no longer match its carriages"
        for b, block in enumerate(plan.blocks):
            track = tracks.get(block.track)
            if track is None:
                return None, f"fixes block {b} of train {train.id} on track {block.track}, now gone"
            if len(block.carriages) > track.capacity:
                return (
                    None,
                    f"fixes block {b} on track {track.id}, whose capacity is {track.capacity}",
                )
            heavy = [c for c in block.carriages if cars[c].mass_t > track.max_mass_t]
            if heavy:
                return None, f"fixes carriage {heavy[0]} on track {track.id}, which cannot lift it"
            found = _window_rule(train, b, block.track, track.unavailable, frozen, clock)
            if found is not None:
                return found
    expected = expected_tasks(instance, train, plan.mode, plan.blocks, plan.ground_brake_test)
    for task in frozen.tasks:
        if task.train != train.id:
            continue
        want = expected.get(key_of(task.train, task.op, task.carriage, task.block))
        if want is None:
            return task, f"has no place in train {train.id}'s plan under the new instance"
        if want.duration != task.end - task.start:
            return task, (
                f"lasted {task.end - task.start} min, but the instance now says "
                f"{want.formula} = {want.duration}"
            )
    return None, ""


def _window_rule(
    train: Train,
    b: int,
    track: str,
    windows: Sequence[Sequence[int]],
    frozen: Frozen,
    clock: Clock,
) -> tuple[Task, str] | None:
    """A block already on its track (the start of its :func:`~gaugeopt.rules.stay` frozen)
    until at least ``now`` (or the end of its frozen end operation) must not sit in a
    maintenance window."""
    hold = stay()
    ops: dict[str, Task] = {
        t.op: t for t in frozen.tasks if t.train == train.id and t.block == b and t.carriage is None
    }
    opens = ops.get(hold.start_op)
    if opens is None:
        return None
    closes = ops.get(hold.end_op)
    until = closes.end if closes is not None else max(frozen.now, opens.end)
    span = f"until {clock.at(until)}"
    if closes is None:
        span = f"until at least {clock.at(until)}"
    for a, w in windows:
        if a < until and opens.start < w:
            return opens, (
                f"put block {b} of train {train.id} on track {track} from "
                f"{clock.at(opens.start)} {span}, inside its new maintenance window "
                f"{clock.span(a, w)}"
            )
    return None


def _bogie_rule(instance: Instance, previous: Solution, frozen: Frozen) -> tuple[Task, str] | None:
    """The first frozen bogie move (swap, roll) that finds too few bogies in the new stock.

    Only frozen work moves bogies before ``now`` (every other task starts at ``now`` or
    later), so the stock before ``now`` follows from the frozen bogie moves alone.
    """
    st = instance.station
    trains = {t.id: t for t in instance.trains}
    reading = Reading(previous)
    level = {(b.gauge, b.type): b.count for b in st.bogie_stock}
    events: list[tuple[int, int, tuple[int, str], int, Task]] = []
    for task in frozen.tasks:
        train = trains.get(task.train)
        if train is None or task.op not in BOGIE_OPS:
            continue
        cars = {c.id: c for c in train.carriages}
        for cid in reading.carriages_of(task):
            car = cars.get(cid)
            if car is None:
                continue
            back = task.end + st.bogie_turnaround
            events.append((task.start, 1, (train.to_gauge, car.bogie_type), -car.bogies, task))
            events.append((back, 0, (train.from_gauge, car.bogie_type), car.bogies, task))
    for _, _, key, delta, task in sorted(events, key=lambda e: (e[0], e[1])):
        level[key] = level.get(key, 0) + delta
        if level[key] < 0:
            return task, (
                f"took bogies {key[0]}/{key[1]} the station's new bogie_stock does not have"
            )
    return None
