"""gaugeopt: optimal schedules for break-of-gauge border stations."""

from gaugeopt.checker import Violation, check
from gaugeopt.errors import InputError
from gaugeopt.model import (
    Instance,
    Solution,
    read_instance,
    read_solution,
    write_instance,
    write_solution,
)

__all__ = [
    "InputError",
    "Instance",
    "Result",
    "Solution",
    "Violation",
    "check",
    "read_instance",
    "read_solution",
    "report",
    "solve",
    "write_instance",
    "write_solution",
]
__version__ = "0.1.0"


def __getattr__(name: str):
    # The solver pulls in OR-Tools: load it on first use, so that importing the model or
    # the checker stays light and never touches solver code.
    if name == "solve":
        from gaugeopt.solver import solve

        return solve
    if name == "report":
        from gaugeopt.report import report

        return report
    if name == "Result":
        from gaugeopt.result import Result

        return Result
    raise AttributeError(f"module 'gaugeopt' has no attribute {name!r}")
