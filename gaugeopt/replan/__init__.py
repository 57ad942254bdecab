"""Replanning (docs/replanning.md): a new plan for an edited instance that keeps the past.

``gaugeopt.replan(instance, previous, now, ...)`` returns a
:class:`~gaugeopt.replan.run.ReplanResult`; :mod:`gaugeopt.replan.diff` compares two
solutions. The package itself is callable, so that ``gaugeopt.replan(...)`` is the
function whether or not this package was imported first.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gaugeopt.replan.run import ReplanResult

__all__ = ["replan"]


def replan(*args: Any, **kwargs: Any) -> ReplanResult:
    """See :func:`gaugeopt.replan.run.replan`."""
    from gaugeopt.replan.run import replan as run_replan

    return run_replan(*args, **kwargs)


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> ReplanResult:
        return replan(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
