"""The overrun schedule: the best plan of a day that does not fit its horizon.

When no schedule meets the horizon ``H``, :func:`overrun_schedule` lifts it
(:func:`lifted_instance`: the horizon becomes ``factor × H`` and every crew's shifts repeat
with period ``H``, so the next day runs like this one; everything else stays as it was) for
factor 2, 4, 8, 16 until a schedule is found, with the constructive scheduler first and
then, with the time left, :func:`gaugeopt.solve` on the lifted instance. The schedule found
passes the checker on the lifted instance; :class:`Overrun` says how far it runs past
``H`` (in all and per train) and why the horizon is too short (the load analysis of
:mod:`gaugeopt.diagnose.load`).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gaugeopt.clock import Clock, duration
from gaugeopt.errors import InputError
from gaugeopt.model.instance import MAX_TIME, Instance
from gaugeopt.model.io import atomic_write_text, parse_instance, parse_solution
from gaugeopt.model.solution import Solution

log = logging.getLogger("gaugeopt")

#: Horizon factors tried, in order.
FACTORS: tuple[int, ...] = (2, 4, 8, 16)
#: Share of the time budget the constructive scheduler gets at each factor.
CONSTRUCT_SHARE = 0.25
#: Seconds left below which no search follows the constructive schedule.
MIN_SEARCH_SECONDS = 1.0
#: Nor below this many times the first constructive call: the solve's own pre-check,
#: first pass and bounds take about that long before it searches.
SEARCH_PASSES = 4.0


def _repeated(shifts: list[tuple[int, int]], period: int, horizon: int) -> list[tuple[int, int]]:
    """``shifts`` and their copies shifted by ``k × period`` that start before
    ``horizon``, cut at it; copies that overlap are merged (touching ones are kept apart)."""
    copies = sorted(
        (a + k * period, min(b + k * period, horizon))
        for k in range(horizon // period + 1)
        for a, b in shifts
        if a + k * period < horizon
    )
    merged: list[tuple[int, int]] = []
    for a, b in copies:
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def lifted_instance(inst: Instance, factor: int) -> Instance:
    """``inst`` with the horizon ``factor ×`` longer (at most MAX_TIME) and every crew's
    shifts repeated with a period equal to the original horizon. Same name; every other
    rule as it was. Raises ValueError for a factor below 1."""
    if factor < 1:
        raise ValueError(f"factor must be at least 1, got {factor}")
    period = inst.horizon
    horizon = min(MAX_TIME, factor * period)
    data = inst.model_dump(mode="json")
    data["horizon"] = horizon
    for crew, src in zip(data["station"]["crews"], inst.station.crews, strict=True):
        crew["shifts"] = [list(s) for s in _repeated(list(src.shifts), period, horizon)]
    return parse_instance(data, source=f"{inst.name} (horizon ×{factor})")


@dataclass
class TrainOverrun:
    """One train of an overrun schedule: its departure and how far past the horizon."""

    train: str
    arrival: int
    departure: int
    overrun: int


@dataclass
class Overrun:
    """An overrun schedule: ``solution`` is valid for ``instance``, the lifted instance
    (horizon ``factor × horizon``); ``horizon`` is the original one."""

    original: Instance
    instance: Instance
    solution: Solution
    factor: int
    notes: list[str] = field(default_factory=list)
    method: str = "construct"

    @property
    def horizon(self) -> int:
        return self.original.horizon

    @property
    def latest_departure(self) -> int:
        return max(p.departure for p in self.solution.trains)

    @property
    def overrun(self) -> int:
        """Latest departure − horizon (0 when every train leaves within it)."""
        return max(0, self.latest_departure - self.horizon)

    def trains(self) -> list[TrainOverrun]:
        """Every train, in the instance's order."""
        plans = {p.id: p for p in self.solution.trains}
        return [
            TrainOverrun(
                t.id,
                t.arrival,
                plans[t.id].departure,
                max(0, plans[t.id].departure - self.horizon),
            )
            for t in self.original.trains
        ]

    def summary(self) -> str:
        """One line: the latest departure and how far past the horizon it is."""
        clock = Clock.of(self.original)
        late = sum(1 for t in self.trains() if t.overrun > 0)
        if not self.overrun:
            return (
                f"every train leaves by the horizon ({clock.at(self.horizon)}) in the "
                "overrun schedule"
            )
        return (
            f"latest departure {clock.at(self.latest_departure)}, {duration(self.overrun)} "
            f"past the horizon ({clock.at(self.horizon)}); {late} of "
            f"{len(self.original.trains)} trains leave after it"
        )

    def as_dict(self) -> dict[str, Any]:
        """The overrun file: how far it overruns, per train, the notes, the lifted
        instance and the schedule (a solution of that instance, docs/file-formats.md)."""
        clock = Clock.of(self.original)
        return {
            "instance": self.original.name,
            "horizon": self.horizon,
            "horizon_end": clock.at(self.horizon),
            "lifted_horizon": self.instance.horizon,
            "factor": self.factor,
            "shift_period": self.horizon,
            "method": self.method,
            "overrun_minutes": self.overrun,
            "overrun": duration(self.overrun),
            "latest_departure": self.latest_departure,
            "latest_departure_at": clock.at(self.latest_departure),
            "summary": self.summary(),
            "notes": list(self.notes),
            "trains": [
                {
                    "train": t.train,
                    "arrival": t.arrival,
                    "departure": t.departure,
                    "departure_at": clock.at(t.departure),
                    "overrun_minutes": t.overrun,
                    "overrun": duration(t.overrun),
                }
                for t in self.trains()
            ],
            "lifted_instance": self.instance.model_dump(mode="json"),
            "solution": self.solution.model_dump(mode="json"),
        }


def overrun_path(solution_path: str | Path) -> Path:
    """``day.sol.json`` -> ``day.sol.overrun.json`` (``<out stem>.overrun.json``)."""
    path = Path(solution_path)
    stem = path.name[: -len(".json")] if path.name.endswith(".json") else path.name
    return path.with_name(f"{stem}.overrun.json")


def write_overrun(overrun: Overrun, path: str | Path) -> None:
    """Write the overrun file atomically."""
    text = json.dumps(overrun.as_dict(), indent=2, ensure_ascii=False) + "\n"
    atomic_write_text(path, text)


@dataclass(frozen=True)
class OverrunFile:
    """An overrun file read back: ``solution`` is a schedule of ``instance``, the lifted
    instance the file records (horizon ``factor ×`` the day's ``horizon``)."""

    instance: Instance
    solution: Solution
    horizon: int
    factor: int
    summary: str
    notes: list[str]

    def note(self) -> str:
        """What every output of this schedule says about it, as one sentence."""
        clock = Clock.of(self.instance)
        return (
            f"Overrun schedule: no schedule fits the day, which ends at "
            f"{clock.at(self.horizon)}, so this one lifts the horizon {self.factor}-fold, "
            f"every crew's shifts repeating every {duration(self.horizon)}; "
            f"{self.summary}."
        )


def is_overrun_data(data: object) -> bool:
    """Whether parsed JSON is an overrun file (it records a lifted instance)."""
    return isinstance(data, dict) and "lifted_instance" in data and "solution" in data


def parse_overrun(data: dict[str, Any], source: str = "<input>") -> OverrunFile:
    """The overrun file's schedule against the lifted instance it records; a bad file
    raises :class:`InputError` naming the field."""

    def part(key: str, kind: type) -> Any:
        value = data.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise InputError(f"must be a {kind.__name__}, got {value!r}", path=f"{source}: {key}")
        return value

    try:
        instance = parse_instance(part("lifted_instance", dict))
        solution = parse_solution(part("solution", dict))
    except InputError as exc:
        raise InputError(str(exc), path=f"{source}: overrun file") from None
    notes = data.get("notes", [])
    return OverrunFile(
        instance=instance,
        solution=solution,
        horizon=part("horizon", int),
        factor=part("factor", int),
        summary=str(data.get("summary", "")),
        notes=[str(n) for n in notes] if isinstance(notes, list) else [],
    )


def _valid(inst: Instance, sol: Solution | None) -> bool:
    from gaugeopt.checker import check

    if sol is None or sol.status not in ("optimal", "feasible"):
        return False
    broken = check(inst, sol)
    if broken:
        log.warning("overrun: a schedule broke %d rules on the lifted instance", len(broken))
    return not broken


def _first_schedule(
    inst: Instance, deadline: float, seed: int
) -> tuple[int, Instance, Solution | None, float]:
    """The smallest factor whose lifted instance the constructive scheduler schedules (or
    the largest factor tried, without a schedule), and the seconds of the first
    constructive call. Every pass gives up at ``deadline``."""
    from gaugeopt.construct import construct
    from gaugeopt.diagnose.precheck import infeasibility_reasons

    lifted = inst
    first = 0.0
    for factor in FACTORS:
        lifted = lifted_instance(inst, factor)
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        if infeasibility_reasons(lifted):
            continue
        t = time.perf_counter()
        sol = construct(
            lifted, time_limit=max(0.05, CONSTRUCT_SHARE * left), seed=seed, deadline=deadline
        )
        first = first or time.perf_counter() - t
        if _valid(lifted, sol):
            return factor, lifted, sol, first
        if lifted.horizon >= MAX_TIME:
            break
    return FACTORS[-1], lifted, None, first


def overrun_schedule(
    inst: Instance,
    time_limit: float = 10.0,
    *,
    workers: int = 2,
    seed: int = 0,
    stop: threading.Event | None = None,
    notes: list[str] | None = None,
    cause: str | None = None,
) -> Overrun | None:
    """The best schedule of ``inst`` with its horizon lifted (see the module doc), found
    within ``time_limit`` seconds, or None when no lifted horizon gives one (a rule other
    than the horizon rules it out, or nothing was found in time). ``notes`` go first into
    the result's notes, before the load analysis' root cause (``cause``, when the caller
    has it already)."""
    from gaugeopt.diagnose.load import root_cause_line
    from gaugeopt.solver import solve

    t0 = time.perf_counter()
    deadline = t0 + time_limit
    factor, lifted, best, first = _first_schedule(inst, deadline, seed)
    method = "construct"
    left = deadline - time.perf_counter()
    room = left >= max(MIN_SEARCH_SECONDS, SEARCH_PASSES * first)
    if room and not (stop is not None and stop.is_set()):
        result = solve(lifted, time_limit=left, workers=workers, seed=seed, stop=stop)
        better = best is None or (result.objective or 0) < (best.objective or 0)
        if result.objective is not None and better and _valid(lifted, result.solution):
            best, method = result.solution, "solve"
    if best is None:
        log.info("overrun: no schedule with the horizon lifted %dx", factor)
        return None
    period = duration(inst.horizon)
    out_notes = list(notes or [])
    out_notes.append(
        f"horizon lifted from {inst.horizon} to {lifted.horizon} min (x{factor}); every "
        f"crew's shifts repeat every {period}"
    )
    out_notes.append(f"root cause: {cause or root_cause_line(inst)}")
    return Overrun(inst, lifted, best, factor, out_notes, method)
