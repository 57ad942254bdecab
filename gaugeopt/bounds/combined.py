"""The solver's lower bound: the larger of the per-train bound and the station bound."""

from __future__ import annotations

from gaugeopt.bounds.station import station_bound
from gaugeopt.bounds.train import train_dwell_bounds
from gaugeopt.model.instance import Instance


def lower_bound(inst: Instance, *, own: list[int | None] | None = None) -> int | None:
    """The larger of Σ weight × (dwell bound of each train alone) and the bound of
    :func:`~gaugeopt.bounds.station.station_bound`, where the trains share the station
    (None if some train can never leave). ``own``: :func:`train_dwell_bounds`, if the
    caller has it."""
    bounds = train_dwell_bounds(inst) if own is None else own
    known = [b for b in bounds if b is not None]
    if len(known) < len(bounds):
        return None
    alone = sum(t.weight * b for t, b in zip(inst.trains, known, strict=True))
    shared = station_bound(inst, own=bounds)
    return alone if shared is None else max(alone, shared)
