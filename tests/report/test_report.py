"""The planner's view: timeline rows, KPIs, critical chains, PNG and HTML reports, CLI."""

from __future__ import annotations

import copy
import itertools
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import builders
import matplotlib.image as mpimg
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from typer.testing import CliRunner

from gaugeopt.cli import app
from gaugeopt.clock import Clock
from gaugeopt.errors import InputError
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import parse_instance, parse_solution
from gaugeopt.model.solution import Solution, TrainPlan
from gaugeopt.report import (
    NothingToDraw,
    build_timeline,
    kpis,
    page_paths,
    plot_gantt,
    report,
    report_files,
)
from gaugeopt.report.gantt_png import (
    MIN_FONT,
    PAGE_SIZE,
    PANELS,
    WINDOW_MINUTES,
    report_pages,
    texts_of,
    windows,
)
from gaugeopt.report.graph import any_blocks_dwell, critical_path_dwell
from gaugeopt.report.kpi import LABELS, WAITS, WORK_ONLY
from gaugeopt.report.text import advice_lines
from gaugeopt.report.timeline import time_ticks
from gaugeopt.utilisation import UTILISATION_HEADER, resource_table

DATA = Path(__file__).resolve().parents[1] / "data" / "checker"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def rich() -> tuple[Instance, Solution]:
    """The checker's hand-made, checked-valid pair: 4 trains, every mode and track method."""
    if (DATA / "solution.json").exists():
        inst = parse_instance((DATA / "instance.json").read_bytes())
        sol = parse_solution((DATA / "solution.json").read_bytes())
    else:  # the files are written from this module; build them in memory if absent
        from checker_cases import INSTANCE, build_solution

        inst, sol = parse_instance(INSTANCE), parse_solution(build_solution())
    return inst, sol


# A station with one crew that does everything but customs, and two through trains that
# both arrive at 0: the crew is the bottleneck, so Y's chain runs through X's tasks.
TINY: dict[str, Any] = {
    "name": "tiny",
    "horizon": 600,
    "station": {
        "name": "S",
        "tracks": [{"id": "T1", "capacity": 2, "jack_sets": 1, "max_mass_t": 90.0}],
        "shunters": [{"id": "SH1"}],
        "bogie_stock": [],
        "crews": [{"id": "C1", "skills": ["coupling", "brake"], "shifts": [[0, 600]]}],
        "locomotives": [
            {"id": "L1", "gauge": 1520, "available_from": 0},
            {"id": "L2", "gauge": 1520, "available_from": 0},
        ],
        "durations": builders.durations(builders.TYPICAL, border_check=0),
    },
    "trains": [builders.train(tid, from_gauge=1520, car_id="{train}-{k}") for tid in ("X", "Y")],
}


def _task(train: str, op: str, start: int, end: int, **kw: Any) -> dict[str, Any]:
    return {"train": train, "op": op, "start": start, "end": end, **kw}


TINY_SOLUTION: dict[str, Any] = {
    "instance": "tiny",
    "status": "feasible",
    "objective": 145,
    "lower_bound": None,
    "trains": [
        {"id": "X", "mode": "through", "departure": 55, "dwell": 55, "locomotive": "L1"},
        {"id": "Y", "mode": "through", "departure": 90, "dwell": 90, "locomotive": "L2"},
    ],
    "tasks": [
        _task("X", "detach", 0, 10, crew="C1"),
        _task("X", "border_check", 0, 0),
        _task("Y", "detach", 10, 20, crew="C1"),
        _task("Y", "border_check", 0, 0),
        _task("X", "attach", 20, 30, crew="C1", locomotive="L1"),
        _task("X", "brake_test", 30, 55, crew="C1"),
        _task("Y", "attach", 55, 65, crew="C1", locomotive="L2"),
        _task("Y", "brake_test", 65, 90, crew="C1"),
    ],
}


@pytest.fixture()
def tiny() -> tuple[Instance, Solution]:
    return parse_instance(copy.deepcopy(TINY)), parse_solution(copy.deepcopy(TINY_SOLUTION))


# --- lower bounds ----------------------------------------------------------------------


def test_critical_path_bound_by_hand() -> None:
    data = copy.deepcopy(TINY)
    data["trains"][0].update(from_gauge=1435, border_check=200)
    data["trains"][1].update(from_gauge=1435)
    data["trains"][1]["carriages"] = [
        {"id": "Y-1", "mass_t": 50.0, "bogie_type": "std", "work_pct": 150},
        {"id": "Y-2", "mass_t": 50.0, "bogie_type": "std"},
    ]
    inst = parse_instance(data)
    x, y = inst.trains
    plan = TrainPlan.model_validate(
        {"id": "Y", "mode": "exchange", "departure": 0, "dwell": 0,
         "blocks": [{"track": "T1", "carriages": ["Y-1", "Y-2"]}]}
    )  # fmt: skip
    # detach 10, shunt 15, Y-1 at 150 %: 12 + 9 + 21 + 9 + 15 = 66, shunt 15, couple 4,
    # attach 10, brake 25.
    assert critical_path_dwell(inst, y, plan) == 10 + 15 + 66 + 15 + 4 + 10 + 25
    assert any_blocks_dwell(inst, y) == 10 + 15 + 66 + 15 + 4 + 10 + 25
    # The border check (200 min) outlasts X's exchange; earliest_departure can bind too.
    plan_x = TrainPlan.model_validate(
        {"id": "X", "mode": "exchange", "departure": 0, "dwell": 0,
         "blocks": [{"track": "T1", "carriages": ["X-1"]}]}
    )  # fmt: skip
    assert critical_path_dwell(inst, x, plan_x) == 200
    late = x.model_copy(update={"earliest_departure": 321})
    assert critical_path_dwell(inst, late, plan_x) == 321


# --- KPIs -------------------------------------------------------------------------------


def test_kpi_frames_rows_and_values(rich: tuple[Instance, Solution]) -> None:
    inst, sol = rich
    k = kpis(inst, sol)
    assert list(k.trains["train"]) == [t.id for t in inst.trains]
    parts = ["work", *WAITS]
    for row in k.trains.itertuples():
        train = inst.train(row.train)
        assert row.dwell == row.departure - train.arrival
        assert row.dwell >= row.lower_bound > 0
        assert row.lower_bound == any_blocks_dwell(inst, train)  # no search-free bound given
        assert row.above_bound == row.dwell - row.lower_bound
        assert sum(getattr(row, c) for c in parts) == row.dwell
        assert row.advice and row.set_by  # the binding wait, or its own work
        waits = {c: getattr(row, c) for c in WAITS if getattr(row, c)}
        assert (row.set_by == WORK_ONLY) == (not waits)
    st = inst.station
    expected = [("crew", c.id) for c in st.crews] + [
        pair
        for t in st.tracks
        for pair in [("track", t.id)] + ([("jack sets", t.id)] if t.method == "individual" else [])
    ]
    # The report's utilisation is Result.resources': one definition.
    pairs = list(zip(k.resources["kind"], k.resources["resource"], strict=True))
    assert [p for p in pairs if p[0] in ("crew", "track", "jack sets")] == expected
    assert k.resources.equals(resource_table(inst, sol))
    assert k.resources["utilisation"].between(0, 1).all()
    # Crew busy time is the sum of its task durations (a crew does one task at a time).
    for crew in st.crews:
        busy = sum(t.end - t.start for t in sol.tasks if t.crew == crew.id)
        row = k.resources[(k.resources["kind"] == "crew") & (k.resources["resource"] == crew.id)]
        assert int(row["busy"].iloc[0]) == busy
    assert (k.resources["busy"] > 0).any()


def test_no_code_names_in_any_column_label() -> None:
    # Every column of the three tables has words to print, and none is a code name.
    for name in ("dwell_lb", "dwell_lb_any", "util_horizon", "binding", "excess", "waited"):
        assert name not in LABELS.values()
    assert all(" " in LABELS[c] for c in ("lower_bound", "above_bound", "work", *WAITS))
    assert LABELS["lower_bound"] == "least possible dwell in any plan (min)"


def test_search_free_bound_is_the_one_bound(tiny: tuple[Instance, Solution]) -> None:
    inst, sol = tiny
    plain = kpis(inst, sol).trains.set_index("train")
    assert plain.loc["X", "lower_bound"] == 45  # detach 10, attach 10, brake test 25
    given = kpis(inst, sol, [55, 60]).trains.set_index("train")
    assert list(given["lower_bound"]) == [55, 60]
    # X leaves at 55, its bound: not above it, and the summary says so.
    assert given.loc["X", "above_bound"] == 0 and given.loc["Y", "above_bound"] == 30
    tl = build_timeline(inst, sol)
    k = kpis(inst, sol, [55, 60])
    text = " ".join(advice_lines(k, tl.clock, width=1000))
    assert "X (arrives day 1 00:00, departs day 1 00:55" in text
    assert "at the least possible dwell in any plan (55 min)" in text
    assert "30 min above the least possible dwell in any plan (60 min)" in text
    assert not re.search(r"\b0 min above", text)


def test_chains_telescope_from_arrival_to_departure(rich: tuple[Instance, Solution]) -> None:
    inst, sol = rich
    k = kpis(inst, sol)
    for train in inst.trains:
        steps = k.chains[k.chains["train"] == train.id]
        plan = next(p for p in sol.trains if p.id == train.id)
        assert steps["start"].iloc[0] == train.arrival
        assert steps["end"].iloc[-1] == plan.departure
        assert list(steps["start"].iloc[1:]) == list(steps["end"].iloc[:-1])
        assert (steps["minutes"] == steps["end"] - steps["start"]).all()
        assert (steps["minutes"] > 0).all()
        assert set(steps["part"]) <= {"work", *WAITS}
        row = k.trains.set_index("train").loc[train.id]
        for part, minutes in steps.groupby("part")["minutes"].sum().items():
            assert row[part] == minutes


def test_chain_names_the_busy_crew(tiny: tuple[Instance, Solution]) -> None:
    inst, sol = tiny
    k = kpis(inst, sol)
    y = k.chains[k.chains["train"] == "Y"]
    assert list(y["part"]) == ["wait_crew", "work", "wait_crew", "work", "work"]
    assert list(y["what"]) == [
        "Y detach: crew C1 (busy with X detach until 00:10)",
        "Y detach",
        "Y attach: crew C1 (busy with X brake test until 00:55)",
        "Y attach",
        "Y brake test",
    ]
    assert list(y["minutes"]) == [10, 10, 35, 10, 25]
    trains = k.trains.set_index("train")
    assert trains.loc["Y", "work"] == 45 and trains.loc["Y", "wait_crew"] == 45
    assert trains.loc["Y", "dwell"] == 90
    assert trains.loc["Y", "set_by"] == "waiting for a crew, 35 min"  # the binding wait
    assert trains.loc["Y", "advice"].startswith(
        "add another crew with skill coupling, day 1 00:20–00:55"
    )


def test_idle_crew_and_late_locomotive_are_named(tiny: tuple[Instance, Solution]) -> None:
    data = copy.deepcopy(TINY)
    data["station"]["crews"].append({"id": "C2", "skills": ["coupling"], "shifts": [[0, 600]]})
    data["station"]["locomotives"][1]["available_from"] = 55
    k = kpis(parse_instance(data), tiny[1])
    y = k.chains[(k.chains["train"] == "Y") & (k.chains["what"].str.startswith("Y attach:"))]
    wait = y.iloc[0]
    assert wait["what"] == (
        "Y attach: crew C1 (busy with X brake test until 00:55); locomotive L2 (available from then)"
    )
    assert "give the attach of train Y to crew C2, free at 00:20" in wait["advice"]
    assert "add a 1520 locomotive available from 00:20" in wait["advice"]


def test_border_check_and_earliest_departure_waits(tiny: tuple[Instance, Solution]) -> None:
    sol = tiny[1]
    late = sol.model_copy(deep=True)
    border = next(t for t in late.tasks if t.train == "X" and t.op == "border_check")
    border.end = 70  # customs holds X until 70, brake test ends at 55
    plan = next(p for p in late.trains if p.id == "X")
    plan.departure = plan.dwell = 80
    data = copy.deepcopy(TINY)
    data["station"]["durations"]["border_check"] = 0
    data["trains"][0]["earliest_departure"] = 80
    k = kpis(parse_instance(data), late).trains.set_index("train")
    assert k.loc["X", "work"] == 45
    assert k.loc["X", "wait_crew"] == 10  # X attach waited for C1 doing Y detach
    assert k.loc["X", "wait_border_check"] == 15
    assert k.loc["X", "wait_earliest_departure"] == 10
    assert k.loc["X", "set_by"] == "waiting for the border check, 15 min"
    assert sum(k.loc["X", c] for c in ["work", *WAITS]) == 80


# --- timeline ---------------------------------------------------------------------------


def test_timeline_has_a_row_for_every_resource_and_train(rich: tuple[Instance, Solution]) -> None:
    inst, sol = rich
    tl = build_timeline(inst, sol)
    keys = [r.key for r in tl.resource_rows]
    st = inst.station
    for t in st.tracks:
        assert f"track:{t.id}" in keys
        assert (f"jacks:{t.id}" in keys) == (t.method == "individual")
    for ids, kind in (
        ([c.id for c in st.crews], "crew"),
        ([s.id for s in st.shunters], "shunter"),
        ([lo.id for lo in st.locomotives], "locomotive"),
        ([t.inbound_loco.id for t in inst.trains if t.inbound_loco], "locomotive"),
    ):
        assert all(f"{kind}:{i}" in keys for i in ids)
    if st.changer:
        assert f"changer:{st.changer.id}" in keys
    assert [r.key for r in tl.train_rows] == [f"train:{t.id}" for t in inst.trains]
    for row, plan in zip(tl.train_rows, sol.trains, strict=True):
        assert {m.kind for m in row.marks} == {"arrival", "departure"}
        assert max(m.time for m in row.marks) == plan.departure
        assert row.bars and all(b.start >= inst.train(plan.id).arrival for b in row.bars)
    # Every task with a crew shows on its crew's row; lanes never overlap.
    crew_bars = sum(len([b for b in r.bars if b.kind != "shift"]) for r in tl.resource_rows
                    if r.group == "crew")  # fmt: skip
    assert crew_bars == sum(1 for t in sol.tasks if t.crew and t.end > t.start)
    for row in tl.resource_rows + tl.train_rows:
        lanes: dict[int, list[tuple[int, int]]] = {}
        for b in row.bars:
            if b.lane is not None and b.kind not in ("shift", "block"):
                lanes.setdefault(b.lane, []).append((b.start, b.end))
        for spans in lanes.values():
            spans.sort()
            assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_bogie_stock_follows_the_event_rule(rich: tuple[Instance, Solution]) -> None:
    inst, sol = rich
    st = inst.station
    stock = build_timeline(inst, sol).stock
    final = {f"{b.gauge}/{b.type}": b.count for b in st.bogie_stock}
    initial = dict(final)
    changes: dict[str, set[int]] = {}
    plans = {p.id: p for p in sol.trains}
    cars = {c.id: c for t in inst.trains for c in t.carriages}
    assert {t.op for t in sol.tasks} >= {"swap", "roll"}
    for t in sol.tasks:
        if t.op == "swap":
            moved = [cars[t.carriage]]
        elif t.op == "roll":
            moved = [cars[c] for c in plans[t.train].blocks[t.block].carriages]
        else:
            continue
        train = inst.train(t.train)
        for c in moved:
            out, back = f"{train.to_gauge}/{c.bogie_type}", f"{train.from_gauge}/{c.bogie_type}"
            final[out] = final.get(out, 0) - c.bogies
            final[back] = final.get(back, 0) + c.bogies
            changes.setdefault(out, set()).add(t.start)
            changes.setdefault(back, set()).add(t.end + st.bogie_turnaround)
    assert set(stock) == set(final)
    for key, (times, counts) in stock.items():
        assert times == sorted(times) and times[0] == 0
        assert counts[-1] == final[key]
        assert set(times[1:]) <= changes.get(key, set())
        assert min(counts) >= 0  # the pair is checked valid: stock never negative
        if 0 not in changes.get(key, set()):
            assert counts[0] == initial.get(key, 0)


def test_unknown_ids_and_empty_schedules_are_rejected(tiny: tuple[Instance, Solution]) -> None:
    inst, sol = tiny
    bad = sol.model_copy(deep=True)
    bad.tasks[2].crew = "C9"
    with pytest.raises(InputError, match=r"tasks\[2\]\.crew: unknown crew 'C9'"):
        build_timeline(inst, bad)
    other = sol.model_copy(update={"instance": "other"})
    with pytest.raises(InputError, match="solution is for instance 'other'"):
        kpis(inst, other)
    for status in ("infeasible", "unknown"):
        empty = Solution(instance="tiny", status=status)
        with pytest.raises(NothingToDraw, match=f"nothing to draw: status {status}"):
            report(inst, empty, "/nonexistent/never.png")


# --- the static report ----------------------------------------------------------------------


def test_png_report_has_every_panel_and_real_pixels(
    rich: tuple[Instance, Solution], tmp_path: Path
) -> None:
    inst, sol = rich
    fig = plot_gantt(inst, sol)
    assert isinstance(fig, Figure)
    assert [ax.get_title(loc="left") for ax in fig.axes] == list(PANELS)
    resources, trains = fig.axes[0], fig.axes[1]
    labels = [t.get_text() for t in resources.get_yticklabels()]
    assert any(lab.startswith("C1 ") for lab in labels) and any("jack" in lab for lab in labels)
    assert [t.get_text().split()[0] for t in trains.get_yticklabels()] == [
        t.id for t in inst.trains
    ]
    path = report(inst, sol, tmp_path / "out" / "plan.png")
    assert path == tmp_path / "out" / "plan.png"
    assert path.stat().st_size > 20_000
    assert path.stat().st_mode & 0o777 == 0o644
    pixels = mpimg.imread(path)
    assert pixels.ndim == 3 and pixels.shape[0] > 600 and pixels.shape[1] > 1000
    assert float(np.var(pixels[..., :3])) > 0.005  # not a single colour
    assert not list(path.parent.glob(".*.tmp")) and not list(path.parent.glob(".plan*"))


def test_print_pages_are_a4_landscape_with_readable_text(rich: tuple[Instance, Solution]) -> None:
    inst, sol = rich
    figs = report_pages(build_timeline(inst, sol), kpis(inst, sol))
    assert len(figs) >= 2
    for fig in figs:
        assert tuple(fig.get_size_inches()) == pytest.approx(PAGE_SIZE)
        fig.canvas.draw()
        sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip()]
        assert sizes and min(sizes) >= MIN_FONT
    texts = texts_of(figs)
    assert "checker-rich — weighted dwell 752 min" in texts  # the objective's unit
    assert any(t.endswith(f"page {len(figs)} of {len(figs)}") for t in texts)


def test_gantt_windows_are_whole_hours_and_short() -> None:
    clock = Clock()
    assert windows((540, 977), clock) == [(540, 780), (780, 1020)]
    cuts = windows((30, 1245), clock)
    assert cuts[0][0] == 0 and cuts[-1][1] >= 1245
    assert all(b - a <= WINDOW_MINUTES and a % 60 == 0 for a, b in cuts)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(cuts))
    # With an epoch at 07:30, windows start on the local whole hour.
    local = windows((100, 400), Clock.of("2025-09-02T07:30:00+03:00"))
    assert local == [(90, 270), (270, 450)]


def test_ticks_fall_on_whole_hours_or_quarters() -> None:
    clock = Clock()
    long = time_ticks((540, 977), clock)
    assert [t for t, _ in long] == list(range(540, 977, 60))
    assert long[0][1] == "day 1\n09:00" and long[1][1] == "10:00"
    short = time_ticks((540, 600), clock)
    assert [t for t, _ in short] == [540, 555, 570, 585, 600]
    assert [t for t, _ in time_ticks((0, 300), clock)] == list(range(0, 301, 30))
    day = time_ticks((0, 2880), clock)
    assert (
        all(t % 60 == 0 for t, _ in day)
        and len(day) <= 14
        and "day 2\n00:00" in [x for _, x in day]
    )
    epoch = Clock.of("2025-09-02T07:30:00+03:00")
    assert [x for _, x in time_ticks((0, 120), epoch)][:2] == ["2025-09-02\n07:30", "07:45"]


def test_bogie_stock_axis_counts_whole_bogies(rich: tuple[Instance, Solution]) -> None:
    fig = plot_gantt(*rich)
    stock = next(ax for ax in fig.axes if ax.get_title(loc="left") == "Bogie stock")
    fig.canvas.draw()
    assert all(float(v).is_integer() for v in stock.get_yticks())
    assert next(t.get_text() for t in stock.get_xticklabels()).endswith(":00")


def test_bars_per_carriage_and_crew_bars_named_by_carriage(
    rich: tuple[Instance, Solution],
) -> None:
    inst, sol = rich
    tl = build_timeline(inst, sol)
    for row in tl.train_rows:
        mine = [t for t in sol.tasks if t.train == row.key.split(":")[1]]
        assert len(row.bars) == len(mine)  # one bar per task: never a span of several
        assert sorted((b.start, b.end) for b in row.bars) == sorted((t.start, t.end) for t in mine)
    crew_labels = {b.label for r in tl.resource_rows if r.group == "crew" for b in r.bars}
    lift = next(t for t in sol.tasks if t.op == "lift")
    assert f"{lift.carriage} lift" in crew_labels
    assert any(label.endswith(" detach") for label in crew_labels)


def test_png_pages_are_numbered_files_and_pdf_is_one_file(
    tiny: tuple[Instance, Solution], tmp_path: Path
) -> None:
    inst, sol = tiny
    stale = tmp_path / "plan-9.png"
    paths = report_files(inst, sol, tmp_path / "plan.png")
    assert paths == page_paths(tmp_path / "plan.png", len(paths)) and len(paths) >= 2
    assert paths[1].name == "plan-2.png"
    for path in paths:
        height, width = mpimg.imread(path).shape[:2]  # A4 landscape at 150 dpi
        assert height == 1240 and width in (1753, 1754)
    # A shorter report at the same path removes the pages it no longer has.
    extra = page_paths(tmp_path / "plan.png", len(paths) + 2)[len(paths) :]
    for path in extra:
        path.write_bytes(b"old")
    stale.write_bytes(b"not ours: a gap before it")
    assert report_files(inst, sol, tmp_path / "plan.png") == paths
    assert not any(p.exists() for p in extra) and stale.exists()
    pdf = report(inst, sol, tmp_path / "plan.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) == len(paths)


def test_plot_gantt_draws_on_a_given_axes(tiny: tuple[Instance, Solution], tmp_path: Path) -> None:
    inst, sol = tiny
    fig = Figure(figsize=(10, 5))
    ax = fig.add_subplot()
    assert plot_gantt(inst, sol, tmp_path / "g.svg", ax=ax) is fig
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert any(lab.startswith("C1") for lab in labels)
    assert any(lab.startswith("X (through") for lab in labels)
    drawn = sum(len(c.get_paths()) for c in ax.collections)
    assert drawn >= sum(1 for t in sol.tasks if t.end > t.start)
    assert (tmp_path / "g.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_bad_suffix_names_the_path(tiny: tuple[Instance, Solution], tmp_path: Path) -> None:
    target = tmp_path / "plan.jpg"
    with pytest.raises(InputError, match=re.escape(str(target)) + ": report must end in"):
        report(*tiny, target)
    assert not target.exists()


# --- the interactive report ----------------------------------------------------------------


def _outside_scripts(page: str) -> str:
    return re.sub(r"<script\b[^>]*>.*?</script>", "<script></script>", page, flags=re.S | re.I)


@pytest.fixture(scope="module")
def html_page(rich: tuple[Instance, Solution], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return report(*rich, tmp_path_factory.mktemp("html") / "plan.html")


def test_html_is_self_contained(rich: tuple[Instance, Solution], html_page: Path) -> None:
    inst, _ = rich
    page = html_page.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    tags = _outside_scripts(page)
    for remote in ('src="http', "src='http", 'href="http', "href='http", "<link", "@import"):
        assert remote not in tags, remote
    assert "<script src" not in page and 'src="//' not in page
    scripts = re.findall(r"<script\b([^>]*)>", page)
    assert scripts and all("src" not in attrs for attrs in scripts)
    # plotly.js's basic bundle is inline (1.1 MB), once; not the full 4.8 MB one.
    assert page.count("* plotly.js (basic - minified) v") == 1 and len(page) > 1_000_000
    assert len(page) < 1_600_000
    for train in inst.trains:
        assert f"{train.id} (" in page  # row labels of the trains Gantt
    # Hover texts live in the figures' JSON, where plotly escapes "<", ">" and "/".
    data = page.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u002f", "/")
    # Each bar's hover is plain data under one template per trace: what, then when.
    assert "%{customdata[0]}<br>%{customdata[1]}<extra></extra>" in data
    for crew in inst.station.crews:
        assert f" · crew {crew.id}" in data
    car = inst.trains[0].carriages[0].id
    assert re.search(rf'\["lift · {inst.trains[0].id} · {car} · [^"]*","day 1 \d\d:\d\d', data)
    assert '<table class="kpi" id="trains">' in tags
    assert "least possible dwell in any plan (min)</th>" in tags
    assert f"{UTILISATION_HEADER}</th>" in tags.replace("&#x27;", "'")


def test_html_renders_in_headless_chromium(html_page: Path, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed at /usr/bin/chromium")
    shot = tmp_path / "shot.png"
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}",
        "--window-size=1400,1000",
        html_page.resolve().as_uri(),
    ]
    subprocess.run(cmd, capture_output=True, timeout=180, check=False)
    assert shot.exists(), "chromium wrote no screenshot"
    pixels = mpimg.imread(shot)[..., :3]
    # Plotly draws coloured bars: many distinct colours, not a blank white page.
    assert float(np.var(pixels)) > 0.002
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50


# --- the command line ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def _write(tmp_path: Path, inst: Instance, sol: Solution) -> tuple[str, str]:
    i, s = tmp_path / "inst.json", tmp_path / "sol.json"
    i.write_text(inst.model_dump_json(), encoding="utf-8")
    s.write_text(sol.model_dump_json(), encoding="utf-8")
    return str(i), str(s)


def test_cli_report_writes_the_file(
    runner: CliRunner, tiny: tuple[Instance, Solution], tmp_path: Path
) -> None:
    inst, sol = _write(tmp_path, *tiny)
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", inst, sol, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and f"wrote {out}" in result.stdout


def test_cli_report_bad_input_exits_2(
    runner: CliRunner, tiny: tuple[Instance, Solution], tmp_path: Path
) -> None:
    inst, sol = _write(tmp_path, *tiny)
    cases = [
        ([str(tmp_path / "missing.json"), sol, "--out", str(tmp_path / "a.png")], "no such file"),
        ([inst, sol, "--out", str(tmp_path / "a.txt")], "must end in .png, .svg, .pdf or .html"),
    ]
    broken = json.loads(Path(sol).read_text())
    broken["tasks"][0]["crew"] = "nobody"
    bad_sol = tmp_path / "bad.json"
    bad_sol.write_text(json.dumps(broken))
    # The plan breaks a rule: with --unchecked it is drawn, but a crew it cannot draw is
    # bad input (without, the checker refuses it first: tests/cli/test_plan_input.py).
    cases.append(
        ([inst, str(bad_sol), "--out", str(tmp_path / "a.png"), "--unchecked"], "unknown crew")
    )
    for args, message in cases:
        result = runner.invoke(app, ["report", *args])
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], result.stderr
        assert "Traceback" not in result.output


def test_cli_report_on_an_empty_schedule_exits_1(
    runner: CliRunner, tiny: tuple[Instance, Solution], tmp_path: Path
) -> None:
    inst, sol = _write(tmp_path, tiny[0], Solution(instance="tiny", status="infeasible"))
    out = tmp_path / "r.png"
    result = runner.invoke(app, ["report", inst, sol, "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: nothing to draw: status infeasible"
    assert not out.exists()
