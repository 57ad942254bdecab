"""Static report (matplotlib, Agg): Gantt charts, bogie stock, dwell taken apart, advice.

Two layouts share the same panels:

* :func:`report_figure` — everything on one tall figure, for a screen or a notebook.
* :func:`report_pages` — pages for print, A4 landscape (they scale up to A3), with no text
  under 7 pt. Page 1 is the summary: the objective with its unit, each train's dwell taken
  apart into work and waits beside its least possible dwell, and utilisation. Then the
  advice, and the Gantt charts in time windows of at most :data:`WINDOW_MINUTES` on whole
  hours, each window over as many pages as its rows need (rows with nothing in the window
  are left out). Bogie stock closes each window.

Figures are built without pyplot and drawn by the Agg canvas: no display, no global state.
"""

from __future__ import annotations

import math
import textwrap
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypedDict, cast

import matplotlib
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from gaugeopt.clock import Clock
from gaugeopt.report.kpi import LABELS, WAITS, Kpis
from gaugeopt.report.text import (
    BAR_HEIGHT,
    BOUND_COLOR,
    BOUND_OFFSET,
    BOUND_WORDS,
    PART_COLORS,
    PART_WORDS,
    advice_block,
    advice_lines,
    status_text,
    title_text,
)
from gaugeopt.report.timeline import (
    OP_COLORS,
    Bar,
    Row,
    Timeline,
    lane_box,
    op_words,
    row_heights,
    time_axis_title,
    time_ticks,
)
from gaugeopt.rules.reading import OP_ORDER
from gaugeopt.utilisation import UTILISATION_HEADER

#: Panel titles of :func:`report_figure`, in drawing order (tests and callers may look them up).
PANELS: tuple[str, ...] = (
    "Resources",
    "Trains",
    "Bogie stock",
    "Dwell of each train, taken apart (minutes)",
    "Utilisation",
    "What would make each train leave sooner",
)
#: A4 landscape, in inches.
PAGE_SIZE = (11.69, 8.27)
#: Dots per inch of a PNG page (1754 × 1240 pixels).
PAGE_DPI = 150
#: The longest time window one Gantt page shows.
WINDOW_MINUTES = 300
#: The smallest text on a page, in points.
MIN_FONT = 7.0
_FONT = 7.5
#: Row-height units one Gantt page holds (a plain row is 1 unit, about 12 pt).
_PAGE_UNITS = 38.0
_STOCK_UNITS = 9.0
_FULL_UNITS = 29.0
_GROUP_TEXT = {
    "track": "#333333",
    "jacks": "#31a354",
    "crew": "#08519c",
    "shunter": "#a63603",
    "changer": "#6a6a00",
    "locomotive": "#54278f",
    "train": "#000000",
}


def text_color(fill: str) -> str:
    """Black or white, whichever stands out more on ``fill`` (WCAG 2 contrast from the
    colour's relative luminance), so a bar of any colour, a new operation's too, gets a
    legible label."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(fill)]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "black" if (luminance + 0.05) ** 2 > 0.05 * 1.05 else "white"


class _MarkStyle(TypedDict):
    marker: str
    color: str
    size: int


_MARK_STYLE: dict[str, _MarkStyle] = {
    "arrival": {"marker": ">", "color": "#006d2c", "size": 7},
    "departure": {"marker": "s", "color": "#cb181d", "size": 6},
    "available": {"marker": "|", "color": "#636363", "size": 9},
}


def _figure(size: tuple[float, float], dpi: int = 100) -> Figure:
    fig = Figure(figsize=size, dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _time_axis(ax: Axes, span: tuple[int, int], clock: Clock, *, pad: bool = True) -> None:
    """Clock ticks on whole hours (half or quarter hours when the span is short)."""
    lo, hi = span
    margin = max(5, (hi - lo) * 0.02) if pad else 0
    ax.set_xlim(lo - margin, hi + margin)
    ticks = time_ticks((lo - margin, hi + margin), clock)
    ax.xaxis.set_major_locator(FixedLocator([t for t, _ in ticks]))
    ax.set_xticklabels([text for _, text in ticks])
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(axis="x", labelsize=_FONT)


def _label(bar: Bar, room: float) -> str | None:
    """The longest of the bar's label and its shorter forms (last words dropped) that fits
    in ``room`` points of 7 pt text."""
    words = bar.label.split(" ")
    keep = 1 if bar.kind not in ("block", "haul", "inbound") else len(words)
    options = [" ".join(words[:n]) for n in range(len(words), keep - 1, -1)]
    return next((t for t in options if room >= 4.3 * len(t) + 3), None)


def draw_rows(
    ax: Axes,
    rows: list[Row],
    span: tuple[int, int],
    clock: Clock,
    *,
    pad: bool = True,
    tick_labels: bool = True,
) -> None:
    """Draw Gantt rows top-down on ``ax`` (bars, lanes, jack steps, marks, row labels).

    ``tick_labels``: the row labels as the y axis' tick labels (an axes a caller may
    inspect); else as plain texts beside the axes, several times cheaper to draw (pages).
    """
    placed = row_heights(rows)
    lo, hi = span
    _time_axis(ax, span, clock, pad=pad)
    fig = cast(Figure, ax.figure)  # callers draw on axes of a Figure, not of a SubFigure
    x0_lim, x1_lim = ax.get_xlim()
    fig_w = fig.get_figwidth() * ax.get_position().width * 72  # points across the axes
    pt_per_min = fig_w / max(x1_lim - x0_lim, 1)
    prev_group = None
    # One collection per bar kind: thousands of single bars would take seconds to draw.
    rects: dict[str, list[list[tuple[float, float]]]] = defaultdict(list)
    for row, top, height in placed:
        if prev_group is not None and row.group != prev_group and row.group != "jacks":
            ax.axhline(top, color="#777777", linewidth=0.8)
        elif prev_group is not None:
            ax.axhline(top, color="#eeeeee", linewidth=0.5)
        prev_group = row.group
        for bar in row.bars:
            y, h = lane_box(row, bar, top, height)
            width = max(bar.end - bar.start, 0.6)
            x0, x1 = bar.start, bar.start + width
            rects[bar.kind].append([(x0, y), (x1, y), (x1, y + h), (x0, y + h)])
            if not bar.label or bar.kind == "shift" or x1 <= x0_lim or x0 >= x1_lim:
                continue
            visible = (min(x1, x1_lim) - max(x0, x0_lim)) * pt_per_min
            text = _label(bar, visible)
            if text is None or h < 0.28:
                continue
            left = bar.kind in ("block", "closed")
            ax.text(
                max(x0, x0_lim) + 1 if left else (max(x0, x0_lim) + min(x1, x1_lim)) / 2,
                top + 0.12 if left else y + h / 2,
                text,
                ha="left" if left else "center",
                va="top" if left else "center",
                fontsize=MIN_FONT,
                color=text_color(bar.color),
                clip_on=True,
                zorder=4,
            )
        if row.steps is not None and row.capacity:
            _jack_steps(ax, row, top, height, hi + max(5, (hi - lo) * 0.02))
        for mark in row.marks:
            style = _MARK_STYLE[mark.kind]
            ax.plot(
                mark.time,
                top + height / 2,
                marker=style["marker"],
                color=style["color"],
                markersize=style["size"],
                linestyle="none",
                zorder=5,
                clip_on=True,
            )
    for kind, verts in rects.items():
        ax.add_collection(_bars(kind, verts), autolim=False)
    total = placed[-1][1] + placed[-1][2] if placed else 1
    ax.set_ylim(total, 0)
    if not tick_labels:
        ax.set_yticks([])
        beside = ax.get_yaxis_transform()  # x in axes fractions, y in rows
        for row, top, h in placed:
            ax.text(-0.006, top + h / 2, row.label, transform=beside, ha="right",
                    va="center", fontsize=_FONT, color=_GROUP_TEXT.get(row.group, "black"))  # fmt: skip
        return
    ax.set_yticks([top + h / 2 for _, top, h in placed])
    ax.set_yticklabels([r.label for r in rows], fontsize=_FONT)
    for tick, row in zip(ax.get_yticklabels(), rows, strict=True):
        tick.set_color(_GROUP_TEXT.get(row.group, "black"))
    ax.tick_params(axis="y", length=0)


def _jack_steps(ax: Axes, row: Row, top: float, height: float, end: float) -> None:
    times, counts = row.steps or ([], [])
    capacity = row.capacity or 1
    scale = (height * 0.8) / capacity
    base = top + height * 0.9
    xs = [*times, end]
    ys = [base - c * scale for c in counts]
    ax.fill_between(xs, [*ys, ys[-1]], base, step="post", color="#a1d99b", linewidth=0, zorder=1)
    ax.step(xs, [*ys, ys[-1]], where="post", color="#31a354", linewidth=1.0, zorder=3)
    ax.axhline(base - capacity * scale, color="#31a354", linestyle=":", linewidth=0.7)


def _bars(kind: str, verts: list[list[tuple[float, float]]]) -> PolyCollection:
    """All bars of one kind as one collection, styled by kind."""
    color = Bar(0, 0, kind).color
    style: dict[str, Any] = {"facecolors": color, "edgecolors": "white", "linewidths": 0.3}
    if kind == "shift":
        style.update(edgecolors="none", linewidths=0, zorder=0)
    elif kind == "block":
        style.update(edgecolors="#525252", linewidths=0.8, zorder=1)
    elif kind == "closed":
        style.update(edgecolors="#cb181d", linewidths=0, hatch="xx", zorder=1)
    elif kind == "inbound":
        style.update(edgecolors="#756bb1", linewidths=0, hatch="///", zorder=2)
    else:
        style.update(zorder=2)
    return PolyCollection(verts, **style)


def _legend_handles(kinds: set[str]) -> list[Artist]:
    """The legend's entries for the bar ``kinds`` drawn: operations, other bars, marks."""
    handles: list[Artist] = [
        Patch(color=OP_COLORS[op], label=op_words(op)) for op in OP_ORDER if op in kinds
    ]
    extra = [
        ("block", Patch(facecolor="#d9d9d9", edgecolor="#525252", label="block on track")),
        ("closed", Patch(facecolor="#fcbba1", hatch="xx", label="track closed")),
        ("lifted", Patch(color="#31a354", label="carriage lifted")),
        ("shift", Patch(color="#e5f5e0", label="crew on shift")),
        ("haul", Patch(color="#8c564b", label="loco hauls out")),
        ("inbound", Patch(facecolor="#c5b0d5", hatch="///", label="loco brought in")),
    ]
    handles += [h for kind, h in extra if kind in kinds]
    handles.append(Line2D([], [], color="#31a354", label="jack sets in use"))
    handles += [
        Line2D([], [], linestyle="none", label=k, marker=s["marker"], color=s["color"])
        for k, s in _MARK_STYLE.items()
    ]
    return handles


def _op_legend(ax: Axes, kinds: set[str]) -> None:
    """A legend of the operations and marks drawn on ``ax`` (``kinds``: bar kinds drawn)."""
    ax.legend(
        handles=_legend_handles(kinds),
        loc="upper left",
        bbox_to_anchor=(1.005, 1.0),
        fontsize=MIN_FONT,
        frameon=False,
        handlelength=1.4,
        title="operations",
        title_fontsize=_FONT,
    )


#: A page legend's row height and its handle's size, in inches.
_LEGEND_ROW_IN = 0.135
_HANDLE_IN = (0.17, 0.09)


def _page_legend(fig: Figure, x: float, top: float, kinds: set[str]) -> None:
    """The legend of :func:`_op_legend` drawn as plain patches and texts from ``(x, top)``
    down (inches): the same entries, several times cheaper to draw than a Legend."""
    inches = fig.dpi_scale_trans
    w, h = _HANDLE_IN
    fig.text(x, top, "operations", transform=inches, fontsize=_FONT, va="top")
    y = top - 0.2
    for handle in _legend_handles(kinds):
        label = str(handle.get_label())
        if isinstance(handle, Patch):
            box = Rectangle((x, y - h / 2), w, h, transform=inches,
                            facecolor=handle.get_facecolor(), edgecolor=handle.get_edgecolor(),
                            hatch=handle.get_hatch(), linewidth=0.5)  # fmt: skip
            fig.add_artist(box)
        elif isinstance(handle, Line2D):
            mark = handle.get_marker()
            xs = [x + w / 2] if mark not in (None, "None", "") else [x, x + w]
            fig.add_artist(Line2D(xs, [y] * len(xs), transform=inches, color=handle.get_color(),
                                  marker=mark, linestyle=handle.get_linestyle(),
                                  markersize=5))  # fmt: skip
        fig.text(x + w + 0.06, y, label, transform=inches, fontsize=MIN_FONT, va="center")
        y -= _LEGEND_ROW_IN


def _stock_panel(ax: Axes, tl: Timeline, span: tuple[int, int], *, pad: bool = True) -> None:
    lo, hi = span
    end = max(hi, tl.span[1]) + max(5, (hi - lo) * 0.02)
    colors = matplotlib.colormaps["tab10"]
    for i, (name, (times, counts)) in enumerate(tl.stock.items()):
        ax.step(
            [*times, end], [*counts, counts[-1]], where="post", label=name, color=colors(i % 10)
        )
    ax.axhline(0, color="#cb181d", linewidth=0.8)
    _time_axis(ax, span, tl.clock, pad=pad)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    ax.set_ylim(bottom=min(0, ax.get_ylim()[0]))
    ax.set_ylabel("bogies in stock", fontsize=_FONT)
    ax.tick_params(labelsize=_FONT)
    if tl.stock:
        ax.legend(
            fontsize=MIN_FONT, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
            title="gauge/type", title_fontsize=MIN_FONT,
        )  # fmt: skip


def _dwell_panel(ax: Axes, k: Kpis) -> None:
    """Each train's dwell as stacked parts (work, waits); its least possible dwell in any
    plan as a red line just under its bar, outside it (the plan's own work may pass it)."""
    df = k.trains
    ys = list(range(len(df)))
    left = [0] * len(df)
    used = [c for c in PART_COLORS if c in df and (df[c] > 0).any()]
    for col in used:
        ax.barh(
            ys, df[col], left=left, color=PART_COLORS[col], label=PART_WORDS[col],
            edgecolor="#525252" if col == "slack" else "white", linewidth=0.4,
            height=BAR_HEIGHT,
        )  # fmt: skip
        left = [a + b for a, b in zip(left, df[col], strict=True)]
    under = [y + BOUND_OFFSET for y in ys]
    ax.hlines(under, 0, df["lower_bound"], color=BOUND_COLOR, linewidth=1.6, zorder=4,
              label=BOUND_WORDS)  # fmt: skip
    ax.scatter(df["lower_bound"], under, marker="|", s=40, linewidths=1.6, color=BOUND_COLOR,
               zorder=4)  # fmt: skip
    for y, (dwell, bound) in enumerate(zip(df["dwell"], df["lower_bound"], strict=True)):
        ax.text(
            max(dwell, bound), y, f"  {dwell} min (least possible {bound})", va="center",
            fontsize=MIN_FONT,
        )  # fmt: skip
    ax.set_yticks(ys)
    ax.set_yticklabels(df["train"], fontsize=_FONT)
    ax.set_ylim(len(df) - 0.5, -0.5)
    ax.set_xlabel("minutes from arrival to departure", fontsize=_FONT)
    top = max(max(df["dwell"], default=1), max(df["lower_bound"], default=1), 1)
    ax.set_xlim(0, top * 1.45)
    ax.tick_params(labelsize=_FONT)
    below = 0.5 / cast(Figure, ax.figure).get_size_inches()[1] / ax.get_position().height
    ax.legend(
        fontsize=MIN_FONT, loc="upper left", bbox_to_anchor=(0.0, -below), ncol=3, frameon=False,
    )  # fmt: skip


def _util_panel(ax: Axes, k: Kpis) -> None:
    df = k.resources
    labels = [f"{kind} {rid}" for kind, rid in zip(df["kind"], df["resource"], strict=True)]
    colors = {
        "crew": "#08519c",
        "track": "#737373",
        "jack sets": "#31a354",
        "shunter": "#a63603",
        "changer": "#bcbd22",
        "locomotive": "#54278f",
    }
    ys = range(len(df))
    ax.barh(ys, df["utilisation"], color=[colors.get(x, "#999999") for x in df["kind"]])
    for y, u in enumerate(df["utilisation"]):
        ax.text(u, y, f" {u:.0%}", va="center", fontsize=MIN_FONT)
    ax.set_yticks(list(ys))
    ax.set_yticklabels(labels, fontsize=MIN_FONT)
    ax.set_ylim(len(df) - 0.5, -0.5)
    ax.set_xlim(0, 1.18)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0%}"))
    ax.tick_params(labelsize=MIN_FONT)
    ax.set_xlabel("\n".join(textwrap.wrap(UTILISATION_HEADER, 46)), fontsize=MIN_FONT)


def _page_resources(k: Kpis) -> pd.DataFrame:
    """The resources the summary page charts: all but the locomotives (hauling a train
    out fills little of a day; the HTML report and ``Result.resources`` list them)."""
    res = k.resources
    return res[res["kind"] != "locomotive"].reset_index(drop=True)


def _text_panel(ax: Axes, lines: list[str]) -> None:
    ax.axis("off")
    ax.text(0, 1, "\n".join(lines), va="top", ha="left", fontsize=MIN_FONT, family="monospace")


def _gantt_height(rows: list[Row]) -> float:
    placed = row_heights(rows)
    return placed[-1][1] + placed[-1][2] if placed else 1.0


def report_figure(tl: Timeline, k: Kpis) -> Figure:
    """The full report on one figure (for a screen): panels titled as in :data:`PANELS`."""
    res_h = _gantt_height(tl.resource_rows) * 0.2 + 0.6
    train_h = _gantt_height(tl.train_rows) * 0.2 + 0.6
    kpi_h = max(2.6, 0.17 * max(len(k.trains), len(k.resources)) + 1.2)
    advice = advice_lines(k, tl.clock)
    advice_h = 0.3 + 0.12 * len(advice)
    heights = [res_h, train_h, 2.0, kpi_h, advice_h]
    fig = _figure((17, sum(heights) + 2.6))
    grid = fig.add_gridspec(5, 2, height_ratios=heights, width_ratios=[1, 1])
    ax_res = fig.add_subplot(grid[0, :])
    ax_tr = fig.add_subplot(grid[1, :], sharex=ax_res)
    ax_stock = fig.add_subplot(grid[2, :], sharex=ax_res)
    ax_dwell = fig.add_subplot(grid[3, 0])
    ax_util = fig.add_subplot(grid[3, 1])
    ax_adv = fig.add_subplot(grid[4, :])
    fig.suptitle(title_text(tl) + "\n" + status_text(tl), fontsize=11, fontweight="bold")
    _notes(fig, tl, 0.002)
    draw_rows(ax_res, tl.resource_rows, tl.span, tl.clock)
    draw_rows(ax_tr, tl.train_rows, tl.span, tl.clock)
    _op_legend(ax_res, {b.kind for r in tl.resource_rows + tl.train_rows for b in r.bars})
    _stock_panel(ax_stock, tl, tl.span)
    _dwell_panel(ax_dwell, k)
    _util_panel(ax_util, k)
    _text_panel(ax_adv, advice)
    for ax, title in zip((ax_res, ax_tr, ax_stock, ax_dwell, ax_util, ax_adv), PANELS, strict=True):
        ax.set_title(title, loc="left", fontsize=10, fontweight="bold", pad=4)
    ax_stock.set_xlabel(time_axis_title(tl.clock), fontsize=_FONT)
    return fig


def gantt_on(ax: Axes, tl: Timeline) -> Figure:
    """Resources and trains in one Gantt on an existing axes; return its figure."""
    draw_rows(ax, tl.resource_rows + tl.train_rows, tl.span, tl.clock)
    _op_legend(ax, {b.kind for r in tl.resource_rows + tl.train_rows for b in r.bars})
    ax.set_title("Resources and trains", loc="left", fontsize=10, fontweight="bold")
    ax.set_xlabel(time_axis_title(tl.clock), fontsize=_FONT)
    return cast(Figure, ax.figure)  # callers pass axes of a Figure, not of a SubFigure


# -- pages for print -------------------------------------------------------------------------


@dataclass(frozen=True)
class GanttPage:
    """One Gantt page: a time window, the rows it shows, and whether bogie stock closes it."""

    window: tuple[int, int]
    rows: list[Row]
    stock: bool


def windows(
    span: tuple[int, int], clock: Clock, most: int = WINDOW_MINUTES
) -> list[tuple[int, int]]:
    """Consecutive windows on whole clock hours covering ``span``, each at most ``most``
    minutes long (and of equal length)."""
    lo, hi = span
    base = 0 if clock.epoch is None else clock.epoch.hour * 60 + clock.epoch.minute
    start = math.floor((lo + base) / 60) * 60 - base
    end = math.ceil((hi + base) / 60) * 60 - base
    end = max(end, start + 60)
    count = max(1, math.ceil((end - start) / most))
    length = math.ceil((end - start) / count / 60) * 60
    return [(start + i * length, min(start + (i + 1) * length, end)) for i in range(count)]


def _active(row: Row, window: tuple[int, int]) -> bool:
    a, b = window
    if any(bar.start < b and bar.end > a for bar in row.bars if bar.kind not in ("shift",)):
        return True
    if any(a <= m.time <= b for m in row.marks):
        return True
    if row.steps is not None:
        times, counts = row.steps
        return any(c > 0 and t < b for t, c in zip(times, counts, strict=True)) and any(
            t >= a or c > 0 for t, c in zip(times, counts, strict=True)
        )
    return False


def _chunks(rows: list[Row], room: float) -> list[list[Row]]:
    """Rows cut into pages of at most ``room`` height units (a jack row stays with its track)."""
    out: list[list[Row]] = [[]]
    used = 0.0
    for row, _, height in row_heights(rows):
        keep = row.group == "jacks" and out[-1]
        if out[-1] and used + height > room and not keep:
            out.append([])
            used = 0.0
        out[-1].append(row)
        used += height
    return [c for c in out if c]


def gantt_pages(tl: Timeline) -> list[GanttPage]:
    """The Gantt pages: per time window, its active rows cut to fit; stock on the last."""
    pages = []
    for window in windows(tl.span, tl.clock):
        rows = [r for r in tl.resource_rows + tl.train_rows if _active(r, window)]
        chunks = _chunks(rows, _PAGE_UNITS)
        if tl.stock and _gantt_height(chunks[-1]) + _STOCK_UNITS > _PAGE_UNITS:
            chunks.append([])
        for i, chunk in enumerate(chunks):
            pages.append(GanttPage(window, chunk, bool(tl.stock) and i == len(chunks) - 1))
    return pages


def _page_header(fig: Figure, tl: Timeline, subtitle: str) -> None:
    fig.suptitle(f"{title_text(tl)} — {subtitle}", fontsize=11, fontweight="bold", x=0.01,
                 ha="left")  # fmt: skip


def _footer(fig: Figure, tl: Timeline, page: int, total: int) -> None:
    fig.text(0.99, 0.005, f"{tl.instance.name} · page {page} of {total}", ha="right",
             va="bottom", fontsize=MIN_FONT, color="#555555")  # fmt: skip
    _notes(fig, tl, 0.005)


def _notes(fig: Figure, tl: Timeline, y: float) -> None:
    """The plan's warnings (unchecked, overrun), in red at the bottom left of a page."""
    if tl.notes:
        width = int(fig.get_figwidth() * 72 / (MIN_FONT * 0.6)) - 40
        text = "\n".join(textwrap.wrap(" ".join(tl.notes), max(width, 40)))
        fig.text(0.01, y, text, ha="left", va="bottom", fontsize=MIN_FONT, color="#c00000",
                 fontweight="bold")  # fmt: skip


def _box(fig: Figure, x: float, y: float, w: float, h: float) -> Axes:
    """Axes at ``x, y`` (its bottom-left corner) of size ``w × h``, all in inches."""
    width, height = fig.get_size_inches()
    return fig.add_axes((x / width, y / height, w / width, h / height))


#: Table headers on the summary page: the words of :data:`LABELS`, wrapped to fit a column.
_SHORT = {"lower_bound": "least possible dwell in any plan"}


def _wrap_header(column: str) -> str:
    text = _SHORT.get(column, LABELS[column]).replace(" (min)", "")
    return "\n".join(textwrap.wrap(text, 11))


def _train_table(ax: Axes, k: Kpis, clock: Clock) -> None:
    """The trains as a table: times on the clock, minutes that add up to the dwell."""
    df = k.trains
    waits = [c for c in WAITS if (df[c] != 0).any()]
    cols = ["train", "arrival", "departure", "dwell", "lower_bound", "above_bound", "work"]
    cols += [*waits, "set_by"]
    cells = [
        [
            clock.at(v) if c in ("arrival", "departure") else str(v)
            for c, v in zip(cols, row, strict=True)
        ]
        for row in df[cols].itertuples(index=False)
    ]
    ax.axis("off")
    table = ax.table(
        cellText=cells,
        colLabels=[_wrap_header(c) for c in cols],
        loc="upper left",
        cellLoc="right",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(_FONT)
    for (r, c), cell in table.get_celld().items():
        cell.set_edgecolor("#bbbbbb")
        cell.set_linewidth(0.5)
        if r == 0:
            cell.set_facecolor("#f0f0f0")
        if cols[c] in ("train", "set_by", "arrival", "departure"):
            cell.set_text_props(ha="left")
            cell.PAD = 0.03
    widths = {"arrival": 1.3, "departure": 1.3, "set_by": 2.5, "train": 0.7}
    total = sum(widths.get(c, 1.0) for c in cols)
    header_in, table_in = _table_heights(k)
    for (r, c), cell in table.get_celld().items():
        cell.set_width(widths.get(cols[c], 1.0) / total)
        cell.set_height((header_in if r == 0 else _ROW_IN) / table_in)


def _table_heights(k: Kpis) -> tuple[float, float]:
    """(header row, whole table) heights of the summary table, in inches."""
    shown = ["lower_bound", *(c for c in WAITS if (k.trains[c] != 0).any())]
    lines = max(_wrap_header(c).count("\n") + 1 for c in shown)
    header = lines * _LINE_IN * 1.15 + 0.08
    return header, header + _ROW_IN * len(k.trains)


#: The summary page's layout, in inches: text line height, table row height, bar height.
_LINE_IN = MIN_FONT * 1.22 / 72
_ROW_IN = 0.2
_BAR_IN = 0.26


def _summary_layout(k: Kpis) -> tuple[float, float, float]:
    """(table height, dwell chart height, room left for advice) on the summary page."""
    n = len(k.trains)
    table_h = _table_heights(k)[1]
    chart_h = max(0.8, _BAR_IN * n)
    room = PAGE_SIZE[1] - 0.75 - table_h - 0.35 - chart_h - 1.05 - 0.3 - 0.35
    return table_h, chart_h, room


def _summary_page(tl: Timeline, k: Kpis, lines: list[str]) -> Figure:
    fig = Figure(figsize=PAGE_SIZE, dpi=PAGE_DPI)
    FigureCanvasAgg(fig)
    page_h = PAGE_SIZE[1]
    fig.text(0.35 / PAGE_SIZE[0], 1 - 0.3 / page_h, title_text(tl), fontsize=14,
             fontweight="bold", va="center")  # fmt: skip
    fig.text(0.35 / PAGE_SIZE[0], 1 - 0.58 / page_h, status_text(tl), fontsize=_FONT, va="center")
    table_h, chart_h, _ = _summary_layout(k)
    top = page_h - 0.8
    left_w = 7.6
    _train_table(_box(fig, 0.35, top - table_h, left_w, table_h), k, tl.clock)
    top -= table_h + 0.35
    ax_dwell = _box(fig, 0.75, top - chart_h, left_w - 0.4, chart_h)
    _dwell_panel(ax_dwell, k)
    ax_dwell.set_title(PANELS[3], loc="left", fontsize=9, fontweight="bold", pad=3)
    top -= chart_h + 1.05
    if lines:
        ax_text = _box(fig, 0.35, 0.35, left_w, max(top - 0.35, 0.1))
        _text_panel(ax_text, [f"{PANELS[5]}:", *lines])
    shown = _page_resources(k)
    util_h = min(max(0.6, 0.2 * len(shown)), page_h - 2.1)
    ax_util = _box(fig, 9.25, page_h - 1.05 - util_h, 2.0, util_h)
    _util_panel(ax_util, Kpis(k.trains, shown, k.chains))
    ax_util.set_title("Utilisation", loc="left", fontsize=9, fontweight="bold", pad=3)
    return fig


def _text_page(tl: Timeline, columns: list[list[str]]) -> Figure:
    fig = Figure(figsize=PAGE_SIZE, dpi=PAGE_DPI)
    FigureCanvasAgg(fig)
    _page_header(fig, tl, f"{PANELS[5].lower()} (continued)")
    width, height = PAGE_SIZE
    col_w = (width - 0.7) / _TEXT_COLUMNS
    for i, lines in enumerate(columns):
        _text_panel(_box(fig, 0.35 + i * col_w, 0.4, col_w, height - 0.95), lines)
    return fig


#: A Gantt page's layout, in inches: the title above, the footer below, the legend on the
#: right, the time axis (two lines of ticks and its title) under an axes, the stock title.
_TOP_IN = 0.55
_BOTTOM_IN = 0.3
_LEGEND_IN = 1.5
_XAXIS_IN = 0.5
_STOCK_TITLE_IN = 0.25


def _labels_width(rows: list[Row]) -> float:
    """Inches the longest row label takes at the tick font (at least 0.9, for the stock
    panel's axis title)."""
    longest = max((len(r.label) for r in rows), default=0)
    return max(0.9, longest * _FONT * 0.56 / 72 + 0.2)


def _gantt_page(tl: Timeline, page: GanttPage) -> Figure:
    """A Gantt page laid out by hand (no layout engine: a page is drawn once, not twice)."""
    fig = Figure(figsize=PAGE_SIZE, dpi=PAGE_DPI)
    FigureCanvasAgg(fig)
    a, b = page.window
    _page_header(fig, tl, tl.clock.span(a, b))
    width, height = PAGE_SIZE
    left = _labels_width(page.rows)
    axes_w = width - left - _LEGEND_IN
    units = _gantt_height(page.rows) if page.rows else 0.0
    fixed = _XAXIS_IN * (bool(page.rows) + page.stock) + _STOCK_TITLE_IN * page.stock
    room = height - _TOP_IN - _BOTTOM_IN - fixed
    # Few rows: no taller than a full page's rows would be.
    per_unit = room / max(_FULL_UNITS, units + _STOCK_UNITS * page.stock)
    top = height - _TOP_IN
    axes: list[Axes] = []
    if page.rows:
        h = units * per_unit
        axes.append(_box(fig, left, top - h, axes_w, h))
        top -= h + _XAXIS_IN
        draw_rows(axes[0], page.rows, page.window, tl.clock, pad=False, tick_labels=False)
        kinds = {bar.kind for r in page.rows for bar in r.bars if _in(bar, page)}
        _page_legend(fig, left + axes_w + 0.08, height - _TOP_IN, kinds)
    if page.stock:
        top -= _STOCK_TITLE_IN
        h = _STOCK_UNITS * per_unit
        axes.append(_box(fig, left, top - h, axes_w, h))
        _stock_panel(axes[-1], tl, page.window, pad=False)
        axes[-1].set_title("Bogie stock", loc="left", fontsize=9, fontweight="bold")
    axes[-1].set_xlabel(time_axis_title(tl.clock), fontsize=_FONT)
    return fig


def _in(bar: Bar, page: GanttPage) -> bool:
    a, b = page.window
    return bar.start < b and bar.end > a


#: Columns of advice on a continuation page, and characters per line in each.
_TEXT_COLUMNS = 2
_TEXT_WIDTH = 84


def _lines_per_page(k: Kpis | None) -> int:
    """Advice lines that fit on the summary page (``k``) or in a column of a text page."""
    room = _summary_layout(k)[2] - _LINE_IN if k is not None else PAGE_SIZE[1] - 1.1
    return max(0, int(room / _LINE_IN))


def _advice_pages(k: Kpis, clock: Clock) -> tuple[list[str], list[list[list[str]]]]:
    """(advice lines on the summary page, columns of each continuation page). Each train's
    advice stays in one piece, in train order."""
    rows = list(k.trains.itertuples())
    first: list[str] = []
    room = _lines_per_page(k) - 1
    while rows and len(block := advice_block(rows[0], clock, 110)) <= room - len(first):
        first.extend(block)
        rows.pop(0)
    columns: list[list[str]] = []
    for row in rows:
        block = advice_block(row, clock, _TEXT_WIDTH)
        if not columns or len(columns[-1]) + len(block) > _lines_per_page(None):
            columns.append([])
        columns[-1].extend(block)
    pages = [columns[i : i + _TEXT_COLUMNS] for i in range(0, len(columns), _TEXT_COLUMNS)]
    return first, pages


def report_pages(tl: Timeline, k: Kpis) -> list[Figure]:
    """The report as A4-landscape pages for print (see the module doc)."""
    first, more = _advice_pages(k, tl.clock)
    figs = [_summary_page(tl, k, first)]
    figs += [_text_page(tl, columns) for columns in more]
    figs += [_gantt_page(tl, page) for page in gantt_pages(tl)]
    for i, fig in enumerate(figs, start=1):
        _footer(fig, tl, i, len(figs))
    return figs


def texts_of(figs: Iterable[Figure]) -> list[str]:
    """Every text drawn on the figures (titles, labels, annotations, legends), for checks."""
    out: list[str] = []
    for fig in figs:
        fig.canvas.draw()
        out.extend(t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text())
    return out
