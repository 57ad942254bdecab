"""``gaugeopt bench``: run methods on benchmark instances; one CSV row per (instance, method)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from gaugeopt.cli.common import (
    EXIT_OK,
    bad_input_exits,
    err,
    fail,
    out,
    quiet_option,
    set_verbosity,
    verbose_option,
)


def _tables(rows: list[dict]) -> list[Table]:
    from gaugeopt.bench.summary import fmt, frame, per_method, versus

    df = frame(rows)
    tables = []
    for title, records in (
        ("per set and method", per_method(df)),
        ("gaugeopt against each baseline", versus(df)),
    ):
        if not records:
            continue
        table = Table(title=title, title_justify="left")
        for key in records[0]:
            table.add_column(
                key, justify="left" if key in ("set", "method", "baseline") else "right"
            )
        for r in records:
            table.add_row(*(fmt(v) for v in r.values()))
        tables.append(table)
    return tables


def bench(
    paths: list[str] = typer.Argument(
        ...,
        metavar="PATH...",
        help="Instance files (.json, .sm, .mm), folders (recursive) or lists (.txt).",
    ),
    time_limit: float = typer.Option(10.0, "--time-limit", "-t", min=0.1, help="Seconds per run."),
    workers: int | None = typer.Option(
        None, "--workers", "-w", min=1, help="Solver threads per run (default: cores / jobs)."
    ),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Runs at once (local processes)."),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Dask scheduler to run on, e.g. tcp://host:8786 (docs/cluster.md).",
    ),
    methods: str = typer.Option(
        "gaugeopt,greedy",
        "--methods",
        "-m",
        help="Comma-separated: gaugeopt, greedy, pyjobshop, direct.",
    ),
    out_path: Path = typer.Option(Path("results.csv"), "--out", "-o", help="CSV to write."),
    seed: int = typer.Option(0, "--seed", help="Random seed of every method."),
    resume: bool = typer.Option(
        False, "--resume", help="Keep the rows already in --out and run only the missing ones."
    ),
    baselines: Path | None = typer.Option(
        None,
        "--baselines",
        help="Folder of the benchmark-only baselines (default: benchmarks/baselines).",
    ),
    verbose: bool = verbose_option(),
    quiet: bool = quiet_option("Only errors in the log (the progress lines stay)."),
) -> None:
    """Benchmark methods; write a CSV row per (instance, method), then print summary tables."""
    set_verbosity(verbose, quiet)
    from gaugeopt.bench.discover import discover
    from gaugeopt.bench.methods import METHODS
    from gaugeopt.bench.runner import Job, code_version, read_csv, run_jobs, write_csv

    chosen = [m.strip() for m in methods.split(",") if m.strip()]
    unknown = [m for m in chosen if m not in METHODS]
    if unknown or not chosen:
        raise fail(f"--methods: choose from {', '.join(METHODS)}, got {methods!r}")
    if "pyjobshop" in chosen:
        from gaugeopt.bench.baselines import BaselineUnavailable, find_dir, load_pyjobshop

        try:
            load_pyjobshop(baselines)  # checked here, so no run starts without it
        except BaselineUnavailable as exc:
            raise fail(f"-m pyjobshop: {exc}") from None
        baselines = find_dir(baselines)
    with bad_input_exits():
        instances = discover(paths)
    if not instances:
        raise fail(f"no instance files (.json, .sm, .mm) under {' '.join(paths)}")

    rows: list[dict] = []
    done: set[tuple[str, str]] = set()
    if resume and out_path.is_file():
        rows = read_csv(out_path)
        done = {(r["path"], r["method"]) for r in rows}
    todo = [
        Job(inst, m, time_limit, workers, seed, baselines)
        for inst in instances
        for m in chosen
        if (str(inst.path), m) not in done
    ]
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
    )
    bar = progress.add_task("bench", total=len(todo))

    def started(job: Job) -> None:
        progress.update(bar, description=f"{job.instance.name} / {job.method}")

    code = code_version()  # the code measured: a row says which version it belongs to

    def finished(job: Job, result) -> None:
        result.extra["code"] = code
        rows.append(result.row())
        write_csv(rows, out_path)  # after every row: a partial run keeps its results
        gap = "—" if result.gap is None else f"{100 * result.gap:.1f}%"
        obj = "—" if result.objective is None else result.objective
        bound = "—" if result.lower_bound is None else result.lower_bound
        progress.console.print(
            f"{job.instance.set}/{job.instance.name} {job.method}: {result.status} "
            f"obj {obj} bound {bound} gap {gap} "
            f"{result.wall_time or 0:.1f} s",
            markup=False,
            highlight=False,
        )
        progress.advance(bar)

    with progress, bad_input_exits():
        run_jobs(todo, jobs, on_start=started, on_done=finished, scheduler=scheduler)
    if not rows:
        raise fail("nothing was run")
    write_csv(rows, out_path)
    for table in _tables(rows):
        out.print(table)
    out.print(f"{len(rows)} rows written to {out_path}", markup=False)
    raise typer.Exit(EXIT_OK)
