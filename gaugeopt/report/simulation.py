"""The dwell distribution of each train under delays: a page drawn from a simulation.

:func:`plot_dwell_distribution` draws, per train, a box of its simulated dwell (box: 25th to
75th percentile, line: median, whiskers: 5th to 95th) with the planned dwell (a red diamond)
and the mean (a dot), from the JSON object ``gaugeopt simulate --json`` prints (or a
:class:`~gaugeopt.simulate.stats.Simulation`). ``gaugeopt report --simulation SIM.json``
writes it beside the report (:func:`simulation_page`). The figure is built without pyplot.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gaugeopt.errors import InputError, short_value

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from gaugeopt.simulate.stats import Simulation

#: The percentiles each train of the JSON must carry (``dwell_quantiles``).
NEEDED = ("p5", "p25", "p50", "p75", "p95")


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"must be a number, got {short_value(value)}", path=where)
    return float(value)


def _train(t: Any, i: int, source: str) -> dict[str, Any]:
    where = f"{source}: trains[{i}]"
    if not isinstance(t, dict) or not isinstance(t.get("id"), str):
        raise InputError(f"must be an object with an id, got {short_value(t)}", path=where)
    where = f"{source}: trains[{t['id']}]"
    q = t.get("dwell_quantiles")
    if not isinstance(q, dict):
        raise InputError(
            f"must be an object, got {short_value(q)}", path=f"{where}.dwell_quantiles"
        )
    return {
        "id": t["id"],
        "planned_dwell": _number(t.get("planned_dwell"), f"{where}.planned_dwell"),
        "dwell_mean": _number(t.get("dwell_mean"), f"{where}.dwell_mean"),
        "quantiles": {k: _number(q.get(k), f"{where}.dwell_quantiles.{k}") for k in NEEDED},
    }


def read_simulation(path: str | os.PathLike[str], instance: str | None = None) -> dict[str, Any]:
    """The JSON of ``gaugeopt simulate --json``, checked (with ``instance``: that it is a
    simulation of that instance); :class:`InputError` naming the bad field."""
    source = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", path=source) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid JSON ({exc})", path=source) from None
    sim = parse_simulation(data, source)
    if instance is not None and sim["instance"] != instance:
        raise InputError(
            f"a simulation of {sim['instance']!r}, not of {instance!r}", path=f"{source}: instance"
        )
    return data


def parse_simulation(data: Any, source: str = "<simulation>") -> dict[str, Any]:
    """What the plot needs from a simulation's JSON: instance, runs and each train's dwell."""
    if not isinstance(data, dict) or not isinstance(data.get("trains"), list):
        raise InputError("must be the JSON object of gaugeopt simulate --json", path=source)
    return {
        "instance": str(data.get("instance", "")),
        "runs": data.get("runs"),
        "delay_scale": data.get("delay_scale"),
        "trains": [_train(t, i, source) for i, t in enumerate(data["trains"])],
    }


def plot_dwell_distribution(
    simulation: dict[str, Any] | Simulation, path: str | os.PathLike[str] | None = None
) -> Figure:
    """Draw each train's simulated dwell; with ``path``, also save it (format by suffix)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    data = simulation if isinstance(simulation, dict) else simulation.to_json()
    sim = parse_simulation(data)
    trains = sim["trains"]
    fig = Figure(figsize=(max(6.0, 0.55 * len(trains) + 2.5), 4.2), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    stats = [
        {
            "label": t["id"],
            "med": t["quantiles"]["p50"],
            "q1": t["quantiles"]["p25"],
            "q3": t["quantiles"]["p75"],
            "whislo": t["quantiles"]["p5"],
            "whishi": t["quantiles"]["p95"],
            "fliers": [],
        }
        for t in trains
    ]
    if stats:
        ax.bxp(stats, showfliers=False, patch_artist=True,
               boxprops={"facecolor": "#cfe3f1", "edgecolor": "#3b6e99"},
               medianprops={"color": "#1d3f5e"})  # fmt: skip
        xs = range(1, len(trains) + 1)
        ax.scatter(xs, [t["planned_dwell"] for t in trains], marker="D", color="#d62828",
                   zorder=3, label="planned dwell")  # fmt: skip
        ax.scatter(xs, [t["dwell_mean"] for t in trains], marker="o", color="black", s=12,
                   zorder=3, label="mean")  # fmt: skip
        ax.legend(fontsize=8, loc="upper left")
    ax.set_ylabel("dwell, minutes")
    ax.set_title(
        f"{sim['instance']}: dwell under delays, {sim['runs']} runs, delay scale "
        f"{sim['delay_scale']} (box 25–75 %, whiskers 5–95 %)",
        fontsize=10,
        loc="left",
    )
    ax.grid(axis="y", alpha=0.3)
    if path is not None:
        from gaugeopt.report import _write_binary

        target = Path(path)
        _write_binary(target, lambda tmp: fig.savefig(tmp, format=target.suffix[1:].lower()))
    return fig


def simulation_page_path(out: str | os.PathLike[str]) -> Path:
    """``report.pdf`` -> ``report-simulation.pdf``; an HTML report gets a PNG beside it."""
    p = Path(out)
    suffix = ".png" if p.suffix.lower() == ".html" else p.suffix
    return p.with_name(f"{p.stem}-simulation{suffix}")


def simulation_page(sim: dict[str, Any], out: str | os.PathLike[str]) -> Path:
    """Draw ``sim`` (from :func:`read_simulation`) beside the report ``out``; its path."""
    target = simulation_page_path(out)
    plot_dwell_distribution(sim, target)
    return target
