"""``report``, ``export`` and ``check`` check the plan first, say so when told not to, and
read the overrun file of a day that does not fit its horizon."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from gaugeopt.cli import app
from gaugeopt.cli.plan_input import UNCHECKED_NOTE
from gaugeopt.construct import construct
from gaugeopt.diagnose.load import Load
from gaugeopt.export.to_xlsx import HEADER_ROW
from gaugeopt.model.io import parse_instance
from gaugeopt.overrun import Overrun, lifted_instance, overrun_path, write_overrun
from tests.api.test_overrun import _day
from tests.export.test_export import EPOCH, INSTANCE, SOLUTION


def _broken(tmp_path: Path) -> Path:
    """The checker's valid plan with one task shortened: it breaks the duration rule."""
    data = json.loads(SOLUTION.read_text())
    task = next(t for t in data["tasks"] if t["end"] - t["start"] > 2)
    task["end"] = task["start"] + 1
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("command", "out"),
    [("export", "plan.csv"), ("export", "plan.xlsx"), ("report", "plan.html")],
)
def test_a_plan_that_breaks_a_rule_is_refused(tmp_path, command, out) -> None:
    target = tmp_path / out
    args = [command, str(INSTANCE), str(_broken(tmp_path)), "--out", str(target)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert "the plan breaks 1 rule" in lines[0] and "--unchecked" in lines[0]
    assert len(lines) == 2 and lines[1].startswith("  ")  # its violation, indented
    assert not target.exists()


def test_unchecked_exports_and_every_file_says_so(tmp_path) -> None:
    broken = _broken(tmp_path)
    dated = json.loads(INSTANCE.read_text()) | {"epoch": EPOCH}
    instance = tmp_path / "dated.json"
    instance.write_text(json.dumps(dated))
    for suffix in (".csv", ".xlsx", ".ics", ".html"):
        target = tmp_path / f"plan{suffix}"
        command = "report" if suffix == ".html" else "export"
        args = [command, str(instance), str(broken), "--out", str(target), "--unchecked"]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "plan.csv").read_text())))
    assert rows and all(r["warning"] == UNCHECKED_NOTE for r in rows)
    wb = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    for ws in wb.worksheets:
        assert UNCHECKED_NOTE in ws.cell(row=2, column=1).value  # on screen
        assert "UNCHECKED" in ws.oddHeader.right.text  # and on every printed page
    cal = Calendar.from_ical((tmp_path / "plan.ics").read_bytes())
    assert "UNCHECKED" in str(cal["X-WR-CALDESC"])
    assert all(str(e["DESCRIPTION"]).startswith("UNCHECKED") for e in cal.walk("VEVENT"))
    assert "UNCHECKED: this plan was not checked" in (tmp_path / "plan.html").read_text()


def test_unchecked_pdf_pages_each_carry_the_warning(tmp_path) -> None:
    from gaugeopt.model.io import read_instance, read_solution
    from gaugeopt.report import build_timeline, kpis
    from gaugeopt.report.gantt_png import report_pages, texts_of

    inst, sol = read_instance(INSTANCE), read_solution(SOLUTION)
    tl = build_timeline(inst, sol)
    tl.notes = [UNCHECKED_NOTE]
    figs = report_pages(tl, kpis(inst, sol))
    for fig in figs:
        assert any("UNCHECKED" in t for t in texts_of([fig]))


def test_a_valid_plan_still_exports_without_a_warning(tmp_path) -> None:
    target = tmp_path / "plan.csv"
    result = CliRunner().invoke(app, ["export", str(INSTANCE), str(SOLUTION), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert "warning" not in target.read_text().splitlines()[0]


# --- the overrun file ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def overrun_files(tmp_path_factory) -> tuple[Path, Path]:
    """A day that does not fit its horizon and an overrun file as ``solve`` writes it
    (the constructive schedule of the day lifted 4-fold, so no search and no clock)."""
    folder = tmp_path_factory.mktemp("overrun")
    day = parse_instance(_day())
    lifted = lifted_instance(day, 4)
    sol = construct(lifted, time_limit=1, seed=0)
    assert sol is not None
    found = Overrun(day, lifted, sol, 4, ["root cause: lifting: 120 crew-min needed"])
    instance = folder / "day.json"
    instance.write_text(json.dumps(_day()))
    path = overrun_path(folder / "day.sol.json")
    write_overrun(found, path)
    return instance, path


def test_check_reads_the_overrun_file_against_its_lifted_instance(overrun_files) -> None:
    instance, path = overrun_files
    result = CliRunner().invoke(app, ["check", str(instance), str(path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Overrun schedule: no schedule fits the day, which ends at")
    assert lines[-1] == "OK: 0 violations"
    as_json = json.loads(
        CliRunner().invoke(app, ["check", str(instance), str(path), "--json"]).stdout
    )
    assert as_json["valid"] and as_json["overrun"].startswith("Overrun schedule: ")


@pytest.mark.parametrize("out", ["plan.html", "plan.xlsx", "plan.csv"])
def test_report_and_export_read_the_overrun_file(tmp_path, overrun_files, out) -> None:
    instance, path = overrun_files
    target = tmp_path / out
    command = "report" if out.endswith(".html") else "export"
    result = CliRunner().invoke(app, [command, str(instance), str(path), "--out", str(target)])
    assert result.exit_code == 0, result.output
    if out.endswith(".html"):
        assert "Overrun schedule: no schedule fits the day" in target.read_text()
    elif out.endswith(".xlsx"):
        ws = openpyxl.load_workbook(target)["trains"]
        assert "lifts the horizon 4-fold" in ws.cell(row=2, column=1).value
        assert ws.max_row == HEADER_ROW + 2
    else:
        assert (
            "Overrun schedule" in next(csv.DictReader(io.StringIO(target.read_text())))["warning"]
        )


def test_an_overrun_file_of_another_day_is_refused(tmp_path, overrun_files) -> None:
    _, path = overrun_files
    result = CliRunner().invoke(app, ["check", str(INSTANCE), str(path)])
    assert result.exit_code == 2
    assert "an overrun schedule of instance 'short-day', not 'checker-rich'" in result.stderr


def test_the_overrun_note_reads_as_a_sentence(overrun_files) -> None:
    from gaugeopt.overrun import parse_overrun

    _, path = overrun_files
    note = parse_overrun(json.loads(path.read_text())).note()
    assert note.startswith("Overrun schedule: no schedule fits the day, which ends at day 1 10:00")
    assert "lifts the horizon 4-fold, every crew's shifts repeating every 10 h" in note
    assert note.endswith("leave after it.") and "None" not in note


def test_a_load_with_nothing_open_after_the_horizon_reads_as_a_sentence() -> None:
    data = _day(1440)
    data["trains"][1]["arrival"] = 1450  # after the horizon: nothing of the day is left
    from gaugeopt.diagnose.load import root_cause_line

    line = root_cause_line(parse_instance(data))
    assert line == (
        "jack sets: 120 jack-set-min needed by the trains arriving from day 2 00:10, but "
        "none open after the horizon ends at day 2 00:00 (6 in all)"
    )
    assert "(no capacity)" not in Load("x", 5, 0, "min", "open", None).line()
