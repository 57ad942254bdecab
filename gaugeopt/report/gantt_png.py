"""Static report figure (matplotlib, Agg): resources and trains Gantt, bogie stock, KPIs.

Figures are built without pyplot and drawn by the Agg canvas: no display, no global state.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from gaugeopt.report.kpi import Kpis
from gaugeopt.report.timeline import (
    OP_COLORS,
    OP_ORDER,
    Bar,
    Row,
    Timeline,
    clock,
    lane_box,
    row_heights,
)

#: Panel titles, in drawing order (tests and callers may look them up).
PANELS: tuple[str, ...] = (
    "Resources",
    "Trains",
    "Bogie stock",
    "Dwell vs lower bound",
    "Utilisation",
    "What would make each train leave sooner",
)
_GROUP_TEXT = {
    "track": "#333333",
    "jacks": "#31a354",
    "crew": "#08519c",
    "shunter": "#a63603",
    "changer": "#6a6a00",
    "locomotive": "#54278f",
    "train": "#000000",
}
_MARK_STYLE = {
    "arrival": {"marker": ">", "color": "#006d2c", "size": 7},
    "departure": {"marker": "s", "color": "#cb181d", "size": 6},
    "available": {"marker": "|", "color": "#636363", "size": 9},
}


def _time_axis(ax: Axes, span: tuple[int, int]) -> None:
    lo, hi = span
    pad = max(5, (hi - lo) * 0.02)
    ax.set_xlim(lo - pad, hi + pad)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=14, steps=[1, 2, 3, 5, 6, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(clock))
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def draw_rows(ax: Axes, rows: list[Row], span: tuple[int, int], *, labels: bool = True) -> None:
    """Draw Gantt rows top-down on ``ax`` (bars, lanes, jack steps, marks, row labels)."""
    placed = row_heights(rows)
    lo, hi = span
    _time_axis(ax, span)
    fig_w = ax.figure.get_figwidth() * ax.get_position().width * 72  # points across the axes
    pt_per_min = fig_w / max(hi - lo, 1) / 1.04
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
            if not labels or not bar.label or bar.kind == "shift":
                continue
            # Label only where it fits; 5.2 pt per character at font size 6.5.
            room = width * pt_per_min
            text = bar.label
            if room >= 5.2 * len(text) + 4 and h >= 0.28:
                y_text = top + 0.12 if bar.kind == "block" else y + h / 2
                va = "top" if bar.kind == "block" else "center"
                ax.text(
                    bar.start + width / 2 if bar.kind != "block" else bar.start + 1,
                    y_text,
                    text,
                    ha="center" if bar.kind != "block" else "left",
                    va=va,
                    fontsize=6.5,
                    color="black"
                    if bar.kind in ("block", "lower", "shunt_out", "inbound")
                    else "white",
                    clip_on=True,
                    zorder=4,
                )
        if row.steps is not None and row.capacity:
            times, counts = row.steps
            scale = (height * 0.8) / row.capacity
            base = top + height * 0.9
            xs = [*times, hi + max(5, (hi - lo) * 0.02)]
            ys = [base - c * scale for c in counts]
            ax.fill_between(
                xs, [*ys, ys[-1]], base, step="post", color="#a1d99b", linewidth=0, zorder=1
            )
            ax.step(xs, [*ys, ys[-1]], where="post", color="#31a354", linewidth=1.0, zorder=3)
            ax.axhline(base - row.capacity * scale, color="#31a354", linestyle=":", linewidth=0.7)
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
                clip_on=not lo <= mark.time <= hi,
            )
    for kind, verts in rects.items():
        ax.add_collection(_bars(kind, verts), autolim=False)
    total = placed[-1][1] + placed[-1][2] if placed else 1
    ax.set_ylim(total, 0)
    ax.set_yticks([top + h / 2 for _, top, h in placed])
    ax.set_yticklabels([r.label for r in rows], fontsize=7)
    for tick, row in zip(ax.get_yticklabels(), rows, strict=True):
        tick.set_color(_GROUP_TEXT.get(row.group, "black"))
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", labelsize=7)


def _bars(kind: str, verts: list[list[tuple[float, float]]]) -> PolyCollection:
    """All bars of one kind as one collection, styled by kind."""
    color = Bar(0, 0, kind).color
    style: dict[str, object] = {"facecolors": color, "edgecolors": "white", "linewidths": 0.3}
    if kind == "shift":
        style.update(edgecolors="none", linewidths=0, zorder=0)
    elif kind == "block":
        style.update(edgecolors="#525252", linewidths=0.8, zorder=1)
    elif kind == "inbound":
        style.update(edgecolors="#756bb1", linewidths=0, hatch="///", zorder=2)
    else:
        style.update(zorder=2)
    return PolyCollection(verts, **style)  # type: ignore[arg-type]


def _op_legend(ax: Axes, ops: set[str]) -> None:
    handles = [Patch(color=OP_COLORS[op], label=op) for op in OP_ORDER if op in ops]
    handles += [
        Patch(facecolor="#d9d9d9", edgecolor="#525252", label="block on track"),
        Patch(color="#31a354", label="carriage lifted"),
        Patch(color="#e5f5e0", label="crew shift"),
        Patch(color="#8c564b", label="loco hauls out"),
        Patch(facecolor="#c5b0d5", hatch="///", edgecolor="#756bb1", label="loco brought in"),
        Line2D([], [], color="#31a354", label="jack sets in use"),
    ]
    handles += [
        Line2D([], [], linestyle="none", label=k, **{"marker": s["marker"], "color": s["color"]})
        for k, s in _MARK_STYLE.items()
    ]
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.005, 1.0),
        fontsize=7,
        frameon=False,
        handlelength=1.4,
        title="operations",
        title_fontsize=7.5,
    )


def _stock_panel(ax: Axes, tl: Timeline) -> None:
    lo, hi = tl.span
    end = hi + max(5, (hi - lo) * 0.02)
    colors = matplotlib.colormaps["tab10"]
    for i, (name, (times, counts)) in enumerate(tl.stock.items()):
        ax.step(
            [*times, end], [*counts, counts[-1]], where="post", label=name, color=colors(i % 10)
        )
    ax.axhline(0, color="#cb181d", linewidth=0.8)
    _time_axis(ax, tl.span)
    ax.set_ylabel("bogies in stock", fontsize=8)
    ax.tick_params(labelsize=7)
    if tl.stock:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)


def _dwell_panel(ax: Axes, k: Kpis) -> None:
    df = k.trains
    ys = range(len(df))
    ax.barh(ys, df["dwell"], color="#6baed6", label="dwell")
    ax.barh(ys, df["dwell_lb"], height=0.35, color="#08306b", label="critical path (as cut)")
    ax.scatter(
        df["dwell_lb_any"],
        ys,
        marker="|",
        s=160,
        color="#cb181d",
        label="lower bound (any schedule)",
    )
    for y, (dwell, lb) in enumerate(zip(df["dwell"], df["dwell_lb_any"], strict=True)):
        ax.text(dwell, y, f" {dwell} (bound {lb})", va="center", fontsize=7)
    ax.set_yticks(list(ys))
    ax.set_yticklabels(df["train"], fontsize=7)
    ax.set_ylim(len(df) - 0.5, -0.5)
    ax.set_xlabel("minutes", fontsize=8)
    ax.set_xlim(0, max(df["dwell"].max() if len(df) else 1, 1) * 1.3)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6.5, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, frameon=False)


def _util_panel(ax: Axes, k: Kpis) -> None:
    df = k.resources
    labels = [f"{kind} {rid}" for kind, rid in zip(df["kind"], df["id"], strict=True)]
    colors = {
        "crew": "#08519c",
        "track": "#737373",
        "jacks": "#31a354",
        "shunter": "#a63603",
        "changer": "#bcbd22",
    }
    ys = range(len(df))
    ax.barh(ys, df["utilisation"], color=[colors.get(x, "#999999") for x in df["kind"]])
    for y, u in enumerate(df["utilisation"]):
        ax.text(u, y, f" {u:.0%}", va="center", fontsize=6.5)
    ax.set_yticks(list(ys))
    ax.set_yticklabels(labels, fontsize=6.5)
    ax.set_ylim(len(df) - 0.5, -0.5)
    ax.set_xlim(0, 1.15)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0%}"))
    ax.tick_params(labelsize=7)
    ax.set_xlabel("crews: of shift time; others: of plan span", fontsize=7)


def _advice_lines(k: Kpis) -> list[str]:
    lines = []
    for train, binding, excess, advice in zip(
        k.trains["train"], k.trains["binding"], k.trains["excess"], k.trains["advice"], strict=True
    ):
        lines.append(f"{train}: departure set by {binding}, {excess} min above its lower bound")
        items = advice.split("; ")
        for item in items[:4]:
            lines.extend(textwrap.wrap(item, 140, initial_indent="  • ", subsequent_indent="    "))
        if len(items) > 4:
            lines.append(f"    … and {len(items) - 4} more")
    lines.append("(times in minutes from t = 0; the critical chains are in the HTML report)")
    return lines


def _advice_panel(ax: Axes, lines: list[str]) -> None:
    ax.axis("off")
    ax.text(0, 1, "\n".join(lines), va="top", ha="left", fontsize=6.5, family="monospace")


def _gantt_height(rows: list[Row]) -> float:
    placed = row_heights(rows)
    return placed[-1][1] + placed[-1][2] if placed else 1.0


def report_figure(tl: Timeline, k: Kpis) -> Figure:
    """The full static report: one figure, six panels titled as in :data:`PANELS`."""
    res_h = _gantt_height(tl.resource_rows) * 0.24 + 0.6
    train_h = _gantt_height(tl.train_rows) * 0.24 + 0.6
    n_kpi = max(len(k.trains), len(k.resources))
    kpi_h = max(2.4, 0.16 * n_kpi + 0.8)
    advice = _advice_lines(k)
    advice_h = 0.3 + 0.105 * len(advice)
    heights = [res_h, train_h, 2.2, kpi_h, advice_h]
    fig = Figure(figsize=(17, sum(heights) + 2.6), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(5, 2, height_ratios=heights, width_ratios=[1, 1])
    ax_res = fig.add_subplot(grid[0, :])
    ax_tr = fig.add_subplot(grid[1, :], sharex=ax_res)
    ax_stock = fig.add_subplot(grid[2, :], sharex=ax_res)
    ax_dwell = fig.add_subplot(grid[3, 0])
    ax_util = fig.add_subplot(grid[3, 1])
    ax_adv = fig.add_subplot(grid[4, :])
    sol = tl.solution
    fig.suptitle(
        f"{tl.instance.name} — {sol.status}, objective {sol.objective}"
        + (f", lower bound {sol.lower_bound}" if sol.lower_bound is not None else ""),
        fontsize=12,
        fontweight="bold",
    )
    draw_rows(ax_res, tl.resource_rows, tl.span)
    draw_rows(ax_tr, tl.train_rows, tl.span)
    ops = {b.kind for r in tl.resource_rows + tl.train_rows for b in r.bars}
    _op_legend(ax_res, ops & set(OP_COLORS))
    _stock_panel(ax_stock, tl)
    _dwell_panel(ax_dwell, k)
    _util_panel(ax_util, k)
    _advice_panel(ax_adv, advice)
    for ax, title in zip((ax_res, ax_tr, ax_stock, ax_dwell, ax_util, ax_adv), PANELS, strict=True):
        ax.set_title(title, loc="left", fontsize=10, fontweight="bold", pad=4)
    ax_stock.set_xlabel("time (h:mm from t = 0)", fontsize=8)
    return fig


def gantt_on(ax: Axes, tl: Timeline) -> Figure:
    """Resources and trains in one Gantt on an existing axes; return its figure."""
    draw_rows(ax, tl.resource_rows + tl.train_rows, tl.span)
    ops = {b.kind for r in tl.resource_rows + tl.train_rows for b in r.bars}
    _op_legend(ax, ops & set(OP_COLORS))
    ax.set_title("Resources and trains", loc="left", fontsize=10, fontweight="bold")
    return ax.figure  # type: ignore[return-value]
