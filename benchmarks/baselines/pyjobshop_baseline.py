"""PyJobShop baseline for the benchmark suite (optional ``bench`` extra; not installed).

``gaugeopt bench -m pyjobshop`` loads this module from this folder
(:mod:`gaugeopt.bench.baselines` puts the folder on ``sys.path``, so the modules here import
each other by their bare names).

* :func:`solve_psplib_with_pyjobshop`: a PSPLIB/MMLIB file read and solved by PyJobShop itself.
* :func:`solve_gauge_with_pyjobshop`: PyJobShop's model of a gauge-change instance, with block
  structure fixed from our greedy schedule, converted back and checked by our checker.

Both import ``pyjobshop`` lazily and return a ``status="error"`` row when it is missing.
"""

from pyjobshop_gauge import solve_gauge_with_pyjobshop
from pyjobshop_psplib import solve_psplib_with_pyjobshop

__all__ = ["solve_gauge_with_pyjobshop", "solve_psplib_with_pyjobshop"]
