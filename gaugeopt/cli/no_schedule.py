"""What ``gaugeopt solve`` adds when no schedule meets the horizon: the root cause in
numbers and the overrun schedule (``<out stem>.overrun.json``)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from gaugeopt.cli.common import fail, out
from gaugeopt.model.instance import Instance

#: Least time the overrun schedule gets, even past the solve's time limit.
MIN_SECONDS = 0.5


def explain_and_overrun(
    inst: Instance,
    target: Path,
    *,
    deadline: float,
    workers: int,
    seed: int,
    stop: threading.Event,
    reasons: list[str],
    quiet_stdout: bool,
    prechecked: bool = False,
) -> dict[str, Any]:
    """Print the root cause line, write the overrun file next to ``target``; returns what
    ``solve --json`` adds (``root_cause``, ``overrun``, ``overrun_minutes``). The overrun
    schedule gets the time to ``deadline`` (a :func:`time.perf_counter` reading: the end of
    the command's time limit), at least ``MIN_SECONDS``. ``prechecked``: the solve's
    pre-checks already found no reason (it ended without a schedule), so they are not run
    again (seconds on a day of 60 trains)."""
    from gaugeopt.diagnose.load import root_cause_line
    from gaugeopt.diagnose.precheck import infeasibility_reasons
    from gaugeopt.overrun import overrun_path, overrun_schedule, write_overrun

    # A pre-check's first reason is already a root cause; the load analysis speaks when
    # they found none (no schedule within the time, or a proof from the search itself).
    found_before = [] if prechecked else infeasibility_reasons(inst)
    cause = found_before[0] if found_before else root_cause_line(inst)
    if not quiet_stdout:
        out.print(f"root cause: {cause}", markup=False)
    budget = max(MIN_SECONDS, deadline - time.perf_counter())
    notes = [f"reason: {r}" for r in reasons]
    found = overrun_schedule(
        inst, budget, workers=workers, seed=seed, stop=stop, notes=notes, cause=cause
    )
    extra: dict[str, Any] = {"root_cause": cause, "overrun": None, "overrun_minutes": None}
    if found is None:
        if not quiet_stdout:
            out.print(
                f"no overrun schedule: none found within {budget:.0f} s with the horizon "
                "lifted (a rule other than the horizon may rule every schedule out)",
                markup=False,
            )
        return extra
    path = overrun_path(target)
    try:
        write_overrun(found, path)
    except OSError as exc:
        raise fail(f"{path}: cannot write ({exc.strerror or exc})") from None
    if not quiet_stdout:
        out.print(f"overrun schedule written to {path}: {found.summary()}", markup=False)
    extra.update(overrun=str(path), overrun_minutes=found.overrun)
    return extra
