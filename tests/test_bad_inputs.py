"""The malformed-input corpus (tests/data/bad): every command exits 2 with one line.

Each file of the corpus breaks the valid instance ``tests/data/checker/instance.json`` in
one way (``make_corpus.py`` there regenerates it); ``expected.json`` holds a substring of
the one-line message each must produce, field path included. ``solve``, ``check`` and
``validate`` must all exit 2, print exactly that one line on stderr, never a traceback,
and ``solve`` must not write its output file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gaugeopt.cli import _register, app

DATA = Path(__file__).resolve().parent / "data"
BAD = DATA / "bad"
GOOD_INSTANCE = DATA / "checker" / "instance.json"
GOOD_SOLUTION = DATA / "checker" / "solution.json"
EXPECTED: dict[str, str] = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))
INSTANCES = sorted(k for k in EXPECTED if not k.startswith("sol_"))
SOLUTIONS = sorted(k for k in EXPECTED if k.startswith("sol_"))


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    _register()
    return CliRunner()


def assert_one_line(result, expected: str) -> None:
    """Exit 2, exactly one stderr line carrying ``expected``, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert expected in lines[0], lines[0]
    assert "Traceback" not in result.output


def test_corpus_is_large_and_complete() -> None:
    assert len(INSTANCES) >= 40
    assert len(SOLUTIONS) >= 5
    on_disk = {p.name for p in BAD.iterdir() if p.name not in ("expected.json", "make_corpus.py")}
    assert on_disk == set(EXPECTED)


def test_base_files_are_valid(runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", str(GOOD_INSTANCE), str(GOOD_SOLUTION)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", INSTANCES)
def test_validate_rejects(runner: CliRunner, name: str) -> None:
    result = runner.invoke(app, ["validate", str(BAD / name)])
    assert_one_line(result, EXPECTED[name])
    assert result.stdout == ""


@pytest.mark.parametrize("name", INSTANCES)
def test_solve_rejects_and_writes_nothing(runner: CliRunner, tmp_path: Path, name: str) -> None:
    target = tmp_path / "out.solution.json"
    result = runner.invoke(app, ["solve", str(BAD / name), "--out", str(target), "-t", "1"])
    assert_one_line(result, EXPECTED[name])
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind either


@pytest.mark.parametrize("name", INSTANCES)
def test_check_rejects_bad_instance(runner: CliRunner, name: str) -> None:
    result = runner.invoke(app, ["check", str(BAD / name), str(GOOD_SOLUTION)])
    assert_one_line(result, EXPECTED[name])


@pytest.mark.parametrize("name", SOLUTIONS)
def test_check_rejects_bad_solution(runner: CliRunner, name: str) -> None:
    result = runner.invoke(app, ["check", str(GOOD_INSTANCE), str(BAD / name)])
    assert_one_line(result, EXPECTED[name])
    assert str(BAD / name) in result.stderr  # the bad file is named


def test_missing_and_directory_inputs(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["solve", str(tmp_path / "nope.json"), "--out", "x.json"])
    assert_one_line(result, "nope.json: no such file")
    result = runner.invoke(app, ["check", str(GOOD_INSTANCE), str(tmp_path)])
    assert_one_line(result, "is a directory, not a file")


def _gaugeopt(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gaugeopt", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.mark.parametrize(
    "name", ["deeply_nested.json", "binary.json", "mass_nan.json", "horizon_10e30.json"]
)
def test_real_process_has_no_traceback(tmp_path: Path, name: str) -> None:
    """The installed entry point, in a real process: one line, exit 2, nothing written."""
    target = tmp_path / "sol.json"
    proc = _gaugeopt("solve", str(BAD / name), "--out", str(target), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and EXPECTED[name] in lines[0], proc.stderr
    assert not target.exists()
    proc = _gaugeopt("check", str(GOOD_INSTANCE), str(BAD / "sol_unknown_op.json"), cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
