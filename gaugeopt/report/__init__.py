"""The planner's view of a schedule: Gantt charts and KPIs (never calls the solver).

* :func:`report` writes print pages (PDF, or PNG/SVG files) or a self-contained
  interactive HTML page; :func:`report_files` also returns every page file it wrote.
* :func:`plot_gantt` returns a matplotlib Figure (the full report, or one Gantt on an axes);
  :func:`plot_result` draws a solve's :class:`~gaugeopt.result.Result` so.
* :func:`kpis` returns the tables: per train, per resource, critical chains.

The package itself is callable, so that ``gaugeopt.report(...)`` is :func:`report` whether
or not this package was imported first (importing it makes ``gaugeopt.report`` the package).
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from gaugeopt.errors import InputError
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import atomic_write_text
from gaugeopt.model.solution import Solution
from gaugeopt.report.kpi import Kpis, kpis
from gaugeopt.report.simulation import plot_dwell_distribution
from gaugeopt.report.timeline import NothingToDraw, Timeline, build_timeline

if TYPE_CHECKING:  # the report imports no solver code: Result (and its bounds) only typed
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from gaugeopt.result import Result

__all__ = [
    "Kpis",
    "NothingToDraw",
    "Timeline",
    "build_timeline",
    "kpis",
    "page_paths",
    "plot_dwell_distribution",
    "plot_gantt",
    "plot_result",
    "report",
    "report_files",
]
logger = logging.getLogger("gaugeopt")

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


def plot_result(
    result: Result, path: str | os.PathLike[str] | None = None, *, ax: Axes | None = None
) -> Figure:
    """Draw a solve's schedule (:func:`plot_gantt` with the result's dwell bounds) and
    return the Figure.

    Parameters
    ----------
    result : Result
        What :func:`gaugeopt.solve` (or :func:`gaugeopt.replan`) returned.
    path : str or path, optional
        Also save the figure there (any format matplotlib writes, by suffix).
    ax : matplotlib.axes.Axes, optional
        Draw resources and trains as one Gantt on this axes; a figure without a layout
        engine gets matplotlib's constrained layout, so that row labels and the legend
        outside the axes are not cut off.

    Returns
    -------
    matplotlib.figure.Figure
        Without ``ax``, the full report figure (resources, trains, bogie stock, dwell,
        utilisation, advice); with ``ax``, the figure of ``ax``.

    Raises
    ------
    NothingToDraw
        The solution holds no schedule (status ``infeasible`` or ``unknown``).
    """
    if ax is not None:
        fig = ax.figure
        root = cast("Figure", getattr(fig, "figure", fig))  # a SubFigure's root Figure
        if root.get_layout_engine() is None:
            root.set_layout_engine("constrained")
    return plot_gantt(
        result.instance, result.solution, path, ax=ax, dwell_bounds=result.dwell_bounds()
    )


def page_paths(path: str | os.PathLike[str], pages: int) -> list[Path]:
    """Where :func:`report` writes ``pages`` PNG or SVG pages: ``path`` itself for page 1,
    then ``NAME-2.png``, ``NAME-3.png``… beside it."""
    target = Path(path)
    rest = [target.with_name(f"{target.stem}-{i}{target.suffix}") for i in range(2, pages + 1)]
    return [target, *rest]


def _stale_pages(path: Path, pages: int) -> list[Path]:
    """Pages of an earlier, longer report at ``path`` that this one does not overwrite."""
    out: list[Path] = []
    while (old := page_paths(path, pages + len(out) + 1)[-1]).exists():
        out.append(old)
    return out


#: zlib level of PNG pages: 1 packs a report page within a third more bytes than the
#: default 6 in a fifth of the time (the encoding was an eighth of a PNG report's time).
PNG_COMPRESS_LEVEL = 1


def _saver(fig: Figure, fmt: str) -> Callable[[str], None]:
    """Save ``fig`` as ``fmt`` to the path it is given."""

    def save(tmp: str) -> None:
        if fmt == "png":
            fig.savefig(tmp, format=fmt, pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
        else:
            fig.savefig(tmp, format=fmt)

    return save


def _write_pages(target: Path, figs: list[Figure]) -> list[Path]:
    suffix = target.suffix.lower()
    if suffix == ".pdf":
        from matplotlib.backends.backend_pdf import PdfPages

        def write_pdf(tmp: str) -> None:
            with PdfPages(tmp) as pdf:
                for fig in figs:
                    pdf.savefig(fig)

        _write_binary(target, write_pdf)
        return [target]
    paths = page_paths(target, len(figs))
    for path, fig in zip(paths, figs, strict=True):
        _write_binary(path, _saver(fig, suffix[1:]))
    for old in _stale_pages(target, len(figs)):
        old.unlink(missing_ok=True)
    return paths


def report_files(
    instance: Instance,
    solution: Solution,
    path: str | os.PathLike[str],
    *,
    dwell_bounds: Sequence[int | None] | None = None,
    notes: Sequence[str] = (),
) -> list[Path]:
    """Write the report and return every file written (see :func:`report`)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"report must end in .png, .svg, .pdf or .html, got {target.suffix or 'no suffix'!r}",
            path=str(target),
        )
    tables = kpis(instance, solution, dwell_bounds)
    timeline = build_timeline(instance, solution)
    timeline.notes = list(notes)
    if suffix == ".html":
        from gaugeopt.report.gantt_html import report_html

        atomic_write_text(target, report_html(timeline, tables))
        _readable(target)
        return [target]
    from gaugeopt.report.gantt_png import report_pages

    paths = _write_pages(target, report_pages(timeline, tables))
    if len(paths) > 1:
        logger.info("report: %d pages, %s", len(paths), ", ".join(map(str, paths)))
    return paths


def report(
    instance: Instance,
    solution: Solution,
    path: str | os.PathLike[str],
    *,
    dwell_bounds: Sequence[int | None] | None = None,
    notes: Sequence[str] = (),
) -> Path:
    """Write the report of a schedule (KPIs and Gantt charts) to ``path`` and return it.

    * ``.html``: one interactive page that works offline (plotly inlined once).
    * ``.pdf``: one file of A4-landscape pages for print (summary first, then the Gantt
      charts by time window; see :mod:`gaugeopt.report.gantt_png`).
    * ``.png`` / ``.svg``: the same pages as files: ``path`` is page 1 (the summary),
      ``NAME-2.png``, ``NAME-3.png``… the rest (:func:`page_paths`; pages left from an
      earlier, longer report at the same path are removed). :func:`report_files` returns
      them all.

    Every file is replaced atomically.

    Parameters
    ----------
    instance : Instance
        The instance the solution schedules.
    solution : Solution
        A schedule (status ``optimal`` or ``feasible``).
    path : str or path
        Where to write; its suffix (``.html``, ``.pdf``, ``.png``, ``.svg``) picks the
        format.
    dwell_bounds : sequence of int or None, optional
        Each train's search-free dwell bound, in the instance's train order, for the KPIs
        (see :func:`kpis`; e.g. ``Result.dwell_bounds()``).
    notes : sequence of str
        Warnings every page carries (an unchecked plan, an overrun schedule).

    Returns
    -------
    Path
        ``path``: the report, or its first page.

    Raises
    ------
    InputError
        The suffix is not one of the four (the message names the path).
    NothingToDraw
        The solution holds no schedule (status ``infeasible`` or ``unknown``).
    """
    return report_files(instance, solution, path, dwell_bounds=dwell_bounds, notes=notes)[0]


class _CallableModule(types.ModuleType):
    """``gaugeopt.report(...)`` calls :func:`report` even once this package is imported
    (the attribute ``gaugeopt.report`` is then this module)."""

    __call__ = staticmethod(report)


sys.modules[__name__].__class__ = _CallableModule
