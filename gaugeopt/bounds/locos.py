"""When the locomotives of a gauge can first haul a train (both lower bounds)."""

from __future__ import annotations

from gaugeopt.model.instance import Instance
from gaugeopt.rules import LOCO_FREED_BY, RULES, ground_options


def loco_release_times(inst: Instance, gauge: int) -> list[int]:
    """When each locomotive of ``gauge`` can first be free, earliest first: a station
    locomotive from ``available_from``, an inbound one at its train's earliest end of
    :data:`~gaugeopt.rules.LOCO_FREED_BY` (its arrival plus that operation's duration) plus
    ``loco_turnaround``."""
    st = inst.station
    freed_by = RULES[LOCO_FREED_BY]
    times = [lo.available_from for lo in st.locomotives if lo.gauge == gauge]
    for other in inst.trains:
        if other.inbound_loco is not None and other.inbound_loco.gauge == gauge:
            took = min(
                freed_by.minutes(st.durations, other, other.carriages, g)
                for g in ground_options(inst)
            )
            times.append(other.arrival + took + st.loco_turnaround)
    return sorted(times)
