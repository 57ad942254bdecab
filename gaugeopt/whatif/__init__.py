"""What-if analysis: which one resource more (or less) changes the plan most.

``gaugeopt.whatif(instance, time_limit=..., seed=...)`` solves the instance and every variant
of :mod:`gaugeopt.whatif.variants` and returns a :class:`~gaugeopt.whatif.run.WhatIf`
(``.table``: a DataFrame sorted by dwell gained; ``.write_csv(path)``);
:func:`gaugeopt.whatif.chart.plot_whatif` draws it. The package itself is callable, so that
``gaugeopt.whatif(...)`` is the function whether or not this package was imported first.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gaugeopt.whatif.run import WhatIf

__all__ = ["whatif"]


def whatif(*args: Any, **kwargs: Any) -> WhatIf:
    """See :func:`gaugeopt.whatif.run.whatif`."""
    from gaugeopt.whatif.run import whatif as run_whatif

    return run_whatif(*args, **kwargs)


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> WhatIf:
        return whatif(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
