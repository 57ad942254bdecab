"""Seeded families of realistic instances for benchmarks.

``generate(family, seed, size=...)`` draws one instance of family ``single`` (one train of
6-60 carriages), ``day`` (4-40 trains both ways) or ``scarce`` (lean resources). Figures
follow the team's domain research, ``../shared/research/domain.md`` §7, which cites its
public sources; see :mod:`gaugeopt.generate.ranges`. Every instance returned is valid and
feasible: the constructive scheduler (:func:`gaugeopt.construct.construct`) found a schedule
for it; when it does not, the instance is re-drawn from the next deterministic sub-seed.
Same arguments, same instance.
"""

from __future__ import annotations

import math
import random

from gaugeopt.generate.families import FAMILIES, LARGE_DAY_CARRIAGES, SIZES
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import parse_instance

__all__ = ["FAMILIES", "LARGE_DAY_CARRIAGES", "SIZES", "generate"]

#: Re-draws tried before giving up on a (family, size, seed).
MAX_ATTEMPTS = 50


def _feasible(inst: Instance) -> bool:
    from gaugeopt.construct import construct

    # Deterministic: every priority rule once, no timed restarts.
    return construct(inst, time_limit=math.inf, seed=0) is not None


def generate(family: str, seed: int, size: str = "any") -> Instance:
    """A feasible instance of ``family`` (``single``, ``day``, ``scarce``) drawn from ``seed``.

    ``size`` picks a size class of the family (:data:`SIZES`): ``single`` small = 6-24,
    medium = 30-60 carriages; ``day`` small = 4-6, medium = 10-20, large = 30-40 trains
    (and at least 500 carriages); ``scarce`` small = 1-3, medium = 4-8 trains; ``any`` = the
    family's whole range. Raises ValueError for an unknown family or size.
    """
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; choose from {', '.join(FAMILIES)}")
    if size not in SIZES[family]:
        raise ValueError(
            f"family {family!r} has no size {size!r}; choose from {', '.join(SIZES[family])}"
        )
    name = f"{family}-{size}-{seed:04d}"
    for attempt in range(MAX_ATTEMPTS):
        # A string seed is hashed with SHA-512 by `random`: stable across runs and platforms.
        rng = random.Random(f"gaugeopt:{family}:{size}:{seed}:{attempt}")
        data = FAMILIES[family](rng, size)
        inst = parse_instance({"name": name, **data}, source=name)
        if _feasible(inst):
            return inst
    raise RuntimeError(f"{name}: no feasible instance in {MAX_ATTEMPTS} draws")
