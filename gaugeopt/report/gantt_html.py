"""Interactive report: one self-contained HTML page (plotly inlined, nothing from the network).

Figures: resources Gantt, trains Gantt, bogie stock, dwell and utilisation; then the KPI
tables. Hovering a bar shows its task, train, carriage, crew, resources and times.

Size: the page inlines plotly.js's *basic* partial bundle (bar and scatter traces, the only
ones drawn; ``vendor/plotly-basic.min.js``, 1.1 MB) instead of the full 4.8 MB bundle, and
each Gantt trace carries its hover text as plain data (``customdata``) under one template,
with coordinates rounded to what a screen shows: the Erenhot day is about 1.3 MB.
"""

from __future__ import annotations

import html
from collections import defaultdict
from functools import cache
from importlib import resources

import pandas as pd
import plotly.graph_objects as go

from gaugeopt.clock import Clock
from gaugeopt.report.kpi import LABELS, WAITS, Kpis
from gaugeopt.report.text import (
    BAR_HEIGHT,
    BOUND_COLOR,
    BOUND_OFFSET,
    BOUND_WORDS,
    PART_COLORS,
    PART_WORDS,
    dwell_sentence,
    status_text,
    title_text,
)
from gaugeopt.report.timeline import (
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

_KIND_NAMES = {
    "block": "block on track",
    "lifted": "carriage lifted",
    "shift": "crew shift",
    "haul": "loco hauls out",
    "inbound": "loco brought in",
    "closed": "track closed",
}
_MARKS = {
    "arrival": ("triangle-right", "#006d2c"),
    "departure": ("square", "#cb181d"),
    "available": ("line-ns-open", "#636363"),
}
_CONFIG = {"displaylogo": False, "responsive": True}
_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       margin: 16px 24px; color: #222; }
h1 { font-size: 20px; margin-bottom: 4px; } h2 { font-size: 16px; margin-top: 28px; }
p.meta { color: #555; margin-top: 0; }
table.kpi { border-collapse: collapse; font-size: 12px; margin: 8px 0 16px; }
table.kpi th, table.kpi td { border: 1px solid #ccc; padding: 3px 8px; text-align: left;
       vertical-align: top; }
table.kpi th { background: #f0f0f0; } table.kpi tr:nth-child(even) td { background: #fafafa; }
table.kpi td.num { text-align: right; } table.kpi td.time { white-space: nowrap; }
ul.advice > li { margin-top: 6px; } ul.advice ul { color: #333; }
p.warning { color: #c00000; font-weight: bold; border: 2px solid #c00000; padding: 6px 10px; }
"""


def _ticks(span: tuple[int, int], clock: Clock) -> tuple[list[int], list[str]]:
    ticks = time_ticks(span, clock, most=16)
    return [t for t, _ in ticks], [text.replace("\n", "<br>") for _, text in ticks]


#: Every Gantt bar's hover: what it is, then its time (both plain text, in customdata).
_HOVER = "%{customdata[0]}<br>%{customdata[1]}<extra></extra>"


#: Hover fields shown by their value alone (the value says what it is).
_BARE = ("task", "train", "carriage")


def _hover_lines(bar: Bar) -> list[str]:
    """[what the bar is: ``lift · E01 · E01-03 · crew AX1 · track R1``, its time]."""
    if not bar.hover:
        return [html.escape(bar.label), ""]
    what = " · ".join(v if k in _BARE else f"{k} {v}" for k, v in bar.hover.items() if k != "time")
    return [html.escape(what), html.escape(bar.hover.get("time", ""))]


def _r(value: float) -> float:
    """A coordinate rounded to what a screen shows (the page stays small)."""
    return round(value, 3)


@cache
def plotly_bundle() -> str:
    """plotly.js's basic partial bundle, shipped with the package (``vendor/``)."""
    return (
        resources.files("gaugeopt.report")
        .joinpath("vendor/plotly-basic.min.js")
        .read_text(encoding="utf-8")
    )


def gantt_figure(rows: list[Row], span: tuple[int, int], title: str, clock: Clock) -> go.Figure:
    """A plotly Gantt of ``rows`` laid out exactly like the static one."""
    placed = row_heights(rows)
    lo, hi = span
    by_kind: dict[str, list[tuple[Bar, float, float]]] = defaultdict(list)
    steps, marks = [], defaultdict(list)
    for row, top, height in placed:
        for bar in row.bars:
            y, h = lane_box(row, bar, top, height)
            by_kind[bar.kind].append((bar, y + h / 2, h))
        if row.steps is not None and row.capacity:
            steps.append((row, top, height))
        for mark in row.marks:
            marks[mark.kind].append((mark.time, top + height / 2, f"{row.label}: {mark.text}"))
    fig = go.Figure()
    order = ["shift", "block", "lifted", "inbound", "haul", *OP_ORDER]
    for kind in [k for k in order if k in by_kind]:
        items = by_kind[kind]
        fig.add_trace(
            go.Bar(
                orientation="h",
                name=_KIND_NAMES.get(kind, op_words(kind)),
                base=[b.start for b, _, _ in items],
                x=[max(b.end - b.start, 0.6) for b, _, _ in items],
                y=[_r(c) for _, c, _ in items],
                width=[_r(h) for _, _, h in items],
                marker={
                    "color": items[0][0].color,
                    "line": {"color": "#525252" if kind == "block" else "white", "width": 0.5},
                    "pattern": {"shape": "/"} if kind == "inbound" else None,
                },
                opacity=0.55 if kind in ("shift", "block") else 1.0,
                text=[b.label for b, _, _ in items],
                textposition="inside",
                insidetextanchor="start" if kind == "block" else "middle",
                textfont={"size": 10},
                customdata=[_hover_lines(b) for b, _, _ in items],
                hovertemplate=_HOVER,
                legendgroup=kind,
            )
        )
    for row, top, height in steps:
        times, counts = row.steps  # type: ignore[misc]
        scale = (height * 0.8) / row.capacity  # type: ignore[operator]
        base = top + height * 0.9
        xs = [*times, hi]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=[base - c * scale for c in [*counts, counts[-1]]],
                mode="lines",
                line={"shape": "hv", "color": "#31a354"},
                name="jack sets in use",
                legendgroup="jacks",
                showlegend=row is steps[0][0],
                customdata=[*counts, counts[-1]],
                text=[clock.at(t) for t in xs],
                hovertemplate=f"{html.escape(row.label)}<br>%{{customdata}} in use from %{{text}}"
                "<extra></extra>",
            )
        )
    for kind, pts in marks.items():
        symbol, color = _MARKS[kind]
        fig.add_trace(
            go.Scatter(
                x=[p[0] for p in pts],
                y=[p[1] for p in pts],
                mode="markers",
                marker={"symbol": symbol, "color": color, "size": 10, "line": {"width": 2}},
                name=kind,
                hovertext=[html.escape(p[2]) for p in pts],
                hoverinfo="text",
            )
        )
    total = placed[-1][1] + placed[-1][2] if placed else 1.0
    tickvals, ticktext = _ticks(span, clock)
    fig.update_layout(
        title={"text": title, "x": 0.0},
        barmode="overlay",
        height=int(140 + 26 * total),
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        plot_bgcolor="white",
        uniformtext={"minsize": 8, "mode": "hide"},
        legend={"orientation": "v", "x": 1.01, "y": 1.0, "font": {"size": 10}},
        hoverlabel={"align": "left"},
    )
    pad = max(5, (hi - lo) * 0.02)
    fig.update_xaxes(
        range=[lo - pad, hi + pad],
        tickvals=tickvals,
        ticktext=ticktext,
        showgrid=True,
        gridcolor="#e5e5e5",
        title=time_axis_title(clock),
    )
    fig.update_yaxes(
        range=[total, 0],
        tickvals=[top + h / 2 for _, top, h in placed],
        ticktext=[html.escape(r.label) for r in rows],
        showgrid=False,
        automargin=True,
    )
    for _, top, _ in placed[1:]:
        fig.add_hline(y=top, line={"color": "#eeeeee", "width": 1})
    return fig


def stock_figure(tl: Timeline) -> go.Figure:
    """Bogie stock per gauge/type over time (step lines)."""
    fig = go.Figure()
    lo, hi = tl.span
    for name, (times, counts) in tl.stock.items():
        fig.add_trace(
            go.Scatter(
                x=[*times, hi],
                y=[*counts, counts[-1]],
                mode="lines",
                line={"shape": "hv"},
                name=name,
                text=[tl.clock.at(t) for t in [*times, hi]],
                hovertemplate=f"{name}: %{{y}} from %{{text}}<extra></extra>",
            )
        )
    tickvals, ticktext = _ticks(tl.span, tl.clock)
    fig.update_layout(
        title={"text": "Bogie stock", "x": 0.0},
        height=320,
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        plot_bgcolor="white",
    )
    pad = max(5, (hi - lo) * 0.02)
    fig.update_xaxes(
        range=[lo - pad, hi + pad], tickvals=tickvals, ticktext=ticktext, gridcolor="#e5e5e5"
    )
    fig.update_xaxes(title=time_axis_title(tl.clock))
    fig.update_yaxes(
        title="bogies in stock", gridcolor="#e5e5e5", rangemode="tozero", tickformat="d", dtick=None
    )
    return fig


def kpi_figure(k: Kpis) -> go.Figure:
    """Each train's dwell taken apart (stacked work and waits) beside its least possible
    dwell, and utilisation per resource."""
    from plotly.subplots import make_subplots

    df, res = k.trains, k.resources
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("Dwell of each train, taken apart (minutes)", "Utilisation"),
    )
    ys = list(range(len(df)))
    for col in [c for c in PART_COLORS if (df[c] > 0).any()]:
        name = PART_WORDS[col]
        fig.add_trace(
            go.Bar(
                y=ys,
                x=df[col],
                width=BAR_HEIGHT,
                orientation="h",
                name=name,
                customdata=df["train"],
                marker={"color": PART_COLORS[col], "line": {"color": "#525252", "width": 0.5}},
                hovertemplate=f"%{{customdata}}: %{{x}} min {html.escape(name)}<extra></extra>",
            ),
            1,
            1,
        )
    # The least possible dwell: a red line under each bar, outside it.
    xs: list[float | None] = []
    under: list[float | None] = []
    for y, bound in zip(ys, df["lower_bound"], strict=True):
        xs += [0, bound, None]
        under += [y + BOUND_OFFSET, y + BOUND_OFFSET, None]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=under,
            mode="lines",
            name=BOUND_WORDS,
            line={"color": BOUND_COLOR, "width": 2},
            hovertemplate="least possible dwell in any plan: %{x} min<extra></extra>",
        ),
        1,
        1,
    )
    labels = [f"{a} {b}" for a, b in zip(res["kind"], res["resource"], strict=True)]
    fig.add_trace(go.Bar(y=labels, x=res["utilisation"], orientation="h", name="utilisation",
                         marker_color="#08519c", text=[f"{u:.0%}" for u in res["utilisation"]],
                         textposition="outside", showlegend=False), 1, 2)  # fmt: skip
    fig.update_layout(
        barmode="stack",
        height=int(200 + 22 * max(len(df), len(res))),
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.12},
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="minutes from arrival to departure", row=1, col=1, gridcolor="#e5e5e5")
    fig.update_yaxes(tickvals=ys, ticktext=list(df["train"]), row=1, col=1)
    fig.update_xaxes(range=[0, 1.15], tickformat=".0%", row=1, col=2, gridcolor="#e5e5e5",
                     title={"text": UTILISATION_HEADER, "font": {"size": 10}})  # fmt: skip
    return fig


#: Columns shown as clock times.
_TIMES = ("arrival", "departure", "start", "end")


def _cell(column: str, value: object, clock: Clock) -> str:
    if column in _TIMES and isinstance(value, int):
        return html.escape(clock.at(value))
    if column == "utilisation" and isinstance(value, float):
        return f"{value:.1%}"
    if column == "part":
        return html.escape("work" if value == "work" else WAITS.get(str(value), str(value)))
    return html.escape(str(value))


def _class(column: str, value: object) -> str:
    if column in _TIMES:
        return ' class="time"'
    return ' class="num"' if isinstance(value, int | float) else ""


def table(df: pd.DataFrame, clock: Clock, table_id: str, drop_zero: tuple[str, ...] = ()) -> str:
    """A KPI table with headers in words and times on the clock; columns in ``drop_zero``
    that are zero in every row are left out."""
    cols = [c for c in df.columns if not (c in drop_zero and not (df[c] != 0).any())]
    head = "".join(f'<th data-col="{c}">{html.escape(LABELS.get(c, c))}</th>' for c in cols)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{_class(c, v)}>{_cell(c, v, clock)}</td>" for c, v in zip(cols, row, strict=True)
        )
        + "</tr>"
        for row in df[cols].itertuples(index=False)
    )
    return (
        f'<table class="kpi" id="{table_id}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def report_html(tl: Timeline, k: Kpis) -> str:
    """The whole page as one string; the plotly bundle is inlined once, in its head."""
    clock = tl.clock
    figures = [
        kpi_figure(k),
        gantt_figure(tl.resource_rows, tl.span, "Resources", clock),
        gantt_figure(tl.train_rows, tl.span, "Trains (every task its own bar)", clock),
        stock_figure(tl),
    ]
    parts = [
        fig.to_html(full_html=False, include_plotlyjs=False, config=_CONFIG) for fig in figures
    ]
    trains = k.trains.drop(columns=["advice"])
    advice = "".join(
        f"<li>{html.escape(dwell_sentence(row, clock))}<ul>"
        + "".join(f"<li>{html.escape(item)}</li>" for item in row.advice.split("; "))
        + "</ul></li>"
        for row in k.trains.itertuples()
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{html.escape(title_text(tl))}</title>",
            f"<style>{_CSS}</style>",
            f'<script type="text/javascript">{plotly_bundle()}</script></head><body>',
            f"<h1>{html.escape(title_text(tl))}</h1>",
            *(f'<p class="warning">{html.escape(n)}</p>' for n in tl.notes),
            f'<p class="meta">{html.escape(status_text(tl))}.</p>',
            "<h2>Trains: each dwell taken apart</h2>",
            "<p>The work on each train's critical chain in this plan plus its waits add up"
            " to its dwell. The least possible dwell holds for any plan of the day, whatever"
            " its blocks; the work of this plan's chain may exceed it, since a block of many"
            " carriages makes a longer chain than the one-carriage blocks the bound allows."
            " The departure was held most by the longest wait on the chain.</p>",
            table(trains, clock, "trains", drop_zero=tuple(WAITS)),
            "<h2>What would make each train leave sooner</h2>",
            f'<ul class="advice">{advice}</ul>',
            parts[0],
            *parts[1:],
            "<h2>Resources</h2>",
            table(k.resources, clock, "resources"),
            "<h2>Critical chains</h2>",
            "<p>Each train's dwell, part by part from its arrival to its departure: the work"
            " of its own tasks on the critical chain, and each wait with what held it.</p>",
            table(k.chains, clock, "chains"),
            "</body></html>",
        ]
    )
