"""``gaugeopt whatif``: which one resource more (or less) changes the plan most."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gaugeopt.cli.common import (
    EXIT_OK,
    bad_input_exits,
    err,
    fail,
    load,
    out,
    quiet_option,
    set_verbosity,
    verbose_option,
)
from gaugeopt.model.io import read_instance

#: Suffixes the chart may be written as.
CHART_SUFFIXES = (".png", ".svg", ".pdf")


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def whatif_table(df: pd.DataFrame, title: str) -> Table:
    """The rows of :attr:`WhatIf.table`: the baseline, a rule, then the variants."""
    table = Table(title=title, title_justify="left")
    shown = [
        "change",
        "status",
        "objective",
        "lower_bound",
        "dwell_gained",
        "verdict",
        "gap",
        "reasons",
    ]
    for col in shown:
        table.add_column(
            col.replace("_", " "),
            justify="left" if col in ("change", "status", "verdict", "reasons") else "right",
            overflow="fold",
        )
    for i, row in enumerate(df[shown].itertuples(index=False)):
        cells = [_cell(v) for v in row]
        gap = row.gap
        cells[6] = "-" if pd.isna(gap) else f"{100 * gap:.1f}%"
        style = {"gain": "green", "loss": "red", "within the gap": "dim"}.get(row.verdict)
        table.add_row(*cells, style=style, end_section=i == 0)
    return table


def whatif(
    instance: str = typer.Argument(..., help="Instance file (JSON)."),
    time_limit: float = typer.Option(
        10.0, "--time-limit", "-t", min=0.1, help="Seconds per solve."
    ),
    workers: int | None = typer.Option(
        None, "--workers", "-w", min=1, help="CP-SAT workers per solve (default: cores / jobs)."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed of every solve."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Solves at once (local processes)."),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Dask scheduler to run on, e.g. tcp://host:8786 (see docs/cluster.md).",
    ),
    out_path: Path = typer.Option(Path("whatif.csv"), "--out", "-o", help="CSV to write."),
    chart: Path | None = typer.Option(
        None, "--chart", help="Also draw the gains (.png/.svg/.pdf)."
    ),
    verbose: bool = verbose_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Solve the instance and its variants (one resource more or less); rank them by dwell gained."""
    set_verbosity(verbose, quiet)
    from gaugeopt.whatif.chart import plot_whatif
    from gaugeopt.whatif.run import whatif as run_whatif
    from gaugeopt.whatif.variants import variants

    inst = load(read_instance, instance)
    if chart is not None and chart.suffix.lower() not in CHART_SUFFIXES:
        raise fail(f"--chart: must end in {', '.join(CHART_SUFFIXES)}, got {str(chart)!r}")
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet,
    )
    bar = progress.add_task("what-if", total=1 + len(variants(inst)))

    def done(o) -> None:
        if not quiet:
            progress.console.print(
                f"{o.change}: {o.status} obj {_cell(o.objective)} bound {_cell(o.lower_bound)}",
                markup=False,
                highlight=False,
            )
        progress.advance(bar)

    with progress, bad_input_exits():
        result = run_whatif(
            inst,
            time_limit=time_limit,
            seed=seed,
            workers=workers,
            jobs=jobs,
            scheduler=scheduler,
            serial=False,  # always on Dask: a solve that crashes is one row, not the command
            on_start=lambda change: progress.update(bar, description=change),
            on_done=done,
        )
    title = (
        f"{inst.name}: what-if, {time_limit:g} s per solve, {result.workers} CP-SAT "
        f"worker(s), seed {seed}"
    )
    out.print(whatif_table(result.table, title))
    try:
        result.write_csv(out_path)
        if chart is not None:
            plot_whatif(result, chart)
    except OSError as exc:
        raise fail(f"{exc.filename or out_path}: cannot write ({exc.strerror or exc})") from None
    best = result.ranked()[0] if result.variants else None
    gained = None if best is None else result.gained(best)
    if best is not None and gained is not None and result.verdict(best) == "gain":
        out.print(f"pays most: {best.change} (−{gained} weighted dwell minutes)", markup=False)
    elif result.variants:
        out.print(
            "no change is a proven gain at this time limit (the differences are within the gap)",
            markup=False,
        )
    out.print(f"{1 + len(result.variants)} rows written to {out_path}", markup=False)
    if chart is not None:
        out.print(f"chart drawn to {chart}", markup=False)
    raise typer.Exit(EXIT_OK)
