"""``gaugeopt export`` writes every task to CSV, to an Excel workbook with a roster per crew and
track, and to a calendar; bad input exits 2 with one line."""

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

DATA = Path(__file__).resolve().parents[1] / "data" / "checker"
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
    other = Path(__file__).resolve().parents[2] / "instances" / "examples" / "khasan-armoured.json"
    out = tmp_path / "plan.csv"
    result = _export(runner, out, instance=other)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "is for instance 'checker-rich', not 'khasan-armoured'" in result.stderr
    assert not out.exists()


def test_ics_events_update_when_the_day_is_replanned(tmp_path) -> None:
    """Same task, same UID; a later export has a higher SEQUENCE (and DTSTAMP,
    LAST-MODIFIED), so a calendar app replaces the event it shows."""
    from gaugeopt.export.to_ics import ics_bytes

    inst = read_instance(_dated_instance(tmp_path))
    sol = read_solution(SOLUTION)
    first = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
    moved = sol.model_copy(deep=True)
    for task in moved.tasks:  # a replan shifts every task by 5 minutes
        task.start += 5
        task.end += 5
    before = Calendar.from_ical(ics_bytes(inst, sol, Clock.of(inst), now=first))
    after = Calendar.from_ical(
        ics_bytes(inst, moved, Clock.of(inst), now=first + timedelta(minutes=30))
    )
    old = {str(e["UID"]): e for e in before.walk("VEVENT")}
    new = {str(e["UID"]): e for e in after.walk("VEVENT")}
    assert old.keys() == new.keys() and len(old) == len(sol.tasks)
    for uid, event in new.items():
        assert int(event["SEQUENCE"]) == int(old[uid]["SEQUENCE"]) + 30
        assert event.decoded("LAST-MODIFIED") > old[uid].decoded("LAST-MODIFIED")
        assert event.decoded("DTSTART") - old[uid].decoded("DTSTART") == timedelta(minutes=5)


def test_ics_for_one_crew(runner, tmp_path, tasks) -> None:
    out = tmp_path / "c1.ics"
    result = _export(runner, out, "--crew", "C1", instance=_dated_instance(tmp_path))
    assert result.exit_code == 0, result.output
    cal = Calendar.from_ical(out.read_bytes())
    assert "crew C1" in str(cal["X-WR-CALNAME"])
    events = list(cal.walk("VEVENT"))
    assert len(events) == sum(1 for t in tasks if t["crew"] == "C1") > 0
    assert all("crew C1" in str(e["SUMMARY"]) for e in events)


@pytest.mark.parametrize(
    ("out", "message"),
    [("c9.ics", "--crew: no crew 'C9' at the station (crews: C1, C2, C3)"),
     ("c1.csv", "--crew: one crew's tasks are written as a calendar (.ics)")],
)  # fmt: skip
def test_ics_crew_refused_in_one_line(runner, tmp_path, out, message) -> None:
    crew = "C9" if out.startswith("c9") else "C1"
    result = _export(runner, tmp_path / out, "--crew", crew, instance=_dated_instance(tmp_path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {message}")
    assert not (tmp_path / out).exists()


# --- Excel: real times, print setup, headers -----------------------------------------------


def test_xlsx_times_are_durations_from_t0_without_an_epoch(runner, tmp_path, tasks) -> None:
    out = tmp_path / "plan.xlsx"
    assert _export(runner, out).exit_code == 0
    ws = openpyxl.load_workbook(out)["tasks"]
    header = [c.value for c in ws[HEADER_ROW]]
    assert header[:4] == [
        "day",
        "start (h:mm from t = 0)",
        "end (h:mm from t = 0)",
        "length (h:mm)",
    ]
    first = sorted(tasks, key=lambda t: (t["start"], t["end"]))[0]
    start, end, length = (ws.cell(row=HEADER_ROW + 1, column=c) for c in (2, 3, 4))
    assert start.value == timedelta(minutes=first["start"]) and start.number_format == "[h]:mm"
    assert end.value == timedelta(minutes=first["end"]) and end.number_format == "[h]:mm"
    assert length.value == timedelta(minutes=first["end"] - first["start"])
    assert "start_min" not in header  # no raw minutes beside real times
    assert "33:30 is day 2 09:30" in ws.cell(row=2, column=1).value


def test_xlsx_times_are_local_date_times_with_an_epoch(runner, tmp_path, tasks) -> None:
    out = tmp_path / "plan.xlsx"
    assert _export(runner, out, instance=_dated_instance(tmp_path)).exit_code == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["tasks"]
    assert [c.value for c in ws[HEADER_ROW]][:2] == ["start (UTC+08:00)", "end (UTC+08:00)"]
    first = sorted(tasks, key=lambda t: (t["start"], t["end"]))[0]
    cell = ws.cell(row=HEADER_ROW + 1, column=1)
    local = datetime.fromisoformat(EPOCH) + timedelta(minutes=first["start"])
    assert cell.value == local.replace(tzinfo=None)
    assert cell.number_format == "yyyy-mm-dd hh:mm"
    trains = wb["trains"]
    head = [c.value for c in trains[HEADER_ROW]]
    arrival = trains.cell(row=HEADER_ROW + 1, column=head.index("arrival (UTC+08:00)") + 1)
    assert isinstance(arrival.value, datetime) and arrival.number_format == "yyyy-mm-dd hh:mm"
    dwell = trains.cell(row=HEADER_ROW + 1, column=head.index("dwell (h:mm)") + 1)
    assert isinstance(dwell.value, timedelta) and dwell.number_format == "[h]:mm"


def test_every_sheet_prints_landscape_with_header_rows_and_page_numbers(runner, tmp_path) -> None:
    out = tmp_path / "plan.xlsx"
    assert _export(runner, out).exit_code == 0
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
        assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
        assert ws.oddHeader.left.text  # the sheet's title on every printed page
        header = [c for c in ws[HEADER_ROW] if c.value is not None]
        assert header and all(c.font.bold for c in header)
        # The title is wrapped across the table's width, never cut at the page edge.
        title = ws.cell(row=1, column=1)
        assert title.alignment.wrap_text
        width = len(header)
        if width > 1:
            assert f"A1:{openpyxl.utils.get_column_letter(width)}1" in {
                str(r) for r in ws.merged_cells.ranges
            }
        chars = sum(ws.column_dimensions[c.column_letter].width for c in header)
        lines = -(-len(title.value) * 13 // 11 // int(chars))
        assert ws.row_dimensions[1].height >= lines * 13


def test_xlsx_blocks_count_from_1_in_the_one_wording(runner, tmp_path) -> None:
    out = tmp_path / "plan.xlsx"
    assert _export(runner, out).exit_code == 0
    wb = openpyxl.load_workbook(out)
    sol = read_solution(SOLUTION)
    from gaugeopt.wording import track_split

    trains = wb["trains"]
    head = [c.value for c in trains[HEADER_ROW]]
    col = head.index("blocks (block: carriages → track)") + 1
    shown = [
        trains.cell(row=r, column=col).value for r in range(HEADER_ROW + 1, trains.max_row + 1)
    ]
    assert shown == [track_split(p) or None for p in sol.trains]
    tasks = wb["tasks"]
    block = [c.value for c in tasks[HEADER_ROW]].index("block") + 1
    values = {
        tasks.cell(row=r, column=block).value for r in range(HEADER_ROW + 1, tasks.max_row + 1)
    }
    assert 0 not in values and 1 in values


@pytest.mark.slow
def test_libreoffice_prints_each_small_sheet_on_one_landscape_page(runner, tmp_path) -> None:
    """The workbook printed to PDF by LibreOffice: landscape pages, each sheet one page wide
    (the tasks sheet a few pages tall); before the print setup the sheets printed portrait,
    the tasks sheet several pages wide."""
    import re
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path / "plan.xlsx"
    assert _export(runner, out).exit_code == 0
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(out)],
        capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    pdf = (tmp_path / "plan.pdf").read_bytes()
    pages = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    sheets = len(openpyxl.load_workbook(out).sheetnames)
    assert sheets <= len(pages) <= sheets + 2
    assert all(float(w) > float(h) for w, h in pages)  # landscape
