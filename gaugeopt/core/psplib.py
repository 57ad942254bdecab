"""Read PSPLIB (``.sm``) and MMLIB (``.mm``) project files into a :class:`Problem`.

Files are parsed by the ``psplib`` package; each activity becomes a task with one mode per
file mode, renewable and nonrenewable resources keep their capacities, successors become
end-to-start precedences, and the objective is the makespan (the end of the sink activity).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psplib

from gaugeopt.core.cpsat.options import ModelOptions
from gaugeopt.core.problem import Demand, Mode, Problem, Resource, ResourceKind

#: Full searches, one per worker, for multi-mode projects: with the LP over the mode
#: literals they find better MMLIB schedules and bounds at 10 s on 2 workers than CP-SAT's
#: default portfolio (one full search and neighbourhood searches), which stays better on
#: single-mode sets (j120; on j30 the two are even).
MULTI_MODE_SUBSOLVERS = ("default_lp", "max_lp")


@dataclass
class PsplibInfo:
    """What a project file held, and where its makespan is in the problem."""

    name: str
    num_activities: int
    renewable: list[int]
    nonrenewable: list[int]
    multi_mode: bool
    sink: int  # task whose end is the makespan


def project_options(info: PsplibInfo) -> ModelOptions:
    """The measured best formulation and search for a project read by :func:`read_psplib`
    (see ``benchmarks/README.md``)."""
    if info.multi_mode:
        return ModelOptions(full_subsolvers=MULTI_MODE_SUBSOLVERS)
    return ModelOptions()


def read_psplib(path: str | Path) -> tuple[Problem, PsplibInfo]:
    """Read a ``.sm`` or ``.mm`` file; the horizon is the sum of the longest mode durations."""
    path = Path(path)
    instance = psplib.parse(path, instance_format="psplib")
    activities = instance.activities
    horizon = sum(max((m.duration for m in a.modes), default=0) for a in activities)
    problem = Problem(horizon=horizon, name=path.stem)
    kinds = []
    for r, res in enumerate(instance.resources):
        kind: ResourceKind = "renewable" if res.renewable else "nonrenewable"
        kinds.append(kind)
        problem.add_resource(Resource(f"R{r + 1}", res.capacity, kind))
    for i, activity in enumerate(activities):
        modes = [
            Mode(m.duration, [Demand(r, q) for r, q in enumerate(m.demands) if q > 0])
            for m in activity.modes
        ]
        problem.add_task(activity.name or f"a{i}", modes=modes)
    for i, activity in enumerate(activities):
        for k, j in enumerate(activity.successors):
            if activity.delays is None:
                problem.add_precedence(i, j)
            else:  # time lags from start to start
                problem.add_precedence(i, j, activity.delays[k], at_before="start")
    ends = [i for i, a in enumerate(activities) if not a.successors]
    if len(ends) == 1 and all(m.duration == 0 for m in activities[ends[0]].modes):
        sink = ends[0]
    else:
        sink = problem.add_task("sink", 0)
        for i in ends:
            problem.add_precedence(i, sink)
    problem.add_objective(sink, 1)
    info = PsplibInfo(
        name=path.stem,
        num_activities=len(activities),
        renewable=[r for r, k in enumerate(kinds) if k == "renewable"],
        nonrenewable=[r for r, k in enumerate(kinds) if k == "nonrenewable"],
        multi_mode=any(len(a.modes) > 1 for a in activities),
        sink=sink,
    )
    return problem, info
