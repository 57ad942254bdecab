"""Loading the benchmark-only baselines from benchmarks/baselines, and bench's clear refusals."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gaugeopt.bench.baselines import (
    DEFAULT_DIR,
    BaselineUnavailable,
    find_dir,
    import_from,
    load_pyjobshop,
)
from gaugeopt.bench.methods import run_method
from gaugeopt.cli import app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def j301(bench_data: Path) -> Path:
    return bench_data / "psplib" / "j30" / "j301_1.sm"


def test_the_baselines_are_not_in_the_installed_package() -> None:
    import gaugeopt.bench

    package = Path(gaugeopt.bench.__file__).parent
    assert not list(package.glob("pyjobshop*.py"))
    assert (ROOT / DEFAULT_DIR / "pyjobshop_baseline.py").is_file()


def test_default_folder_is_found_from_the_current_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    assert find_dir() == ROOT / DEFAULT_DIR
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "pyjobshop_baseline.py").write_text("")
    assert find_dir(mine) == mine.resolve()
    with pytest.raises(BaselineUnavailable, match=r"no pyjobshop_baseline\.py in"):
        find_dir(tmp_path)


def test_modules_of_the_folder_import_each_other_by_name(tmp_path: Path) -> None:
    (tmp_path / "probe_helper_b12.py").write_text("VALUE = 7\n")
    (tmp_path / "probe_entry_b12.py").write_text("from probe_helper_b12 import VALUE\n")
    try:
        assert import_from(tmp_path, "probe_entry_b12").VALUE == 7
    finally:
        sys.path.remove(str(tmp_path.resolve()))
        for name in ("probe_entry_b12", "probe_helper_b12"):
            sys.modules.pop(name, None)


def test_missing_pyjobshop_names_the_extra(monkeypatch: pytest.MonkeyPatch, j301: Path) -> None:
    monkeypatch.setitem(sys.modules, "pyjobshop", None)  # makes `import pyjobshop` fail
    with pytest.raises(BaselineUnavailable, match=r"pip install '\.\[bench\]'"):
        load_pyjobshop(ROOT / DEFAULT_DIR)
    row = run_method("pyjobshop", "psplib", j301, 1, 1, 0, ROOT / DEFAULT_DIR)
    assert row.status == "error" and "pip install '.[bench]'" in row.notes


def test_bench_without_pyjobshop_exits_2_with_one_line(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, j301: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyjobshop", None)
    out = tmp_path / "r.csv"
    res = runner.invoke(app, ["bench", str(j301), "-m", "gaugeopt,pyjobshop", "-o", str(out)])
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and "pyjobshop" in lines[0] and "pip install '.[bench]'" in lines[0]
    assert not out.exists()


def test_bench_without_the_baselines_folder_exits_2(
    runner: CliRunner, tmp_path: Path, j301: Path
) -> None:
    out = tmp_path / "r.csv"
    args = ["bench", str(j301), "-m", "pyjobshop", "-o", str(out), "--baselines", str(tmp_path)]
    res = runner.invoke(app, args)
    assert res.exit_code == 2
    assert "no pyjobshop_baseline.py in" in res.output and "--baselines DIR" in res.output
    assert not out.exists()
