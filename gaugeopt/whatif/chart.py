"""The what-if chart: one horizontal bar of dwell gained per variant, in the ranked order.

Proven gains (solid green) come on top, then the differences the bounds leave open (hatched,
pale, with a whisker as wide as the two gaps together, marked "within the gap"), then no
change and proven losses (solid red); a dashed rule separates the groups. A variant with no
schedule (infeasible, unknown, error) has no bar and says its status instead. The figure is
built without pyplot (Agg canvas): no display, no global state.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from gaugeopt.whatif.run import BASELINE, OPEN, WhatIf

GAIN = "#2a9d8f"
LOSS = "#e76f51"
EVEN = "#8d99ae"
OPEN_GAIN = "#b7e0da"
OPEN_LOSS = "#f6cdbf"


def _save(fig: Figure, path: Path) -> None:
    """Save via a temporary file beside ``path`` and rename it over: never half written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        fig.savefig(tmp, format=path.suffix[1:].lower() or "png")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _color(gain: float, open_: bool = False) -> str:
    if open_:
        return OPEN_GAIN if gain > 0 else OPEN_LOSS if gain < 0 else EVEN
    return GAIN if gain > 0 else LOSS if gain < 0 else EVEN


def plot_whatif(result: WhatIf, path: str | os.PathLike[str] | None = None) -> Figure:
    """Draw the dwell gained by each variant; with ``path``, also save it (format by suffix)."""
    table = result.table
    rows = table[table["change"] != BASELINE].iloc[::-1]  # barh draws bottom-up: best on top
    widest = max([len(c) for c in rows["change"]] or [10])
    fig = Figure(
        figsize=(5.5 + 0.065 * widest, 1.5 + 0.27 * max(2, len(rows))), layout="constrained"
    )
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    base = result.baseline
    fig.suptitle(
        f"{base.instance.name}: weighted dwell gained by each change\n"
        f"baseline {base.objective if base.objective is not None else base.status}, "
        f"{result.time_limit:g} s per solve, seed {result.seed}",
        fontsize=10,
        x=0.01,
        ha="left",
    )
    labels = list(rows["change"])
    gains = [None if pd.isna(g) else int(g) for g in rows["dwell_gained"]]
    verdicts = list(rows["verdict"])
    is_open = [v == OPEN for v in verdicts]
    by_change = {o.change: o for o in result.variants}
    slack = [
        result.slack(by_change[c]) if o else None for c, o in zip(labels, is_open, strict=True)
    ]
    bars = ax.barh(
        range(len(rows)),
        [g or 0 for g in gains],
        color=[EVEN if g is None else _color(g, o) for g, o in zip(gains, is_open, strict=True)],
        height=0.7,
    )
    for bar, o, sl, g in zip(bars, is_open, slack, gains, strict=True):
        if o:
            bar.set_hatch("///")
            bar.set_edgecolor("#777777")
            if sl is not None and g is not None:
                ax.errorbar(g, bar.get_y() + 0.35, xerr=sl, color="#777777", capsize=3, lw=0.8)
    for y in range(1, len(verdicts)):
        if verdicts[y] != verdicts[y - 1]:
            ax.axhline(y - 0.5, color="#999999", linestyle="--", linewidth=0.7)
    span = max([abs(g) for g in gains if g is not None] or [1]) or 1
    for y, (g, status, v, sl) in enumerate(
        zip(gains, rows["status"], verdicts, slack, strict=True)
    ):
        text = status if g is None else f"{g:+d}" if g else "0"
        if v == OPEN:
            text += " (within the gap)"
        offset = 0.01 * span if g is None or g >= 0 else -0.01 * span
        whisker = (sl or 0) if offset >= 0 else -(sl or 0)
        ax.text(
            (g or 0) + whisker + offset,
            y,
            text,
            va="center",
            ha="left" if offset >= 0 else "right",
            fontsize=8,
            color="#555555" if g is None else "black",
        )
    ax.set_yticks(range(len(rows)), labels, fontsize=9)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlim(-1.15 * span if any(g is not None and g < 0 for g in gains) else 0, 1.2 * span)
    ax.set_xlabel("weighted dwell gained, minutes (baseline − variant objective)", fontsize=9)
    ax.legend(
        handles=[
            Patch(color=GAIN, label="proven gain"),
            Patch(facecolor=OPEN_GAIN, edgecolor="#777777", hatch="///", label="within the gap"),
            Patch(color=LOSS, label="proven loss"),
        ],
        fontsize=8,
        loc="lower right",
    )
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if path is not None:
        _save(fig, Path(path))
    return fig
