"""``gaugeopt simulate INSTANCE SOLUTION``: how a plan fares under random delays (docs/simulation.md)."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from gaugeopt.cli.common import (
    EXIT_OK,
    EXIT_VIOLATIONS,
    bad_input_exits,
    fail,
    load,
    out,
    print_json,
    quiet_option,
    set_verbosity,
    verbose_option,
)
from gaugeopt.cli.plan_input import read_plan
from gaugeopt.cli.report import empty_exit
from gaugeopt.clock import Clock, duration

#: Rows of each "passes delay on" table.
SHOWN = 5


def _m(x: float) -> str:
    return f"{x:,.0f}"


def train_table(sim: dict[str, Any], clock: Clock) -> Table:
    """Per train: planned and simulated departure (clock times) and dwell (minutes)."""
    table = Table(title="trains (departure as clock time; dwell in minutes)", title_justify="left")
    for col in ("train", "arrives", "planned dep.", "mean", "P50", "P90", "late runs",
                "plan dwell", "mean", "P50", "P90"):  # fmt: skip
        table.add_column(col, justify="left" if col == "train" else "right")
    for t in sim["trains"]:
        table.add_row(
            t["id"],
            clock.at(t["arrival"], offset=False),
            clock.short(t["planned_departure"], t["arrival"]),
            clock.short(t["departure_mean"], t["arrival"]),
            clock.short(t["departure_p50"], t["arrival"]),
            clock.short(t["departure_p90"], t["arrival"]),
            f"{100 * t['late_share']:.0f}%",
            _m(t["planned_dwell"]),
            _m(t["dwell_mean"]),
            _m(t["dwell_p50"]),
            _m(t["dwell_p90"]),
        )
    return table


def crew_table(sim: dict[str, Any]) -> Table:
    """Crews with overtime, the most first."""
    table = Table(title="overtime per crew (minutes per run)", title_justify="left")
    for col in ("crew", "mean", "P90", "max", "runs with overtime"):
        table.add_column(col, justify="left" if col == "crew" else "right")
    rows = sorted(sim["crews"], key=lambda c: -c["overtime_mean"])
    for c in rows:
        if c["overtime_max"] > 0:
            table.add_row(
                c["id"],
                f"{c['overtime_mean']:.1f}",
                _m(c["overtime_p90"]),
                _m(c["overtime_max"]),
                f"{100 * c['runs_with_overtime']:.0f}%",
            )
    return table


def passes_table(sim: dict[str, Any]) -> Table:
    """The resources and the tasks whose delays held up most later starts."""
    on = sim["passes_delay_on"]
    table = Table(
        title="passes delay on most (minutes of later starts it held up, per run)",
        title_justify="left",
    )
    table.add_column("resource", justify="left")
    table.add_column("min/run", justify="right")
    table.add_column("task (its crew)", justify="left")
    table.add_column("min/run", justify="right")
    table.add_column("own overrun", justify="right")
    res, tasks = on["resources"][:SHOWN], on["tasks"][:SHOWN]
    for k in range(max(len(res), len(tasks))):
        r = res[k] if k < len(res) else None
        t = tasks[k] if k < len(tasks) else None
        table.add_row(
            r["resource"] if r else "",
            f"{r['minutes_per_run']:.1f}" if r else "",
            f"{t['task']} ({t['crew']})" if t else "",
            f"{t['minutes_per_run']:.1f}" if t else "",
            f"{t['overrun_per_run']:.1f}" if t else "",
        )
    return table


def summary_lines(sim: dict[str, Any], runtime: float) -> list[str]:
    plan, exp = sim["plan_weighted_dwell"], sim["expected_weighted_dwell"]
    change = f" ({100 * (exp - plan) / plan:+.1f} %)" if plan else ""
    on = sim["passes_delay_on"]
    return [
        f"{sim['instance']}: {sim['runs']} runs, seed {sim['seed']}, delay scale "
        f"{sim['delay_scale']:g}, {runtime:.2f} s",
        f"weighted dwell: plan {plan:,}, expected {exp:,.0f}{change}, P50 "
        f"{sim['weighted_dwell_p50']:,.0f}, P90 {sim['weighted_dwell_p90']:,.0f}",
        f"overtime: {duration(sim['overtime_mean'])} per run over all crews",
        f"delay held up by the trains' own work order {_m(on['work_order_minutes_per_run'])} "
        f"min/run, by late arrivals {_m(on['arrival_minutes_per_run'])} min/run",
    ]


def simulate(
    instance: str = typer.Argument(..., metavar="INSTANCE", help="Instance file (JSON)."),
    solution: str = typer.Argument(..., metavar="SOLUTION", help="Solution file (JSON)."),
    runs: int = typer.Option(1000, "--runs", "-n", min=1, help="Simulated days."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed = same result)."),
    delays: str | None = typer.Option(
        None, "--delays", help="Delay model (TOML or JSON; see docs/simulation.md)."
    ),
    delay_scale: float = typer.Option(
        1.0, "--delay-scale", min=0.0, help="Multiply every drawn delay (0: the plan itself)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Processes (local Dask workers)."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler to run on, e.g. tcp://host:8786."
    ),
    verbose: bool = verbose_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Carry the plan out many times under random delays: departures, dwell, overtime.

    Every task keeps its crew, track, shunter and locomotive, and every resource its order. Exit 0 done, 1 when the plan breaks a rule (the first violations are named), 2 on bad input, 3 when the solution holds no schedule.
    """
    set_verbosity(verbose, quiet)
    from gaugeopt.simulate.delays import read_delays
    from gaugeopt.simulate.run import NoPlan, PlanRefused
    from gaugeopt.simulate.run import simulate as run_simulate

    plan = read_plan(instance, solution)  # a solution, or solve's overrun file
    inst, sol = plan.instance, plan.solution
    model = None if delays is None else load(read_delays, delays)
    with bad_input_exits():
        if model is not None and delays is not None:
            model.check_names(inst, source=delays)
        try:
            sim = run_simulate(
                inst,
                sol,
                runs=runs,
                seed=seed,
                delays=model,
                delay_scale=delay_scale,
                jobs=jobs,
                scheduler=scheduler,
            )
        except NoPlan as exc:
            raise fail(f"{solution}: {exc}", empty_exit(sol)) from None
        except PlanRefused as exc:
            raise fail(f"{solution}: refused, {exc}", EXIT_VIOLATIONS) from None
    data = sim.to_json()
    if as_json:
        print_json(data)
        raise typer.Exit(EXIT_OK)
    for line in summary_lines(data, sim.runtime):
        out.print(line, markup=False)
    out.print(train_table(data, Clock.of(inst)))
    out.print(crew_table(data))
    out.print(passes_table(data))
    raise typer.Exit(EXIT_OK)
