"""Which modes a train may take (DESIGN.md §4, "Modes")."""

from __future__ import annotations

from gaugeopt.model.instance import Instance, Train


def possible_modes(inst: Instance, train: Train) -> list[str]:
    """``through`` when the gauge does not change; else ``exchange`` if every carriage fits
    some track by mass, and ``changer`` if all are variable-gauge and the station has one.
    An empty list: the train cannot cross at all."""
    st = inst.station
    if train.from_gauge == train.to_gauge:
        return ["through"]
    modes = []
    if st.tracks and all(any(c.mass_t <= t.max_mass_t for t in st.tracks) for c in train.carriages):
        modes.append("exchange")
    if st.changer is not None and all(c.variable_gauge for c in train.carriages):
        modes.append("changer")
    return modes
