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
from gaugeopt.params import SolveParams
from gaugeopt.version import __version__ as __version__

__all__ = [
    "InputError",
    "Instance",
    "Result",
    "Solution",
    "SolveParams",
    "SolveStats",
    "Violation",
    "check",
    "lifted_instance",
    "overrun_schedule",
    "read_instance",
    "read_solution",
    "replan",
    "report",
    "simulate",
    "solve",
    "whatif",
    "write_instance",
    "write_solution",
]


def __getattr__(name: str):
    # The solver pulls in OR-Tools: load it on first use, so that importing the model or
    # the checker stays light and never touches solver code.
    if name == "solve":
        from gaugeopt.solver import solve

        return solve
    if name == "report":  # the package, callable: gaugeopt.report(instance, solution, path)
        import gaugeopt.report

        return gaugeopt.report
    if name == "Result":
        from gaugeopt.result import Result

        return Result
    if name == "SolveStats":
        from gaugeopt.result import SolveStats

        return SolveStats
    if name in ("overrun_schedule", "lifted_instance"):  # the schedule past the horizon
        import gaugeopt.overrun

        return getattr(gaugeopt.overrun, name)
    if name == "replan":  # the package, callable: gaugeopt.replan(instance, previous, now)
        import gaugeopt.replan

        return gaugeopt.replan
    if name == "whatif":  # the package, callable: gaugeopt.whatif(instance, ...)
        import gaugeopt.whatif

        return gaugeopt.whatif
    if name == "simulate":  # the package, callable: gaugeopt.simulate(instance, solution)
        import gaugeopt.simulate

        return gaugeopt.simulate
    raise AttributeError(f"module 'gaugeopt' has no attribute {name!r}")
