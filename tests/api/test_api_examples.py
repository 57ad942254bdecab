"""The Python API of issue 15, item 7: resources, nullable integers, plot_gantt(ax=...),
a summary without "None", and the examples script, which runs here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from budget import DETERMINISTIC

import gaugeopt
from gaugeopt.model.io import read_instance
from gaugeopt.model.solution import Solution
from gaugeopt.report import plot_result
from gaugeopt.result import Result

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # after the backend is chosen

ROOT = Path(__file__).resolve().parents[2]
KHASAN = ROOT / "instances" / "examples" / "khasan-armoured.json"
SCRIPT = ROOT / "docs" / "examples" / "api_tour.py"


@pytest.fixture(scope="module")
def result() -> Result:
    return gaugeopt.solve(KHASAN, time_limit=3, workers=1, seed=0, params=DETERMINISTIC)


def test_resources_list_every_resource_with_its_utilisation(result: Result) -> None:
    df = result.resources
    assert list(df.columns) == ["kind", "resource", "busy", "available", "utilisation", "uses"]
    st = result.instance.station
    kinds = df.groupby("kind")["resource"].apply(list).to_dict()
    assert kinds["crew"] == [c.id for c in st.crews]
    assert kinds["shunter"] == [s.id for s in st.shunters]
    assert kinds["track"] == [t.id for t in st.tracks]
    assert kinds["jack sets"] == [t.id for t in st.tracks if t.method == "individual"]
    assert set(kinds["locomotive"]) >= {lo.id for lo in st.locomotives}
    assert (df["busy"] <= df["available"]).all() and (df["utilisation"] <= 1).all()
    assert df["busy"].dtype == "int64" and df["available"].dtype == "int64"
    # Each crew's busy minutes are the minutes of its tasks in the solution.
    tasks = result.tasks
    minutes = (tasks["end"] - tasks["start"]).groupby(tasks["crew"]).sum()
    crews = df[df["kind"] == "crew"].set_index("resource")["busy"]
    for crew, busy in crews.items():
        assert busy == minutes.get(crew, 0)
    # The one locomotive that hauls the train out is busy from attach to departure.
    plan = result.solution.trains[0]
    attach = next(t for t in result.solution.tasks if t.op == "attach")
    row = df[(df["kind"] == "locomotive") & (df["resource"] == plan.locomotive)].iloc[0]
    assert row["busy"] == plan.departure - attach.start and row["uses"] == 1


def test_resources_of_no_schedule_is_an_empty_table() -> None:
    inst = read_instance(KHASAN)
    empty = Result(inst, Solution(instance=inst.name, status="unknown"))
    assert empty.resources.empty
    assert list(empty.resources.columns)[:3] == ["kind", "resource", "busy"]


def test_task_block_is_a_nullable_integer(result: Result) -> None:
    tasks = result.tasks
    assert tasks["block"].dtype == pd.Int64Dtype()
    assert tasks.loc[tasks["op"] == "detach", "block"].isna().all()
    assert tasks.loc[tasks["op"] == "shunt_in", "block"].notna().all()
    assert tasks["start"].dtype == "int64"


def test_summary_shows_a_dash_where_a_value_is_missing() -> None:
    inst = read_instance(KHASAN)
    line = Result(inst, Solution(instance=inst.name, status="unknown")).summary()
    assert "None" not in line
    assert line == "unknown: no schedule found within the time limit, 0.0 s"
    feasible = Solution(instance=inst.name, status="feasible", objective=12)
    line = Result(inst, feasible).summary()
    assert line.startswith("feasible: objective 12 (weighted dwell, min), lower bound —, gap —")


def test_plot_gantt_on_an_axes_keeps_every_label_inside(result: Result, tmp_path: Path) -> None:
    fig, ax = plt.subplots(figsize=(8, 4))
    got = plot_result(result, tmp_path / "g.png", ax=ax)
    assert got is fig and (tmp_path / "g.png").stat().st_size > 0
    fig.canvas.draw()
    box = fig.bbox
    labels = [t for t in ax.get_yticklabels() if t.get_text()]
    assert labels
    legend = ax.get_legend()
    assert legend is not None
    for artist in [*labels, legend, ax.title]:
        ext = artist.get_window_extent()
        assert ext.x0 >= box.x0 - 1 and ext.x1 <= box.x1 + 1, artist
        assert ext.y0 >= box.y0 - 1 and ext.y1 <= box.y1 + 1, artist
    plt.close(fig)


def test_plot_gantt_keeps_a_layout_the_caller_chose(result: Result) -> None:
    fig, ax = plt.subplots(figsize=(8, 4), layout="tight")
    plot_result(result, ax=ax)
    assert type(fig.get_layout_engine()).__name__ == "TightLayoutEngine"
    plt.close(fig)


def test_api_tour_script_runs(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--time-limit", "3", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert "Checker: 0 violation(s)" in run.stdout
    assert "Resources, busiest first:" in run.stdout
    assert "None" not in run.stdout
    sol = gaugeopt.read_solution(tmp_path / "plan.json")
    assert gaugeopt.check(read_instance(KHASAN), sol) == []
    assert json.loads((tmp_path / "plan.json").read_text())["instance"] == "khasan-armoured"
    assert (tmp_path / "gantt.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
