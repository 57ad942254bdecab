"""Input checks before solving (issue 15, item 4): ``validate`` runs the pre-checks and
names one root cause, exit 1; ``solve`` saves the same cause in the solution file; instances
that only look tight still pass; a crew without skills is a warning."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from random_instances import random_instance
from typer.testing import CliRunner

import gaugeopt
from gaugeopt.cli import app
from gaugeopt.construct import construct
from gaugeopt.diagnose.precheck import infeasibility_reasons, least_departure
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import parse_solution, read_instance, read_solution
from gaugeopt.model.solution import Solution

ROOT = Path(__file__).resolve().parents[2]
KHASAN = ROOT / "instances" / "examples" / "khasan-armoured.json"
#: Every instance file shipped (the best-known schedules beside them are solutions, not instances).
SHIPPED = sorted(
    p for p in (ROOT / "instances").rglob("*.json") if not p.name.endswith(".solution.json")
)


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def khasan(edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = read_instance(KHASAN).model_dump(mode="json")
    edit(data)
    return data


def heavy(d: dict[str, Any]) -> None:
    d["trains"][0]["carriages"][3]["mass_t"] = 500.0


def late(d: dict[str, Any]) -> None:
    d["trains"][0]["arrival"] = d["horizon"] + 10


def just_before_the_end(d: dict[str, Any]) -> None:
    d["trains"][0]["arrival"] = d["horizon"] - 60


def no_lifting(d: dict[str, Any]) -> None:
    for c in d["station"]["crews"]:
        c["skills"] = [s for s in c["skills"] if s != "lifting"]
    d["station"]["crews"].append({"id": "EMPTY", "skills": [], "shifts": [[0, 600]]})


def skill_less(d: dict[str, Any]) -> None:
    d["station"]["crews"].append({"id": "EMPTY", "skills": [], "shifts": [[0, 600]]})


#: Each infeasible case: the edit and the start of its one root cause.
CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "heavier-than-every-track": (heavy, "train K1: carriage K1-04 (500 t) is heavier than any"),
    "arrives-after-the-horizon": (late, "train K1 arrives at day 2 00:10, after the horizon"),
    "too-little-time-before-the-horizon": (
        just_before_the_end,
        "train K1 arrives at day 1 23:00 and needs at least",
    ),
    "no-crew-can-lift": (no_lifting, "no crew has skill 'lifting', needed by lift (train K1)"),
}


def write(tmp_path: Path, data: dict[str, Any], name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("case", list(CASES))
def test_validate_names_one_root_cause_and_exits_1(
    runner: CliRunner, tmp_path: Path, case: str
) -> None:
    edit, cause = CASES[case]
    path = write(tmp_path, khasan(edit))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    causes = [line for line in result.stdout.splitlines() if "root cause" in line]
    assert len(causes) == 1, result.stdout
    assert cause in causes[0]
    assert "no schedule can exist" in result.stdout.splitlines()[0]
    data = json.loads(runner.invoke(app, ["validate", str(path), "--json"]).stdout)
    assert data["valid"] is True and data["schedulable"] is False
    assert len(data["reasons"]) == 1 and data["reasons"][0].startswith(cause)


def test_the_lifting_crew_that_has_no_skills_is_named_in_the_cause() -> None:
    reasons = infeasibility_reasons(Instance.model_validate(khasan(no_lifting)))
    assert reasons == [
        "no crew has skill 'lifting', needed by lift (train K1) (crew EMPTY has no skills)"
    ]


def test_a_crew_without_skills_is_only_a_warning(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, khasan(skill_less))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "crew EMPTY has no skills: it can do no task" in result.stderr
    assert "root cause" not in result.stdout
    data = json.loads(runner.invoke(app, ["validate", str(path), "--json"]).stdout)
    assert data["schedulable"] is True and data["reasons"] == []
    assert data["warnings"] == ["crew EMPTY has no skills: it can do no task"]


def test_shift_shortfalls_of_one_skill_are_one_line() -> None:
    """Only the shortest operation a skill's shifts cannot fit is named (the rest follow)."""

    def short_shifts(d: dict[str, Any]) -> None:
        for c in d["station"]["crews"]:
            if "lifting" in c["skills"]:
                c["shifts"] = [[0, 5]]

    reasons = infeasibility_reasons(Instance.model_validate(khasan(short_shifts)))
    lifting = [r for r in reasons if "'lifting'" in r]
    assert len(lifting) == 1 and "for lift " in lifting[0], reasons


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT / "instances")))
def test_every_shipped_instance_still_validates(runner: CliRunner, path: Path) -> None:
    result = runner.invoke(app, ["validate", str(path), "-q"])
    assert result.exit_code == 0, result.stdout


def test_no_false_alarm_on_random_instances_that_have_a_schedule() -> None:
    """An instance the scheduler schedules is never reported infeasible, and no schedule
    departs a train before its least departure."""
    scheduled = 0
    for seed in range(150):
        inst = random_instance(seed)
        sol = construct(inst, time_limit=math.inf, seed=seed)
        if sol is None:
            continue
        scheduled += 1
        assert infeasibility_reasons(inst) == [], seed
        for plan in sol.trains:
            least = least_departure(inst, inst.train(plan.id))
            assert least is not None and least <= plan.departure, (seed, plan.id)
    assert scheduled >= 60


def test_solve_saves_the_root_cause_in_the_solution_file(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, khasan(late))
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["solve", str(path), "-t", "2", "-o", str(out), "-q"])
    assert result.exit_code == 1, result.output
    saved = json.loads(out.read_text())
    assert saved["status"] == "infeasible"
    assert saved["reasons"] == infeasibility_reasons(read_instance(path))
    assert len(saved["reasons"]) == 1
    checked = runner.invoke(app, ["check", str(path), str(out)])
    assert checked.exit_code == 0, checked.output


def test_reasons_round_trip_and_stay_out_of_schedules(tmp_path: Path) -> None:
    sol = Solution(instance="x", status="infeasible", reasons=["train K1 arrives too late"])
    path = tmp_path / "s.json"
    gaugeopt.write_solution(sol, path)
    assert read_solution(path) == sol
    assert "reasons" not in Solution(instance="x", status="unknown").model_dump(mode="json")
    with pytest.raises(gaugeopt.InputError):
        parse_solution({"instance": "x", "status": "infeasible", "reason": ["typo"]})
    result = gaugeopt.Result(read_instance(KHASAN), sol)
    assert result.reasons == ["train K1 arrives too late"]
