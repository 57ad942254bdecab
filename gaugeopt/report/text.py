"""The sentences the report prints: its title with the objective's unit, the status, and
each train's dwell taken apart with the advice (shared by the PNG/PDF and HTML reports)."""

from __future__ import annotations

import textwrap
from typing import Any

from gaugeopt.clock import Clock
from gaugeopt.report.kpi import WAIT_BESIDE, WAITS, Kpis
from gaugeopt.report.timeline import Timeline

#: Colours of the parts of a dwell: work, then each wait.
PART_COLORS: dict[str, str] = {
    "work": "#08306b",
    "wait_crew": "#6baed6",
    "wait_shunter": "#fd8d3c",
    "wait_track": "#969696",
    "wait_jacks": "#74c476",
    "wait_bogies": "#ef3b2c",
    "wait_changer": "#bcbd22",
    "wait_locomotive": "#8c564b",
    WAIT_BESIDE: "#dadaeb",
    "wait_earliest_departure": "#fdd0a2",
    "slack": "#ffffff",
}


#: Words of the dwell chart's parts: this plan's work on the chain, then each wait.
PART_WORDS: dict[str, str] = {"work": "work on this plan's critical chain", **WAITS}
#: The dwell chart: bar thickness (of one row), and the least possible dwell as a red line
#: this far under the bar's middle, outside the bar, so that the two never read as one.
BAR_HEIGHT = 0.56
BOUND_OFFSET = 0.38
BOUND_COLOR = "#cb181d"
BOUND_WORDS = "least possible dwell in any plan (red line under each bar)"


def dwell_sentence(row: Any, clock: Clock) -> str:
    """``K1 (arrives day 1 09:00, departs day 1 16:17; held most by waiting for a crew,
    283 min): dwell 437 min = 154 work on its critical chain + 283 waiting for a crew; 7 min
    above the least possible dwell in any plan (430 min)``, and where the chain's work alone
    exceeds that bound, why it can."""
    parts = [f"{row.work} work on its critical chain"] + [
        f"{getattr(row, col)} {words}" for col, words in WAITS.items() if getattr(row, col)
    ]
    above = row.above_bound
    least = f"the least possible dwell in any plan ({row.lower_bound} min)"
    bound = f"at {least}" if above == 0 else f"{above} min above {least}"
    if row.work > row.lower_bound:
        bound += (
            f"; the work alone is {row.work - row.lower_bound} min more than that: this "
            "plan's blocks make a longer chain than the one-carriage blocks the bound allows"
        )
    return (
        f"{row.train} (arrives {clock.at(row.arrival)}, departs {clock.at(row.departure)}; "
        f"held most by {row.set_by}): dwell {row.dwell} min = {' + '.join(parts)}; {bound}"
    )


def advice_block(row: Any, clock: Clock, width: int = 150, most: int = 3) -> list[str]:
    """One train's advice as text lines: its dwell sentence, then its top ``most`` items."""
    lines = textwrap.wrap(dwell_sentence(row, clock), width, subsequent_indent="    ")
    items = row.advice.split("; ")
    for item in items[:most]:
        lines.extend(textwrap.wrap(item, width, initial_indent="  • ", subsequent_indent="    "))
    if len(items) > most:
        lines.append(f"    … and {len(items) - most} more (see the HTML report)")
    return lines


def advice_lines(k: Kpis, clock: Clock, width: int = 150, most: int = 3) -> list[str]:
    """The advice of every train as text lines (see :func:`advice_block`)."""
    return [line for row in k.trains.itertuples() for line in advice_block(row, clock, width, most)]


def title_text(tl: Timeline) -> str:
    """``khasan-armoured — weighted dwell 437 min``: the objective with its unit."""
    return f"{tl.instance.name} — weighted dwell {tl.solution.objective} min"


def status_text(tl: Timeline) -> str:
    """The status in words, with the proven bound and the gap, and the plan's span."""
    sol, clock = tl.solution, tl.clock
    text = {"optimal": "optimal schedule", "feasible": "feasible schedule"}.get(
        sol.status, f"status {sol.status}"
    )
    bound, obj = sol.lower_bound, sol.objective
    if bound is not None and obj is not None and sol.status != "optimal":
        gap = 100 * (obj - bound) / obj if obj else 0.0
        text += f"; no schedule can go below {bound:g} min (gap {gap:.1f} %)"
    text += " · weighted dwell = Σ weight × (departure − arrival)"
    return text + f" · {clock.span(*tl.span)} · station {tl.instance.station.name}"
