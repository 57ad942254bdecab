"""The report says only what holds: one utilisation, advice that names its task, the binding
wait, numbers that do not seem to contradict each other, a page that opens fast."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.collections import LineCollection

from gaugeopt.bounds import train_dwell_bounds
from gaugeopt.construct import construct
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import read_instance, read_solution
from gaugeopt.model.solution import Solution
from gaugeopt.report import build_timeline, kpis, report
from gaugeopt.report.gantt_png import _dwell_panel, _figure
from gaugeopt.report.kpi import LABELS, WAITS
from gaugeopt.report.text import BOUND_OFFSET, dwell_sentence
from gaugeopt.result import Result
from gaugeopt.utilisation import UTILISATION_HEADER

DATA = Path(__file__).resolve().parents[1] / "data" / "checker"
ERENHOT = Path(__file__).resolve().parents[2] / "instances" / "examples" / "erenhot-day.json"


@pytest.fixture(scope="module")
def rich() -> tuple[Instance, Solution]:
    return read_instance(DATA / "instance.json"), read_solution(DATA / "solution.json")


def test_the_report_and_result_resources_share_one_utilisation(rich) -> None:
    inst, sol = rich
    k = kpis(inst, sol)
    api = Result(inst, sol).resources
    assert k.resources.equals(api)
    # Stated where it is printed: busy over available minutes in the planning window.
    assert LABELS["utilisation"] == UTILISATION_HEADER
    assert "busy ÷ available" in UTILISATION_HEADER and "maintenance" in UTILISATION_HEADER
    # A track's available minutes leave its maintenance windows out (not the plan span).
    for track in inst.station.tracks:
        row = api[(api["kind"] == "track") & (api["resource"] == track.id)].iloc[0]
        closed = sum(min(b, inst.horizon) - a for a, b in track.unavailable)
        assert row["available"] == inst.horizon - closed


def test_advice_names_the_task_train_and_carriage(rich) -> None:
    inst, sol = rich
    advice = " ".join(kpis(inst, sol).trains["advice"])
    assert "give it" not in advice
    assert "give the lift of carriage A2 (train A) to crew C2, free at 00:45" in advice


def test_departure_names_the_binding_wait_not_the_last_task(rich) -> None:
    inst, sol = rich
    trains = kpis(inst, sol).trains
    for row in trains.itertuples():
        assert "brake test" not in row.set_by
        waits = {c: getattr(row, c) for c in WAITS if getattr(row, c)}
        if waits:  # the binding wait is a wait of the chain, with its minutes
            assert any(row.set_by.startswith(WAITS[c]) for c in waits), row.set_by
            assert row.set_by.endswith(" min")


def test_work_above_the_bound_is_explained(rich) -> None:
    inst, sol = rich
    row = next(kpis(inst, sol).trains.itertuples())
    text = dwell_sentence(row._replace(work=row.lower_bound + 12), build_timeline(inst, sol).clock)
    assert "the work alone is 12 min more than that" in text
    assert "one-carriage blocks the bound allows" in text
    plain = dwell_sentence(row._replace(work=row.lower_bound - 1), build_timeline(inst, sol).clock)
    assert "the work alone" not in plain


def test_the_least_possible_dwell_is_drawn_outside_the_bar(rich) -> None:
    inst, sol = rich
    k = kpis(inst, sol)
    fig = _figure((8, 4))
    ax = fig.add_subplot()
    _dwell_panel(ax, k)
    bars = [p for p in ax.patches]
    assert bars
    lines = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(lines) == 1
    for segment, y in zip(lines[0].get_segments(), range(len(k.trains)), strict=True):
        level = segment[0][1]
        assert level == pytest.approx(y + BOUND_OFFSET)
        for bar in (b for b in bars if abs(b.get_y() + b.get_height() / 2 - y) < 0.01):
            assert not bar.get_y() <= level <= bar.get_y() + bar.get_height()


def test_the_erenhot_html_report_is_at_most_1_5_mb(tmp_path) -> None:
    inst = read_instance(ERENHOT)
    sol = construct(inst, time_limit=0.5, restarts=0)
    assert sol is not None
    path = report(inst, sol, tmp_path / "erenhot.html", dwell_bounds=train_dwell_bounds(inst))
    size = path.stat().st_size
    assert size <= 1_500_000, size
    page = path.read_text(encoding="utf-8")
    assert "cdn" not in page.lower().split("</head>")[1]  # offline: nothing fetched


def test_every_operation_gets_a_colour_and_a_new_one_too() -> None:
    from gaugeopt.report.timeline import OP_COLORS, op_colors
    from gaugeopt.rules.reading import OP_ORDER

    assert set(OP_COLORS) == set(OP_ORDER)
    grown = op_colors((*OP_ORDER, "wheel_check", "axle_count"))
    assert grown["wheel_check"] != grown["axle_count"]
    assert {grown["wheel_check"], grown["axle_count"]}.isdisjoint(OP_COLORS.values())
    assert all(grown[op] == OP_COLORS[op] for op in OP_ORDER)  # stable


def test_gantt_pages_are_drawn_once_without_layout_engine_or_legend_boxes(rich) -> None:
    """What made the PNG/PDF report slow (profiled): a layout engine drew each Gantt page
    twice, every row label was an axis tick, every legend an offset-box layout."""
    from gaugeopt.report.gantt_png import report_pages

    inst, sol = rich
    figs = report_pages(build_timeline(inst, sol), kpis(inst, sol))
    assert len(figs) >= 2
    for fig in figs:
        assert fig.get_layout_engine() is None
    for fig in figs[1:]:  # the Gantt pages: rows labelled by plain texts, a plain legend
        rows = fig.axes[0]
        assert rows.get_legend() is None and not rows.get_yticklabels()
        assert "operations" in [t.get_text() for t in fig.texts]
