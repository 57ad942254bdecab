"""Why an instance has no schedule, when the pre-checks find nothing and CP-SAT proves it.

The rules of an instance are grouped as a planner would name them ("the shifts of crew
C3", "the bogie stock of gauge 1520 type 'heavy'", "the horizon", ...). Each group can be
*relaxed* so that it no longer binds: a crew on duty around the clock, deadlines lifted,
stock without a shortage, locomotives free from t = 0, and so on. A set of groups is a
cause when the instance stays infeasible with every other group relaxed. Starting from
all groups (infeasible: the solver proved it), each group in turn is relaxed too and left
relaxed if the instance is still infeasible (deletion filter). What remains is a cause no
group of which can be dropped: each is part of the reason.

Relaxations are made on the instance, and the gauge-change model is rebuilt for each test,
so the redundant constraints the builder derives from the data (crew-pool profiles, dwell
floors) always match the rules actually in force. A test that times out keeps its group:
the answer is then still a cause, perhaps not a smallest one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from gaugeopt.clock import Clock
from gaugeopt.core import solve_problem
from gaugeopt.gauge.build import build
from gaugeopt.model.instance import MAX_TIME, BogieStock, Instance, Locomotive, Shunter, Train
from gaugeopt.rules import OPS, ground_options, possible_modes
from gaugeopt.rules import pool as jack_pool

#: Seconds given to one feasibility test at least (the budget is shared among the tests).
MIN_TEST_SECONDS = 0.5


@dataclass(frozen=True)
class Group:
    """A group of rules: the reason line naming it and how to lift it on an instance."""

    reason: str
    relax: Callable[[Instance], None]


def _train_work(inst: Instance, train: Train) -> int:
    """Minutes that certainly suffice for every task a train could have, one after another:
    every operation of every mode, its longer ground-air variant, each block task once per
    carriage (the most blocks a cut can make)."""
    d = inst.station.durations
    total = 0
    for rule in OPS:
        covers = [train.carriages] if rule.level == "train" else [[c] for c in train.carriages]
        total += sum(
            max(rule.minutes(d, train, cs, g) for g in ground_options(inst)) for cs in covers
        )
    return total


def _serial_work(inst: Instance) -> int:
    """Minutes that certainly suffice to do all the work of every train one after another,
    waiting out each locomotive and bogie turnaround."""
    st = inst.station
    waits = 2 * st.loco_turnaround + st.bogie_turnaround
    return sum(_train_work(inst, t) + waits for t in inst.trains)


def _relaxed_horizon(inst: Instance) -> int:
    """A horizon late enough that no deadline binds once every other group is relaxed."""
    st = inst.station
    latest = max(
        [inst.horizon]
        + [t.arrival for t in inst.trains]
        + [t.earliest_departure or 0 for t in inst.trains]
        + [lo.available_from for lo in st.locomotives]
        + [b for tr in st.tracks for _, b in tr.unavailable]
    )
    return min(MAX_TIME, latest + _serial_work(inst) + 1)


def groups(inst: Instance) -> list[Group]:
    """Every group of rules of ``inst`` that relaxing could make feasible, in a fixed order."""
    st = inst.station
    horizon = _relaxed_horizon(inst)
    out: list[Group] = []
    n_cars = sum(len(t.carriages) for t in inst.trains)

    def _horizon(i: Instance) -> None:
        end = i.horizon
        i.horizon = horizon
        for crew in i.station.crews:  # a shift that lasts to the end of the plan goes on
            crew.shifts = [(a, horizon if b >= end else b) for a, b in crew.shifts]

    clock = Clock.of(inst)
    out.append(Group(f"the horizon: every train must leave by {clock.at(inst.horizon)}", _horizon))

    for k, crew in enumerate(st.crews):
        if crew.skills and not any(a <= 0 and b >= inst.horizon for a, b in crew.shifts):

            def _crew(i: Instance, k: int = k) -> None:
                i.station.crews[k].shifts = [(0, horizon)]

            out.append(
                Group(
                    f"the shifts of crew {crew.id} ({', '.join(crew.skills)}): on duty "
                    f"{clock.spans(crew.shifts)} only",
                    _crew,
                )
            )

    # Every train that changes gauge: relaxing a group may open the exchange to it.
    exchange = [t for t in inst.trains if possible_modes(inst, t) != ["through"]]
    keys = sorted({(t.to_gauge, c.bogie_type) for t in exchange for c in t.carriages})
    stock = {(b.gauge, b.type): b for b in st.bogie_stock}
    for gauge, btype in keys:
        need = sum(c.bogies for t in exchange if t.to_gauge == gauge for c in t.carriages)
        have = stock[gauge, btype].count if (gauge, btype) in stock else 0
        if have >= need:
            continue  # enough for every carriage at once: never binds

        def _stock(i: Instance, key: tuple[int, str] = (gauge, btype), need: int = need) -> None:
            for b in i.station.bogie_stock:
                if (b.gauge, b.type) == key:
                    b.count += need
                    return
            i.station.bogie_stock.append(BogieStock(gauge=key[0], type=key[1], count=need))

        out.append(
            Group(
                f"the bogie stock of gauge {gauge} type {btype!r}: {have} at the start, "
                f"{need} needed by the trains that leave on gauge {gauge}",
                _stock,
            )
        )
    if exchange and st.bogie_turnaround > 0:
        out.append(
            Group(
                f"the bogie turnaround: bogies taken off come back into stock only "
                f"{st.bogie_turnaround} min after their swap",
                lambda i: setattr(i.station, "bogie_turnaround", 0),
            )
        )

    for gauge in sorted({t.to_gauge for t in inst.trains}):
        leaving = sum(1 for t in inst.trains if t.to_gauge == gauge)
        pool = [lo for lo in st.locomotives if lo.gauge == gauge]
        if sum(1 for lo in pool if lo.available_from == 0) >= leaving:
            continue  # a loco waits from the start for every train: never binds
        pool_text = (
            ", ".join(f"{lo.id} from {clock.at(lo.available_from)}" for lo in pool)
            or "no station loco"
        )

        def _locos(i: Instance, gauge: int = gauge, leaving: int = leaving) -> None:
            for n in range(leaving):
                i.station.locomotives.append(
                    Locomotive(id=f"explain-loco-{gauge}-{n}", gauge=gauge, available_from=0)
                )

        out.append(
            Group(
                f"the locomotive pool of gauge {gauge}: {leaving} train(s) leave on it; "
                f"{pool_text}, and inbound locos after their train's detach",
                _locos,
            )
        )
    if st.loco_turnaround > 0 and any(t.inbound_loco is not None for t in inst.trains):
        out.append(
            Group(
                f"the locomotive turnaround: an inbound loco can leave again only "
                f"{st.loco_turnaround} min after its train's detach",
                lambda i: setattr(i.station, "loco_turnaround", 0),
            )
        )

    if exchange and st.tracks:
        longest = max(len(t.carriages) for t in exchange)
        if any(tr.capacity < longest for tr in st.tracks):

            def _capacity(i: Instance, longest: int = longest) -> None:
                for tr in i.station.tracks:
                    tr.capacity = max(tr.capacity, longest)

            caps = ", ".join(f"{tr.id} holds {tr.capacity}" for tr in st.tracks)
            out.append(Group(f"the track capacities: {caps}", _capacity))
        for k, tr in enumerate(st.tracks):
            if tr.method in jack_pool().methods and jack_pool().capacity(tr) < min(
                tr.capacity, longest
            ):

                def _jacks(i: Instance, k: int = k) -> None:
                    i.station.tracks[k].jack_sets = max(n_cars, 1)

                out.append(Group(f"the jack sets of track {tr.id}: {tr.jack_sets} at once", _jacks))
        heaviest = max(c.mass_t for t in exchange for c in t.carriages)
        if any(tr.max_mass_t < heaviest for tr in st.tracks):

            def _mass(i: Instance, heaviest: float = heaviest) -> None:
                for tr in i.station.tracks:
                    tr.max_mass_t = max(tr.max_mass_t, heaviest)

            limits = ", ".join(f"{tr.id} {tr.max_mass_t:g} t" for tr in st.tracks)
            out.append(Group(f"the lifting limits of the tracks: {limits}", _mass))
        for k, tr in enumerate(st.tracks):
            if tr.unavailable:

                def _open(i: Instance, k: int = k) -> None:
                    i.station.tracks[k].unavailable = []

                out.append(
                    Group(
                        f"the maintenance windows of track {tr.id}: closed "
                        f"{clock.spans(tr.unavailable)}",
                        _open,
                    )
                )

    blocks_or_passes = n_cars + len(inst.trains)
    if exchange and len(st.shunters) < blocks_or_passes:

        def _shunters(i: Instance) -> None:
            i.station.shunters.extend(
                Shunter(id=f"explain-shunter-{n}") for n in range(blocks_or_passes)
            )

        names = ", ".join(s.id for s in st.shunters) or "none"
        out.append(Group(f"the shunting locomotives: {len(st.shunters)} ({names})", _shunters))
    return out


def _relaxed(inst: Instance, relax: list[Group]) -> Instance:
    copy = inst.model_copy(deep=True)
    for g in relax:
        g.relax(copy)
    return copy


def _infeasible(
    inst: Instance, time_limit: float, workers: int, stop: threading.Event | None
) -> bool | None:
    """True if proven infeasible, False if a schedule exists, None if not decided in time."""
    problem = build(inst).problem
    problem.objective = []  # feasibility only: any schedule answers the question
    problem.objective_offset = 0
    result = solve_problem(problem, time_limit=time_limit, workers=workers, stop=stop)
    if result.status == "infeasible":
        return True
    if result.status in ("optimal", "feasible"):
        return False
    return None


def explain_infeasibility(
    instance: Instance,
    time_limit: float = 10.0,
    *,
    workers: int = 2,
    known_infeasible: bool = False,
    stop: threading.Event | None = None,
) -> list[str]:
    """Name a smallest set of rule groups that together leave ``instance`` no schedule.

    Returns one line per group of the cause, or ``[]`` when no cause could be named within
    ``time_limit`` seconds (or the instance is not infeasible, or relaxing every group
    still leaves it infeasible). ``known_infeasible`` skips re-proving the instance itself.
    """
    t0 = time.perf_counter()
    every = groups(instance)
    if not every:
        return []

    def budget(tests_left: int) -> float | None:
        left = time_limit - (time.perf_counter() - t0)
        if left <= 0 or (stop is not None and stop.is_set()):
            return None
        return max(MIN_TEST_SECONDS, left / max(1, tests_left))

    tests = len(every) + 1
    if not known_infeasible:  # the hardest test of all: give it half the time
        limit = budget(2)
        if limit is None or _infeasible(instance, limit, workers, stop) is not True:
            return []
    limit = budget(tests)
    if limit is None or _infeasible(_relaxed(instance, every), limit, workers, stop) is not False:
        return []  # the cause lies outside the groups (or could not be told in time)
    tests -= 1

    # Deletion filter: `cause` is always infeasible; drop each group that is not needed.
    cause = set(range(len(every)))
    for k in range(len(every)):
        limit = budget(tests)
        tests -= 1
        if limit is None:
            break
        relax = [g for j, g in enumerate(every) if j == k or j not in cause]
        if _infeasible(_relaxed(instance, relax), limit, workers, stop) is True:
            cause.discard(k)
    return [every[k].reason for k in sorted(cause)]
