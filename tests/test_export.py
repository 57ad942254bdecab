"""``gaugeopt export``: CSV tasks, an Excel workbook with rosters, a calendar of tasks."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from gaugeopt.cli import app
from gaugeopt.clock import Clock
from gaugeopt.export import export_bytes
from gaugeopt.export.to_xlsx import HEADER_ROW, sheet_name
from gaugeopt.model.io import read_instance, read_solution

DATA = Path(__file__).resolve().parent / "data" / "checker"
INSTANCE = DATA / "instance.json"
SOLUTION = DATA / "solution.json"
EPOCH = "2025-09-02T00:00:00+08:00"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def tasks() -> list[dict]:
    return json.loads(SOLUTION.read_text())["tasks"]


def _export(runner: CliRunner, out: Path, *extra: str, instance: Path = INSTANCE):
    return runner.invoke(app, ["export", str(instance), str(SOLUTION), "--out", str(out), *extra])


def _dated_instance(tmp_path: Path) -> Path:
    data = json.loads(INSTANCE.read_text())
    data["epoch"] = EPOCH
    path = tmp_path / "dated.json"
    path.write_text(json.dumps(data))
    return path


# --- CSV ------------------------------------------------------------------------------------


def test_csv_has_every_task_with_clock_times(runner, tmp_path, tasks) -> None:
    out = tmp_path / "tasks.csv"
    result = _export(runner, out)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {out}"
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == len(tasks)
    clock = Clock()
    for row in rows:
        start, end = int(row["start_min"]), int(row["end_min"])
        assert row["start"] == clock.at(start) and row["end"] == clock.at(end)
        assert int(row["minutes"]) == end - start
        assert row["start"].startswith("day ")
    assert [int(r["start_min"]) for r in rows] == sorted(int(r["start_min"]) for r in rows)
    key = {(t["train"], t["op"], t["carriage"] or "", t["crew"] or "") for t in tasks}
    assert {(r["train"], r["op"], r["carriage"], r["crew"]) for r in rows} == key
    assert "None" not in out.read_text() and "nan" not in out.read_text()  # missing: empty


def test_csv_block_is_an_integer_column(tasks) -> None:
    inst, sol = read_instance(INSTANCE), read_solution(SOLUTION)
    rows = list(csv.DictReader(io.StringIO(export_bytes(inst, sol, ".csv").decode())))
    blocks = {r["block"] for r in rows}
    # Counted from 1, as people count blocks: the file's block 0 is "1".
    assert "" in blocks and "1" in blocks and "0" not in blocks
    assert not any("." in b for b in blocks)


def test_csv_with_an_epoch_has_dates(runner, tmp_path) -> None:
    out = tmp_path / "tasks.csv"
    assert _export(runner, out, "--epoch", EPOCH).exit_code == 0
    first = next(csv.DictReader(io.StringIO(out.read_text())))
    minute = int(first["start_min"])
    moment = datetime.fromisoformat(EPOCH) + timedelta(minutes=minute)
    assert first["start"] == moment.strftime("%Y-%m-%d %H:%M") + " +08:00"
    assert first["date"] == moment.strftime("%Y-%m-%d")


# --- Excel ----------------------------------------------------------------------------------


def test_xlsx_has_trains_tasks_and_a_roster_per_crew_and_track(runner, tmp_path, tasks) -> None:
    out = tmp_path / "plan.xlsx"
    result = _export(runner, out)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    crews = ["crew C1", "crew C2", "crew C3"]
    tracks = ["track T1", "track T2", "track T3"]
    assert wb.sheetnames == ["trains", "tasks", *crews, *tracks]
    assert wb["tasks"].max_row == HEADER_ROW + len(tasks)
    assert wb["trains"].max_row == HEADER_ROW + len(json.loads(SOLUTION.read_text())["trains"])
    for name in crews + tracks:
        kind, ident = name.split()
        ws = wb[name]
        assert ident in ws.cell(row=1, column=1).value  # the title names the crew / track
        header = [c.value for c in ws[HEADER_ROW]]
        assert header[:6] == [
            "day", "start (h:mm from t = 0)", "end (h:mm from t = 0)", "length (h:mm)",
            "train", "op",
        ]  # fmt: skip
        mine = [t for t in tasks if t[kind] == ident]
        assert ws.max_row - HEADER_ROW == max(1, len(mine))
        # Printable: landscape, one page wide, the header row on every page.
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"


def test_a_roster_shows_the_crew_tasks_in_time_order(runner, tmp_path, tasks) -> None:
    out = tmp_path / "plan.xlsx"
    assert _export(runner, out).exit_code == 0
    ws = openpyxl.load_workbook(out)["crew C3"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=HEADER_ROW + 1)]
    mine = sorted((t for t in tasks if t["crew"] == "C3"), key=lambda t: t["start"])
    assert [r[1] for r in rows] == [timedelta(minutes=t["start"]) for t in mine]
    assert [r[4] for r in rows] == [t["train"] for t in mine]
    assert "on duty day 1" in ws.cell(row=1, column=1).value


def test_an_idle_crew_gets_a_roster_saying_so(runner, tmp_path) -> None:
    data = json.loads(INSTANCE.read_text())
    data["station"]["crews"].append({"id": "C9", "skills": ["brake"], "shifts": [[0, 60]]})
    path = tmp_path / "idle.json"
    path.write_text(json.dumps(data))
    out = tmp_path / "plan.xlsx"
    result = _export(runner, out, instance=path)
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["crew C9"]
    assert ws.cell(row=HEADER_ROW + 1, column=1).value == "no tasks"


def test_sheet_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    assert sheet_name("crew a/b", taken) == "crew a_b"
    assert sheet_name("crew A/B", taken) == "crew A_B~2"  # Excel ignores case
    long = sheet_name("track " + "x" * 40, taken)
    assert len(long) == 31
    assert len(sheet_name("track " + "x" * 40, taken)) == 31
    assert len(taken) == 4


# --- calendar -------------------------------------------------------------------------------


def test_ics_without_epoch_is_refused_in_one_line(runner, tmp_path) -> None:
    out = tmp_path / "plan.ics"
    result = _export(runner, out)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "a calendar needs the wall-clock time of t = 0" in lines[0]
    assert "--epoch" in lines[0]
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_ics_has_one_event_per_task_with_crew_and_track(runner, tmp_path, tasks) -> None:
    out = tmp_path / "plan.ics"
    result = _export(runner, out, instance=_dated_instance(tmp_path))
    assert result.exit_code == 0, result.output
    cal = Calendar.from_ical(out.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(tasks)
    assert len({str(e["UID"]) for e in events}) == len(tasks)
    epoch = datetime.fromisoformat(EPOCH)
    seen = 0
    for e in events:
        start = e.decoded("DTSTART")
        assert start.tzinfo is not None
        summary, description = str(e["SUMMARY"]), str(e["DESCRIPTION"])
        match = [
            t
            for t in tasks
            if start == (epoch + timedelta(minutes=t["start"])).astimezone(UTC)
            and summary.startswith(f"{t['train']} {t['op']}")
            and (t["carriage"] is None or t["carriage"] in summary)
        ]
        assert match, summary
        task = match[0]
        end = e.decoded("DTEND")
        assert (end - start) == timedelta(minutes=task["end"] - task["start"])
        if task["crew"]:
            assert f"crew {task['crew']}" in summary and task["crew"] in str(e["RESOURCES"])
        if task["track"]:
            assert f"track {task['track']}" in summary
            assert f"track {task['track']}" in str(e["LOCATION"])
            assert f"track {task['track']}" in description
        seen += 1
    assert seen == len(tasks)


def test_epoch_option_overrides_and_bad_epoch_exits_2(runner, tmp_path) -> None:
    out = tmp_path / "plan.ics"
    assert _export(runner, out, "--epoch", EPOCH).exit_code == 0
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR")
    result = _export(runner, tmp_path / "x.csv", "--epoch", "2025-09-02 08:00")
    assert result.exit_code == 2
    assert "epoch: must be an ISO 8601 date and time with its UTC offset" in result.stderr


# --- what cannot be exported ----------------------------------------------------------------


def _empty_solution(tmp_path: Path, status: str) -> Path:
    path = tmp_path / f"{status}.json"
    path.write_text(json.dumps({"instance": "checker-rich", "status": status}))
    return path


@pytest.mark.parametrize(("status", "code"), [("infeasible", 1), ("unknown", 3)])
def test_a_solution_without_schedule_exports_nothing(runner, tmp_path, status, code) -> None:
    sol = _empty_solution(tmp_path, status)
    out = tmp_path / "plan.csv"
    result = runner.invoke(app, ["export", str(INSTANCE), str(sol), "--out", str(out)])
    assert result.exit_code == code
    assert result.stderr.strip() == f"error: nothing to export: status {status}"
    assert not out.exists()


def test_unknown_suffix_exits_2(runner, tmp_path) -> None:
    result = _export(runner, tmp_path / "plan.docx")
    assert result.exit_code == 2
    assert "--out: must end in .csv, .xlsx or .ics" in result.stderr


def test_the_wrong_instance_exits_2_in_one_line(runner, tmp_path) -> None:
    other = Path(__file__).resolve().parents[1] / "instances" / "examples" / "khasan-armoured.json"
    out = tmp_path / "plan.csv"
    result = _export(runner, out, instance=other)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "is for instance 'checker-rich', not 'khasan-armoured'" in result.stderr
    assert not out.exists()
