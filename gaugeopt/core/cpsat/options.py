"""How the CP-SAT model of a problem is built and searched, beyond what the problem says.

These choices change the model or the search, never the meaning: every option gives the
same optimum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ModeResources = Literal["per_mode", "per_task"]


@dataclass(frozen=True)
class ModelOptions:
    """Formulation choices of :class:`~gaugeopt.core.cpsat.model.CpsatModel`.

    ``mode_resources``: how a task with several modes of constant duration takes its fixed
    renewable demands. ``"per_task"`` (default): one interval over the task's start and end
    per resource, its size and demand chosen by the mode literals, so the resource sees the
    task (with its smallest duration and demand) before its mode is fixed; ``"per_mode"``:
    one optional interval per mode, seen only once the mode is chosen.
    """

    mode_resources: ModeResources = "per_task"
    #: Full-problem CP-SAT subsolvers to run, one per worker, in place of CP-SAT's default
    #: portfolio (on 2 workers: one full search and the interleaved neighbourhood
    #: searches); empty: the default. Ignored when the CP-SAT ``params`` name
    #: ``subsolvers``.
    full_subsolvers: tuple[str, ...] = field(default=())
