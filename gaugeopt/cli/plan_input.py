"""The plan that ``report``, ``export`` and ``check`` are given: read, matched, checked.

The SOLUTION argument is a solution file, or the overrun file (``*.overrun.json``) that
``solve`` writes beside a day that does not fit its horizon: its schedule is then read
against the lifted instance it records, and every output says so in one sentence.
``report`` and ``export`` run the checker first and refuse a plan that breaks a rule
(exit 1, its first violations on stderr), unless ``--unchecked`` is given: then every
page, sheet and file they write says that the plan was not checked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer

from gaugeopt.cli.common import EXIT_VIOLATIONS, err, fail, load, mismatch, print_json
from gaugeopt.errors import InputError
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import read_instance, read_solution
from gaugeopt.model.solution import Solution
from gaugeopt.overrun import OverrunFile, is_overrun_data, parse_overrun

#: Violations listed when a plan is refused.
FIRST_VIOLATIONS = 5
#: What every output of a plan exported or drawn with ``--unchecked`` says.
UNCHECKED_NOTE = (
    "UNCHECKED: this plan was not checked against the station's rules (--unchecked); "
    "it may break them."
)


@dataclass
class Plan:
    """A solution and the instance it is a schedule of (the lifted one for an overrun
    file), with the notes every output of it carries."""

    instance: Instance
    solution: Solution
    overrun: OverrunFile | None = None
    notes: list[str] = field(default_factory=list)


def unchecked_option() -> Any:
    return typer.Option(
        False,
        "--unchecked",
        help="Write it even if the plan breaks a rule (every page then says it is unchecked).",
    )


def _overrun_or_none(path: str) -> OverrunFile | None:
    """The overrun file at ``path``, or None when it is not one."""
    try:
        data = json.loads(Path(path).read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not is_overrun_data(data):
        return None
    return parse_overrun(data, source=path)


def _same_day(day: Instance, lifted: Instance) -> str | None:
    """Why ``lifted`` is not ``day`` with its horizon lifted, or None."""
    if lifted.name != day.name:
        return f"it is an overrun schedule of instance {lifted.name!r}, not {day.name!r}"
    if [t.id for t in lifted.trains] != [t.id for t in day.trains]:
        return f"its lifted instance has other trains than {day.name!r}"
    return None


def read_plan(instance_path: str, solution_path: str, *, as_json: bool = False) -> Plan:
    """Read INSTANCE and SOLUTION (a solution or an overrun file); exit 2 with one line
    when either is unreadable or they plainly do not belong together (with ``as_json``,
    ``--json``: also as one JSON object on stdout, as :func:`load` does)."""
    inst = load(read_instance, instance_path, as_json=as_json)

    def refuse(line: str) -> typer.Exit:
        if as_json:
            print_json({"valid": False, "file": solution_path, "error": line})
        return fail(line)

    try:
        sol = read_solution(solution_path)
    except InputError as exc:
        try:
            overrun = _overrun_or_none(solution_path)
        except InputError as bad:
            raise refuse(str(bad)) from None
        if overrun is None:
            text = str(exc)
            line = text if text.startswith(solution_path) else f"{solution_path}: {text}"
            raise refuse(line) from None
        wrong = _same_day(inst, overrun.instance)
        if wrong is not None:
            raise refuse(f"{solution_path}: {wrong}") from None
        if overrun.horizon != inst.horizon:
            raise refuse(
                f"{solution_path}: it lifts a horizon of {overrun.horizon} min, the "
                f"instance's is {inst.horizon}"
            ) from None
        return Plan(overrun.instance, overrun.solution, overrun, [overrun.note()])
    wrong = mismatch(inst, sol)
    if wrong is not None:
        raise refuse(f"{solution_path}: {wrong}")
    return Plan(inst, sol)


def refuse_broken(plan: Plan, solution_path: str, *, unchecked: bool, doing: str) -> None:
    """Run the checker; a plan that breaks a rule exits 1 with its first violations. With
    ``unchecked`` nothing is checked and the plan's notes say so."""
    if unchecked:
        plan.notes.insert(0, UNCHECKED_NOTE)
        return
    if plan.solution.status not in ("optimal", "feasible"):
        return  # nothing to check: the caller says there is no schedule
    from gaugeopt.checker import check

    violations = sorted(check(plan.instance, plan.solution), key=lambda v: v.rule != "instance")
    if not violations:
        return
    n = len(violations)
    err.print(
        f"error: {solution_path}: the plan breaks {n} rule{'s' if n != 1 else ''}; not "
        f"{doing} it (--unchecked overrides):",
        markup=False,
    )
    for v in violations[:FIRST_VIOLATIONS]:
        err.print(f"  {v}", markup=False)
    if n > FIRST_VIOLATIONS:
        err.print(f"  … and {n - FIRST_VIOLATIONS} more (gaugeopt check lists them)", markup=False)
    raise typer.Exit(EXIT_VIOLATIONS)
