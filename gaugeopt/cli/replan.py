"""``gaugeopt replan INSTANCE PREVIOUS --now T``: a new plan that keeps the work already done.

What a dispatcher reads first: each train's new departure against the old one, each crew's
tasks lost and gained, and how much changed against the previous plan repaired (the least a
replan could change). ``--json`` prints the same as one object.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import typer
from rich.table import Table

from gaugeopt.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_NO_SCHEDULE,
    EXIT_OK,
    MISSING,
    bad_input_exits,
    fail,
    load,
    mismatch,
    out,
    print_json,
    quiet_option,
    set_verbosity,
    verbose_option,
)
from gaugeopt.clock import Clock, duration
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import read_instance, read_solution, write_solution

if TYPE_CHECKING:
    from gaugeopt.replan.run import ReplanResult

#: Largest --dwell-weight or --change-weight: the objective (weight x minutes x trains, plus
#: weight x changes) then stays far inside CP-SAT's 64-bit integers on any instance that
#: passes the input limits.
MAX_WEIGHT = 1_000_000


def frame_table(title: str, frame: pd.DataFrame) -> Table:
    """A rich table of a small DataFrame (missing values as ``—``)."""
    table = Table(title=title, title_justify="left")
    for col in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[col])
        table.add_column(str(col), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*(MISSING if pd.isna(v) else str(v) for v in row))
    return table


def parse_now(inst: Instance, text: str) -> int:
    """``--now`` in minutes from t = 0 (:meth:`gaugeopt.clock.Clock.parse`); exit 2 in one
    line when it is unreadable or past the horizon."""
    clock = Clock.of(inst)
    try:
        now = clock.parse(text)
    except ValueError as exc:
        raise fail(f"--now: {exc}") from None
    if now > inst.horizon:
        raise fail(
            f"--now: {clock.at(now)} lies past the horizon of {inst.name} "
            f"({clock.at(inst.horizon)})"
        )
    return now


def _signed(minutes: object) -> str:
    if not isinstance(minutes, int) or pd.isna(minutes):
        return MISSING
    return "0" if minutes == 0 else ("+" if minutes > 0 else "") + duration(minutes)


def departures_table(result: ReplanResult) -> Table:
    """Per train: old and new departure as clock times, and the difference."""
    clock = Clock.of(result.instance)
    table = Table(title="departures", title_justify="left")
    for col, just in (("train", "left"), ("old", "right"), ("new", "right"), ("change", "right")):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for row in result.departures.itertuples(index=False):
        old, new = row.old_departure, row.new_departure
        table.add_row(
            str(row.train),
            MISSING if pd.isna(old) else clock.at(int(old), offset=False),
            "cancelled" if pd.isna(new) else clock.at(int(new), offset=False),
            "new train" if pd.isna(old) else _signed(None if pd.isna(new) else int(row.difference)),
        )
    return table


def crews_table(result: ReplanResult) -> Table:
    """Per crew whose work changed: tasks lost, gained, and kept but moved."""
    frame = result.changes_by_crew.rename(
        columns={"moved": "tasks moved", "lost": "tasks lost", "gained": "tasks gained"}
    )
    return frame_table("crews", frame[["crew", "tasks lost", "tasks gained", "tasks moved"]])


def _counts(changes: pd.DataFrame, dwell: int | None) -> dict[str, Any]:
    from gaugeopt.replan import diff  # the replanning code loads only when it runs

    return {
        "weighted_dwell": dwell,
        "changed": diff.changed_count(changes),
        "reassigned": diff.reassigned_count(changes),
        "moved": diff.moved_count(changes),
    }


def json_summary(result: ReplanResult, target: Path) -> dict[str, Any]:
    """What ``replan --json`` prints."""
    from gaugeopt.replan import diff  # the replanning code loads only when it runs

    prev = result.previous
    assert prev is not None  # a replan always has its previous plan
    clock = Clock.of(result.instance)
    planned = result.status in ("optimal", "feasible")
    repaired = result.repaired
    deps = result.departures if planned else pd.DataFrame(columns=diff.DEPARTURE_COLUMNS)
    crews = result.changes_by_crew if planned else pd.DataFrame()

    def num(v: object) -> int | None:
        return None if pd.isna(v) else int(v)  # type: ignore[call-overload]

    return {
        "status": result.status,
        "now": result.now,
        "now_clock": clock.at(result.now),
        "frozen": result.frozen,
        "not_started": len(prev.tasks) - result.frozen,
        "replan": _counts(result.changes, result.objective) if planned else None,
        "repaired": (
            _counts(result.repair_changes, repaired.objective) if repaired is not None else None
        ),
        "previous_weighted_dwell": prev.objective,
        "weights": vars(result.weights) if result.weights is not None else None,
        "trains": [
            {
                "id": r.train,
                "old_departure": num(r.old_departure),
                "new_departure": num(r.new_departure),
                "difference": num(r.difference),
            }
            for r in deps.itertuples(index=False)
        ],
        "crews": [
            {"id": r.crew, "lost": int(r.lost), "gained": int(r.gained), "moved": int(r.moved)}
            for r in crews.itertuples(index=False)
        ],
        "reasons": result.reasons,
        "runtime_s": round(result.runtime, 3),
        "solution": str(target),
    }


def _summary(result: ReplanResult) -> str:
    """One line: the replan against the repaired previous plan."""
    from gaugeopt.replan import diff  # the replanning code loads only when it runs

    prev = result.previous
    assert prev is not None
    rep = result.repaired
    todo = len(prev.tasks) - result.frozen
    line = f"{result.status}: weighted dwell {result.objective if result.objective is not None else MISSING}"
    if rep is not None:
        rc = result.repair_changes
        line += (
            f" (repaired previous plan {rep.objective}, previous plan {prev.objective}); "
            f"{result.changed} of {todo} tasks not started changed (repair {diff.changed_count(rc)}), "
            f"{result.reassigned} to another crew, track or shunter (repair "
            f"{diff.reassigned_count(rc)})"
        )
    else:
        line += f" (previous plan {prev.objective}); {result.changed} of {todo} tasks changed"
    return line + f"; {result.frozen} frozen; {result.runtime:.1f} s"


def replan(
    instance: str = typer.Argument(..., metavar="INSTANCE", help="The edited instance (JSON)."),
    previous: str = typer.Argument(
        ..., metavar="PREVIOUS", help="The solution being carried out (JSON)."
    ),
    now: str = typer.Option(
        ...,
        "--now",
        help="Tasks that started before are frozen: minutes from t = 0 (360), a time of day 1 "
        "(06:00), a day and time (day 2 06:00) or, with the instance's epoch, an ISO date "
        "and time (2025-09-02T06:00).",
    ),
    out_path: Path | None = typer.Option(
        None, "--out", "-o", help="New solution file (default: <instance>.replan.json)."
    ),
    time_limit: float = typer.Option(10.0, "--time-limit", "-t", min=0.1, help="Seconds."),
    workers: int = typer.Option(2, "--workers", "-w", min=1, help="CP-SAT search workers."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    dwell_weight: int | None = typer.Option(
        None,
        "--dwell-weight",
        min=0,
        max=MAX_WEIGHT,
        help="Weight of a minute of weighted dwell (default 1).",
    ),
    change_weight: int | None = typer.Option(
        None,
        "--change-weight",
        min=0,
        max=MAX_WEIGHT,
        help="Weight of a task given another crew, track or shunter (default 10).",
    ),
    move_weight: int | None = typer.Option(
        None,
        "--move-weight",
        min=0,
        max=MAX_WEIGHT,
        help="Weight of a task that starts at another time (default 1).",
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print one JSON object (departures, crews, counts) instead."
    ),
    verbose: bool = verbose_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Replan after a disruption: keep every task that started before --now, change as little of the rest as pays.

    Exit 0 with a plan, 1 when no plan keeps the work already done, 2 on bad input or when the edited instance contradicts frozen work (one line names the task and the rule; nothing is written), 3 when no plan was found within the time limit.
    """
    from gaugeopt.replan.run import replan as run_replan

    set_verbosity(verbose, quiet)
    inst = load(read_instance, instance)
    prev = load(read_solution, previous)
    wrong = mismatch(inst, prev)
    if wrong is not None:
        raise fail(f"{previous}: {wrong}")
    minute = parse_now(inst, now)
    target = out_path or Path(f"{Path(instance).stem}.replan.json")
    with bad_input_exits():
        result = run_replan(
            inst,
            prev,
            minute,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            dwell_weight=dwell_weight,
            change_weight=change_weight,
            move_weight=move_weight,
        )
    try:  # atomic: an existing file is replaced whole or left as it was
        write_solution(result.solution, target)
    except OSError as exc:
        raise fail(f"{target}: cannot write ({exc.strerror or exc})") from None
    if as_json:
        print_json(json_summary(result, target))
    else:
        _print(result, target)
    if result.status == "unknown":
        raise typer.Exit(EXIT_NO_SCHEDULE)
    raise typer.Exit(EXIT_INFEASIBLE if result.status == "infeasible" else EXIT_OK)


def _print(result: ReplanResult, target: Path) -> None:
    clock = Clock.of(result.instance)
    out.print(f"replan at {clock.at(result.now)}", markup=False)
    if result.status in ("optimal", "feasible"):
        out.print(departures_table(result))
        out.print(crews_table(result))
    for reason in result.reasons:
        out.print(f"  reason: {reason}", markup=False)
    out.print(_summary(result), markup=False)
    out.print(f"solution written to {target}", markup=False)
