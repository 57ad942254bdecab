"""The solver's lower bound: the largest of the per-train bound, the station bound and,
when asked for, the time-indexed bound."""

from __future__ import annotations

from gaugeopt.bounds.station import station_bound
from gaugeopt.bounds.timeindexed import Effort, time_indexed_bound
from gaugeopt.bounds.train import train_dwell_bounds
from gaugeopt.model.instance import Instance


def lower_bound(
    inst: Instance,
    *,
    own: list[int | None] | None = None,
    effort: Effort | None = None,
    prices: dict[str, float] | None = None,
) -> int | None:
    """The largest of Σ weight × (dwell bound of each train alone), the bound of
    :func:`~gaugeopt.bounds.station.station_bound`, where the trains share the station,
    and, given ``effort`` and more than one train, the bound of
    :func:`~gaugeopt.bounds.timeindexed.time_indexed_bound` (None if some train can
    never leave). ``own``: :func:`train_dwell_bounds`, if the caller has it; ``prices``
    receives the station LP's prices of the resources, for a later
    :func:`~gaugeopt.bounds.timeindexed.time_indexed_bound`."""
    bounds = train_dwell_bounds(inst) if own is None else own
    known = [b for b in bounds if b is not None]
    if len(known) < len(bounds):
        return None
    alone = sum(t.weight * b for t, b in zip(inst.trains, known, strict=True))
    prices = {} if prices is None else prices
    found = [alone, station_bound(inst, own=bounds, prices=prices)]
    if effort is not None and len(inst.trains) > 1:
        found.append(time_indexed_bound(inst, bounds, prices, effort))
    return max(b for b in found if b is not None)
