"""Interactive report: one self-contained HTML page (plotly inlined, nothing from the network).

Figures: resources Gantt, trains Gantt, bogie stock, dwell and utilisation; then the KPI
tables. Hovering a bar shows its task, train, carriage, crew, resources and times.
"""

from __future__ import annotations

import html
from collections import defaultdict

import pandas as pd
import plotly.graph_objects as go

from gaugeopt.report.kpi import Kpis
from gaugeopt.report.timeline import (
    OP_ORDER,
    Bar,
    Row,
    Timeline,
    clock,
    lane_box,
    row_heights,
)

_KIND_NAMES = {
    "block": "block on track",
    "lifted": "carriage lifted",
    "shift": "crew shift",
    "haul": "loco hauls out",
    "inbound": "loco brought in",
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
"""


def _ticks(span: tuple[int, int]) -> tuple[list[int], list[str]]:
    lo, hi = span
    width = max(hi - lo, 1)
    step = next(
        (s for s in (5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 720, 1440) if width / s <= 16),
        2880,
    )
    vals = list(range((lo // step) * step, hi + step, step))
    return vals, [clock(v) for v in vals]


def _hover_text(bar: Bar) -> str:
    if not bar.hover:
        return bar.label
    return "<br>".join(f"<b>{html.escape(k)}</b>: {html.escape(v)}" for k, v in bar.hover.items())


def gantt_figure(rows: list[Row], span: tuple[int, int], title: str) -> go.Figure:
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
                name=_KIND_NAMES.get(kind, kind),
                base=[b.start for b, _, _ in items],
                x=[max(b.end - b.start, 0.6) for b, _, _ in items],
                y=[c for _, c, _ in items],
                width=[h for _, _, h in items],
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
                hovertext=[_hover_text(b) for b, _, _ in items],
                hoverinfo="text",
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
                hovertemplate=f"{html.escape(row.label)}<br>%{{customdata}} in use from %{{x}}"
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
    tickvals, ticktext = _ticks(span)
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
        title="time (h:mm from t = 0)",
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
                hovertemplate=f"{name}: %{{y}} from %{{x}}<extra></extra>",
            )
        )
    tickvals, ticktext = _ticks(tl.span)
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
    fig.update_yaxes(title="bogies in stock", gridcolor="#e5e5e5", rangemode="tozero")
    return fig


def kpi_figure(k: Kpis) -> go.Figure:
    """Dwell against its lower bounds per train, and utilisation per resource."""
    from plotly.subplots import make_subplots

    df, res = k.trains, k.resources
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Dwell vs lower bound", "Utilisation"))
    fig.add_trace(go.Bar(y=df["train"], x=df["dwell"], orientation="h", name="dwell",
                         marker_color="#6baed6"), 1, 1)  # fmt: skip
    fig.add_trace(go.Bar(y=df["train"], x=df["dwell_lb"], orientation="h",
                         name="critical path (as cut)", marker_color="#08306b", width=0.35),
                  1, 1)  # fmt: skip
    fig.add_trace(go.Scatter(y=df["train"], x=df["dwell_lb_any"], mode="markers",
                             name="lower bound (any schedule)",
                             marker={"symbol": "line-ns-open", "size": 18, "color": "#cb181d",
                                     "line": {"width": 3}}), 1, 1)  # fmt: skip
    labels = [f"{a} {b}" for a, b in zip(res["kind"], res["id"], strict=True)]
    fig.add_trace(go.Bar(y=labels, x=res["utilisation"], orientation="h", name="utilisation",
                         marker_color="#08519c", text=[f"{u:.0%}" for u in res["utilisation"]],
                         textposition="outside"), 1, 2)  # fmt: skip
    fig.update_layout(
        barmode="overlay",
        height=int(160 + 22 * max(len(df), len(res))),
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        plot_bgcolor="white",
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="minutes", row=1, col=1, gridcolor="#e5e5e5")
    fig.update_xaxes(range=[0, 1.15], tickformat=".0%", row=1, col=2, gridcolor="#e5e5e5")
    return fig


def _table(df: pd.DataFrame) -> str:
    fmt = {c: "{:.1%}".format for c in ("utilisation", "util_horizon") if c in df}
    return df.to_html(index=False, classes="kpi", border=0, formatters=fmt, escape=True)


def report_html(tl: Timeline, k: Kpis) -> str:
    """The whole page as one string; the plotly bundle is inlined once."""
    sol = tl.solution
    figures = [
        gantt_figure(tl.resource_rows, tl.span, "Resources"),
        gantt_figure(tl.train_rows, tl.span, "Trains"),
        stock_figure(tl),
        kpi_figure(k),
    ]
    parts = [
        fig.to_html(full_html=False, include_plotlyjs=(i == 0), config=_CONFIG)
        for i, fig in enumerate(figures)
    ]
    bound = f", lower bound {sol.lower_bound}" if sol.lower_bound is not None else ""
    name = html.escape(tl.instance.name)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{name} — gaugeopt report</title>",
            f"<style>{_CSS}</style></head><body>",
            f"<h1>{name} — station {html.escape(tl.instance.station.name)}</h1>",
            f'<p class="meta">status {html.escape(sol.status)}, objective {sol.objective}'
            f"{bound}; times in minutes from t = 0 (axes show h:mm).</p>",
            *parts,
            "<h2>Trains</h2>",
            _table(k.trains),
            "<h2>Resources</h2>",
            _table(k.resources),
            "<h2>Critical chains</h2>",
            "<p>Walked back from the task that sets each departure; <i>wait</i> is how long a"
            " step started after it was ready, and <i>advice</i> what would let it start"
            " sooner.</p>",
            _table(k.chains),
            "</body></html>",
        ]
    )
