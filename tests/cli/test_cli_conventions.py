"""Conventions every command follows: registration, help, version, verbosity, --json and
exit codes (0 done, 1 violations or proven infeasible, 2 bad input, 3 no schedule)."""

from __future__ import annotations

import importlib
import json
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import gaugeopt
import gaugeopt.cli
from gaugeopt.cli import COMMANDS, app, build_app
from gaugeopt.cli.common import exit_codes_help, mismatch
from gaugeopt.model.io import read_instance, read_solution
from gaugeopt.model.solution import Solution

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "checker"
INSTANCE, SOLUTION = DATA / "instance.json", DATA / "solution.json"
KHASAN = ROOT / "instances" / "examples" / "khasan-armoured.json"
NAMES = [name for name, *_ in COMMANDS]
CODES = {name: codes for name, _, codes in COMMANDS}


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def logger_level() -> Iterator[None]:
    """Restore the ``gaugeopt`` logger after a test changes its level."""
    log = logging.getLogger("gaugeopt")
    level = log.level
    yield
    log.setLevel(level)


def _commands(typer_app) -> list[str]:
    return [c.name for c in typer_app.registered_commands]


# --- registration ---------------------------------------------------------------------------


def test_commands_are_registered_from_one_explicit_list() -> None:
    assert _commands(app) == NAMES
    assert {"solve", "check", "validate", "report", "export", "generate", "bench"} <= set(NAMES)


def test_importing_a_command_module_changes_no_app() -> None:
    before = _commands(app)
    for name in ("check", "solve", "export", "report", "validate"):
        module = importlib.reload(importlib.import_module(f"gaugeopt.cli.{name}"))
        assert not hasattr(module, "app")
    assert _commands(app) == before
    assert _commands(build_app()) == before  # a new app has each command exactly once


# --- help and version -----------------------------------------------------------------------


def test_version(runner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"gaugeopt {gaugeopt.__version__}"


def test_version_in_a_real_process() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gaugeopt", "--version"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and proc.stdout.strip() == f"gaugeopt {gaugeopt.__version__}"


@pytest.mark.parametrize("command", [None, *NAMES])
def test_short_and_long_help_are_the_same(runner, command: str | None) -> None:
    args = [] if command is None else [command]
    short, long = runner.invoke(app, [*args, "-h"]), runner.invoke(app, [*args, "--help"])
    assert short.exit_code == long.exit_code == 0
    assert short.stdout == long.stdout and "Usage:" in long.stdout


@pytest.mark.parametrize("command", [None, *NAMES])
def test_help_shows_flags_without_a_value(runner, command: str | None) -> None:
    args = [] if command is None else [command]
    text = runner.invoke(app, [*args, "--help"], terminal_width=100).stdout
    assert "<bool>" not in text and "BOOLEAN" not in text
    assert "--help" in text and "-h" in text


@pytest.mark.parametrize("command", NAMES)
def test_every_command_documents_its_own_exit_codes_and_verbosity(runner, command: str) -> None:
    text = " ".join(runner.invoke(app, [command, "--help"], terminal_width=200).stdout.split())
    codes = CODES[command]
    if codes == (0,):  # schema: nothing can go wrong, no footer
        assert "Exit codes" not in text
    else:
        assert exit_codes_help(codes) in text
        assert text.count("Exit codes:") == 1
    for flag in ("--verbose", "-v", "--quiet", "-q"):  # as the README promises
        assert f" {flag} " in text


def test_the_exit_codes_each_command_lists_are_the_ones_it_gives() -> None:
    assert CODES["check"] == CODES["validate"] == (0, 1, 2)
    assert CODES["generate"] == CODES["bench"] == CODES["whatif"] == (0, 2)
    assert exit_codes_help((0, 2)) == "Exit codes: 0 done; 2 bad input."


@pytest.mark.parametrize("command", [None, *NAMES])
def test_help_has_one_style_without_typer_artefacts(runner, command: str | None) -> None:
    args = [] if command is None else [command]
    text = runner.invoke(app, [*args, "--help"], terminal_width=120).stdout
    for artefact in ("{", "}", "<str>", "<int", "<float", "<list", "<path>", "[x>=", "[x<="):
        assert artefact not in text, (command, artefact)


def test_usage_lines_name_arguments_as_the_readme_does(runner) -> None:
    def usage(*args: str) -> str:
        text = runner.invoke(app, [*args, "--help"], terminal_width=200).stdout
        return next(line.strip() for line in text.splitlines() if "Usage:" in line)

    assert usage("solve").endswith("solve [OPTIONS] INSTANCE")
    assert usage("check").endswith("check [OPTIONS] INSTANCE SOLUTION")
    assert usage("bench").endswith("bench [OPTIONS] PATH...")
    assert usage("generate").endswith("generate [OPTIONS] FAMILY")
    assert usage("schema").endswith("schema [OPTIONS]")


def test_options_show_one_word_with_their_range(runner) -> None:
    text = runner.invoke(app, ["solve", "--help"], terminal_width=200).stdout
    assert re.search(r"--time-limit\s+-t\s+X >= 0.1\s+Seconds", text), text
    assert re.search(r"--workers\s+-w\s+N >= 1\s", text)
    assert re.search(r"--out\s+-o\s+PATH\s", text)


def test_schema_takes_verbose_and_quiet(runner, logger_level) -> None:
    result = runner.invoke(app, ["schema", "-q"])
    assert result.exit_code == 0 and json.loads(result.stdout)["title"] == "Instance"
    assert runner.invoke(app, ["schema", "-v"]).exit_code == 0


def test_readme_documents_the_exit_codes() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Exit codes, the same for every command" in readme
    for row in ("| 0 | done", "| 1 | violations found", "| 2 | bad input", "| 3 | no schedule"):
        assert row in readme


# --- verbosity ------------------------------------------------------------------------------


def test_verbose_and_quiet_set_the_logger_level(runner, logger_level) -> None:
    log = logging.getLogger("gaugeopt")
    assert runner.invoke(app, ["validate", str(INSTANCE), "--verbose"]).exit_code == 0
    assert log.level == logging.DEBUG
    assert runner.invoke(app, ["validate", str(INSTANCE), "-q"]).exit_code == 0
    assert log.level == logging.ERROR


def test_verbose_log_lines_go_to_stderr(runner, logger_level, monkeypatch) -> None:
    import gaugeopt.cli.validate as validate

    def summary_with_a_log_line(inst):
        logging.getLogger("gaugeopt.test").debug("summing up %s", inst.name)
        return real(inst)

    real = validate.summary
    monkeypatch.setattr(validate, "summary", summary_with_a_log_line)
    result = runner.invoke(app, ["validate", str(INSTANCE), "-v"])
    assert result.exit_code == 0
    assert "DEBUG gaugeopt.test: summing up checker-rich" in result.stderr
    assert "summing up" not in result.stdout


def test_verbose_and_quiet_together_is_bad_input(runner, logger_level) -> None:
    result = runner.invoke(app, ["validate", str(INSTANCE), "-v", "-q"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --verbose and --quiet: choose one"


# --- --json ---------------------------------------------------------------------------------


def test_validate_json(runner) -> None:
    result = runner.invoke(app, ["validate", str(INSTANCE), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    inst = read_instance(INSTANCE)
    assert data["instance"] == inst.name and data["valid"] is True
    assert data["trains"] == len(inst.trains) and data["horizon"] == inst.horizon
    assert data["start"] == "day 1 00:00"


def test_check_json_valid_and_with_violations(runner, tmp_path) -> None:
    result = runner.invoke(app, ["check", str(INSTANCE), str(SOLUTION), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) | {"solution": ""} == {
        "instance": "checker-rich",
        "solution": "",
        "status": "feasible",
        "valid": True,
        "count": 0,
        "violations": [],
    }
    sol = json.loads(SOLUTION.read_text())
    sol["objective"] += 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(sol))
    result = runner.invoke(app, ["check", str(INSTANCE), str(bad), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["valid"] is False and data["count"] == len(data["violations"]) >= 1
    assert {"rule", "message", "train", "task", "resource"} == set(data["violations"][0])


def test_bad_input_with_json_prints_the_error_as_json(runner, tmp_path) -> None:
    missing = tmp_path / "nope.json"
    for args in (
        ["validate", str(missing)],
        ["check", str(missing), str(SOLUTION)],
        ["solve", str(missing), "-o", str(tmp_path / "sol.json")],
    ):
        result = runner.invoke(app, [*args, "--json"])
        assert result.exit_code == 2
        (line,) = result.stderr.strip().splitlines()
        assert json.loads(result.stdout) == {
            "valid": False,
            "file": str(missing),
            "error": line.removeprefix("error: "),
        }
    bad = ROOT / "tests" / "data" / "bad" / "duplicate_key.json"
    data = json.loads(runner.invoke(app, ["validate", str(bad), "--json"]).stdout)
    assert data["valid"] is False and 'duplicate key "horizon"' in data["error"]


# --- the wrong instance ---------------------------------------------------------------------


def test_check_against_the_wrong_instance_is_one_line(runner) -> None:
    result = runner.invoke(app, ["check", str(KHASAN), str(SOLUTION)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"error: {SOLUTION}: the solution is for instance 'checker-rich', not "
        "'khasan-armoured': 4 of its 4 trains are not in the instance"
    ]


def test_a_renamed_instance_is_checked_with_the_name_first(runner, tmp_path) -> None:
    data = json.loads(INSTANCE.read_text())
    data["name"] = "checker-rich-copy"
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(data))
    result = runner.invoke(app, ["check", str(path), str(SOLUTION)])
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("[instance] ") and lines[-1] == "1 violation"


def test_mismatch_by_carriages_and_by_name_of_an_empty_solution() -> None:
    inst, sol = read_instance(INSTANCE), read_solution(SOLUTION)
    assert mismatch(inst, sol) is None
    tasks = [
        t.model_copy(update={"carriage": f"X{t.carriage}"}) if t.carriage else t for t in sol.tasks
    ]
    foreign = sol.model_copy(update={"tasks": tasks})
    n = len({t.carriage for t in tasks if t.carriage is not None})
    assert mismatch(inst, foreign) == (
        f"the solution does not fit instance 'checker-rich': "
        f"{n} of its {n} carriages are not in the instance"
    )
    empty = Solution(instance="other", status="infeasible")
    assert mismatch(inst, empty) == ("the solution is for instance 'other', not 'checker-rich'")


# --- exit codes of report -------------------------------------------------------------------


@pytest.mark.parametrize(("status", "code"), [("infeasible", 1), ("unknown", 3)])
def test_report_of_a_solution_without_schedule(runner, tmp_path, status, code) -> None:
    sol = tmp_path / "sol.json"
    sol.write_text(json.dumps({"instance": "checker-rich", "status": status}))
    out = tmp_path / "r.png"
    result = runner.invoke(app, ["report", str(INSTANCE), str(sol), "--out", str(out)])
    assert result.exit_code == code
    assert result.stderr.strip() == f"error: nothing to draw: status {status}"
    assert not out.exists()


@pytest.mark.parametrize("suffix", [".svg", ".pdf"])
def test_report_writes_svg_and_pdf(runner, tmp_path, suffix: str) -> None:
    out = tmp_path / f"r{suffix}"
    result = runner.invoke(app, ["report", str(INSTANCE), str(SOLUTION), "--out", str(out)])
    assert result.exit_code == 0, result.output
    head = out.read_bytes()[:200]
    assert (b"<svg" in head or b"<?xml" in head) if suffix == ".svg" else head.startswith(b"%PDF")


def test_report_rejects_other_suffixes_before_reading(runner, tmp_path) -> None:
    result = runner.invoke(
        app, ["report", str(tmp_path / "missing.json"), str(SOLUTION), "-o", "r.jpg"]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: --out: must end in .png, .svg, .pdf or .html, got 'r.jpg'"
    )


# --- no "None" where a value is missing -----------------------------------------------------


def test_validate_prints_no_none_and_clock_times(runner, tmp_path) -> None:
    data = json.loads(INSTANCE.read_text())
    data["epoch"] = "2025-09-02T06:00:00+08:00"
    data["station"]["bogie_stock"] = []
    path = tmp_path / "dated.json"
    path.write_text(json.dumps(data))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    assert "None" not in result.stdout
    assert "bogie stock  none" in result.stdout
    horizon = data["horizon"]
    assert f"valid (horizon {horizon} min)" in result.stdout
    assert "time         2025-09-02 06:00" in result.stdout and "+08:00" in result.stdout


# --- pointers and output paths --------------------------------------------------------------


def test_help_and_docstrings_point_into_the_repository(runner) -> None:
    """DESIGN.md and domain.md are not in the repository: help texts and docstrings point
    to docs/ (docs/model.md, docs/file-formats.md, docs/replanning.md, docs/sources.md)."""
    for name in [None, *NAMES]:
        text = runner.invoke(app, [] if name is None else [name, "--help"]).stdout
        assert "DESIGN" not in text and "domain.md" not in text, name
    sources = [*(ROOT / "gaugeopt").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]
    pointing = [p for p in sources if re.search(r"DESIGN\b|domain\.md", p.read_text())]
    assert pointing == []
    for doc in ("model.md", "file-formats.md", "replanning.md", "sources.md"):
        assert (ROOT / "docs" / doc).exists()


def test_solve_writes_beside_the_instance_by_default(runner, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    instance = folder / "day.json"
    instance.write_text(INSTANCE.read_text())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(app, ["solve", str(instance), "-t", "1", "-w", "1", "-q"])
    assert result.exit_code == 0, result.output
    assert (folder / "day.solution.json").exists() and list(elsewhere.iterdir()) == []
    assert f"solution written to {folder / 'day.solution.json'}" in result.stdout
    text = runner.invoke(app, ["solve", "--help"], terminal_width=200).stdout
    assert "default: <instance>.solution.json beside the instance" in re.sub(r"[│\s]+", " ", text)


def test_report_creates_missing_folders_and_names_them(runner, tmp_path) -> None:
    target = tmp_path / "new" / "dir" / "r.html"
    result = runner.invoke(app, ["report", str(INSTANCE), str(SOLUTION), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert target.exists()
    assert f"created folder {tmp_path / 'new'}" in result.stdout
    again = runner.invoke(app, ["report", str(INSTANCE), str(SOLUTION), "--out", str(target)])
    assert again.exit_code == 0 and "created folder" not in again.stdout


@pytest.mark.parametrize(
    "args",
    [["solve"], ["solve", str(INSTANCE), "-t", "abc"], ["solve", str(INSTANCE), "--colour"]],
)
def test_a_bad_option_is_one_line_and_exit_2(runner, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and line.endswith("(gaugeopt solve --help lists the options)")
    assert result.stdout == ""
