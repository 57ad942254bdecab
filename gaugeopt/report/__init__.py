"""The planner's view of a schedule: Gantt charts and KPIs (never calls the solver).

* :func:`report` writes a static PNG or a self-contained interactive HTML page.
* :func:`plot_gantt` returns a matplotlib Figure (the full report, or one Gantt on an axes).
* :func:`kpis` returns the tables: per train, per resource, critical chains.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gaugeopt.errors import InputError
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import atomic_write_text
from gaugeopt.model.solution import Solution
from gaugeopt.report.kpi import Kpis, kpis
from gaugeopt.report.timeline import NothingToDraw, Timeline, build_timeline

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["Kpis", "NothingToDraw", "Timeline", "build_timeline", "kpis", "plot_gantt", "report"]

#: File suffixes :func:`report` can write.
SUFFIXES = (".png", ".svg", ".pdf", ".html")


def _readable(path: Path) -> None:
    """mkstemp files are 0600; a report is meant to be shared (0644, like a plain write)."""
    os.chmod(path, 0o644)


def _write_binary(path: Path, write: Callable[[str], object]) -> None:
    """Call ``write(tmp_path)`` on a temporary file beside ``path``, then rename it over."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        _readable(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def plot_gantt(
    instance: Instance,
    solution: Solution,
    path: str | os.PathLike[str] | None = None,
    *,
    ax: Axes | None = None,
    dwell_bounds: Sequence[int | None] | None = None,
) -> Figure:
    """Draw the schedule with matplotlib and return the Figure.

    Without ``ax``: the full report figure (resources, trains, bogie stock, dwell,
    utilisation, advice). With ``ax``: resources and trains as one Gantt on that axes.
    With ``path``: also save the figure there (any format matplotlib writes, by suffix).
    ``dwell_bounds``: each train's search-free dwell bound, for the KPIs (see :func:`kpis`).
    Raises :class:`NothingToDraw` for an infeasible/unknown solution.
    """
    from gaugeopt.report.gantt_png import gantt_on, report_figure

    tl = build_timeline(instance, solution)
    if ax is not None:
        fig = gantt_on(ax, tl)
    else:
        fig = report_figure(tl, kpis(instance, solution, dwell_bounds))
    if path is not None:
        target = Path(path)
        _write_binary(target, lambda tmp: fig.savefig(tmp, format=target.suffix[1:] or "png"))
    return fig


def report(
    instance: Instance,
    solution: Solution,
    path: str | os.PathLike[str],
    *,
    dwell_bounds: Sequence[int | None] | None = None,
) -> Path:
    """Write the report to ``path``: ``.png`` (static) or ``.html`` (interactive, offline).

    ``dwell_bounds``: each train's search-free dwell bound, for the KPIs (see :func:`kpis`).

    The file is replaced atomically. A bad suffix raises :class:`InputError` naming the path;
    an infeasible/unknown solution raises :class:`NothingToDraw`.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"report must end in .png, .svg, .pdf or .html, got {target.suffix or 'no suffix'!r}",
            path=str(target),
        )
    if suffix == ".html":
        from gaugeopt.report.gantt_html import report_html

        tables = kpis(instance, solution, dwell_bounds)
        html = report_html(build_timeline(instance, solution), tables)
        atomic_write_text(target, html)
        _readable(target)
    else:
        fig = plot_gantt(instance, solution, dwell_bounds=dwell_bounds)
        _write_binary(target, lambda tmp: fig.savefig(tmp, format=suffix[1:]))
    return target
