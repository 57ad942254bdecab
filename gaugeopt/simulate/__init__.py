"""Simulation of a plan under delays (docs/simulation.md).

``gaugeopt.simulate(instance, solution, runs=..., seed=..., delays=..., delay_scale=...)``
checks the plan, builds the network its decisions make (:mod:`.network`), draws seeded
delays (:mod:`.delays`), propagates them run by run (:mod:`.propagate`) in chunks on the
Dask sweep (:mod:`.run`) and returns a :class:`~gaugeopt.simulate.stats.Simulation`
(``.to_json()``: per train departure and dwell, expected weighted dwell, overtime per crew,
who passes delay on). The package itself is callable, as :mod:`gaugeopt.whatif` is.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gaugeopt.simulate.stats import Simulation

__all__ = ["simulate"]


def simulate(*args: Any, **kwargs: Any) -> Simulation:
    """See :func:`gaugeopt.simulate.run.simulate`."""
    from gaugeopt.simulate.run import simulate as run_simulate

    return run_simulate(*args, **kwargs)


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Simulation:
        return simulate(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
