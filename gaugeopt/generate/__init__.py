"""Seeded families of realistic instances for benchmarks.

``generate(family, seed, size=...)`` draws one instance of family ``single`` (one train of
6-60 carriages), ``day`` (4-40 trains both ways) or ``scarce`` (lean resources), or of the
harder families of :mod:`.variants`: ``cycling`` (bogies that must cycle between the
directions), ``congested`` (trains wait into the next day), ``roles`` (crews by trade) and
``random-skills`` (random skill sets, three rotating teams); ``carriages=N`` (single) or
``trains=N`` (day) fixes the size exactly instead. Figures follow the team's domain
research, docs/sources.md, which cites its public sources; see
:mod:`gaugeopt.generate.ranges`. Every instance returned is valid and feasible: the
constructive scheduler (:func:`gaugeopt.construct.construct`) found a schedule for it; when
it does not, the instance is re-drawn from the next deterministic sub-seed. ``cycling`` is
the exception (:data:`UNCHECKED`): the constructive scheduler is not required to place it —
finding its schedules is the point of the family — so a draw is kept when the pre-checks
find no reason it is infeasible and no resource is overloaded
(:func:`gaugeopt.diagnose.load.loads`); its pairs of equal opposite trains make it feasible by
construction. Same arguments, same instance.
"""

from __future__ import annotations

import math
import random

from gaugeopt.generate.families import FAMILIES, FIXED, LARGE_DAY_CARRIAGES, SIZES
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import parse_instance

__all__ = [
    "FAMILIES",
    "FIXED",
    "LARGE_DAY_CARRIAGES",
    "SIZES",
    "UNCHECKED",
    "fixed_count",
    "generate",
]

#: Re-draws tried before giving up on a (family, size, seed).
MAX_ATTEMPTS = 50


#: Families kept on the necessary conditions alone (see the module doc).
UNCHECKED = frozenset({"cycling"})


def _feasible(inst: Instance) -> bool:
    from gaugeopt.construct import construct

    # Deterministic: every priority rule once, no timed restarts.
    return construct(inst, time_limit=math.inf, seed=0) is not None


def _plausible(inst: Instance) -> bool:
    """No pre-check reason and no overloaded resource: necessary for feasibility."""
    from gaugeopt.diagnose.load import loads
    from gaugeopt.diagnose.precheck import infeasibility_reasons

    return not infeasibility_reasons(inst) and not any(ld.overloaded for ld in loads(inst))


def fixed_count(
    family: str, size: str = "any", carriages: int | None = None, trains: int | None = None
) -> tuple[int, str] | None:
    """The exact count asked for and its name tag (``(6, "c06")``), or None for a drawn size.

    Raises ValueError when ``carriages`` is given for a family other than ``single``,
    ``trains`` for one other than ``day``, the count lies outside the family's range
    (``SIZES[family]["any"]``), or a size class other than ``any`` is given as well.
    """
    asked = {k: v for k, v in (("carriages", carriages), ("trains", trains)) if v is not None}
    if not asked:
        return None
    if len(asked) > 1:
        raise ValueError("give carriages (single) or trains (day), not both")
    ((what, n),) = asked.items()
    owner = next(f for f, (w, _) in FIXED.items() if w == what)
    if family != owner:
        raise ValueError(f"{what} fixes the size of family {owner!r} only, not {family!r}")
    lo, hi = SIZES[family]["any"]
    if not lo <= n <= hi:
        raise ValueError(f"{what} must be {lo}..{hi} for family {family!r}, got {n}")
    if size != "any":
        raise ValueError(f"{what} fixes the size; size class {size!r} cannot be given as well")
    return n, f"{FIXED[family][1]}{n:02d}"


def generate(
    family: str,
    seed: int,
    size: str = "any",
    *,
    carriages: int | None = None,
    trains: int | None = None,
) -> Instance:
    """A feasible instance of ``family`` (see :data:`FAMILIES`) drawn from ``seed``.

    ``size`` picks a size class of the family (:data:`SIZES`): ``single`` small = 6-24,
    medium = 30-60 carriages; ``day`` small = 4-6, medium = 10-20, large = 30-40 trains
    (and at least 500 carriages); ``scarce`` small = 1-3, medium = 4-8 trains; ``any`` = the
    family's whole range; the families of :mod:`.variants` have the sizes of
    :data:`.variants.SIZES`. Instead of a size class, ``carriages`` (single, 6-60) or
    ``trains`` (day, 4-40) fixes the count exactly; everything else is drawn as for ``any``,
    from its own random stream, and the name says the count (``single-c06-0001``,
    ``day-t30-0001``) where a size class gives ``single-small-0001``. Raises ValueError for
    an unknown family or size, or a count :func:`fixed_count` rejects.
    """
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; choose from {', '.join(FAMILIES)}")
    if size not in SIZES[family]:
        raise ValueError(
            f"family {family!r} has no size {size!r}; choose from {', '.join(SIZES[family])}"
        )
    fixed = fixed_count(family, size, carriages, trains)
    n, tag = (None, size) if fixed is None else fixed
    name = f"{family}-{tag}-{seed:04d}"
    for attempt in range(MAX_ATTEMPTS):
        # A string seed is hashed with SHA-512 by `random`: stable across runs and platforms.
        rng = random.Random(f"gaugeopt:{family}:{tag}:{seed}:{attempt}")
        data = FAMILIES[family](rng, size, n)
        inst = parse_instance({"name": name, **data}, source=name)
        if (_plausible if family in UNCHECKED else _feasible)(inst):
            return inst
    raise RuntimeError(f"{name}: no feasible instance in {MAX_ATTEMPTS} draws")
