"""Solve budgets for tests that no machine's speed can change: one worker, deterministic time.

CI shares a loaded 2-core machine, so no test verdict may depend on how fast the clock runs.
With one worker the solver budgets CP-SAT in deterministic time derived from the time
limit; ``clock_slack`` moves the wall clock's safety net to ``time_limit × CLOCK_SLACK``, so
the budgets end every solve on any machine up to that many times slower than an idle one.
"""

from __future__ import annotations

from typing import Any

from gaugeopt.params import SolveParams

#: How many times slower than an idle machine a test run may be before the clock cuts in.
CLOCK_SLACK = 20.0

#: Parameters of every reproducible solve in the tests (pass with ``workers=1``).
DETERMINISTIC = SolveParams(clock_slack=CLOCK_SLACK)


def core_budget(units: float) -> dict[str, Any]:
    """Keyword arguments of :func:`gaugeopt.core.solve_problem`: one worker, ``units`` of
    CP-SAT's deterministic time, and the clock only as a safety net (a generous multiple)."""
    seconds = units / DETERMINISTIC.deterministic_rate
    return {
        "workers": 1,
        "time_limit": seconds * CLOCK_SLACK,
        "params": {"max_deterministic_time": units},
    }
