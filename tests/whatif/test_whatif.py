"""What-if analysis makes variants of exactly one change each, checks every schedule of the
sweep, and serves its table, CSV, chart and command."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from budget import DETERMINISTIC
from example_files import example_instances
from random_instances import random_instance
from typer.testing import CliRunner

import gaugeopt
from gaugeopt.checker import check
from gaugeopt.cli import app
from gaugeopt.model.instance import Changer
from gaugeopt.model.io import read_instance
from gaugeopt.whatif.chart import plot_whatif
from gaugeopt.whatif.run import (
    BASELINE,
    OPEN,
    VERDICTS,
    Outcome,
    Task,
    WhatIf,
    broken_rule,
    solve_task,
    whatif,
)
from gaugeopt.whatif.variants import KINDS, bogie_needs, fresh_id, variants


@pytest.fixture(scope="module")
def khasan(examples_dir: Path):
    return read_instance(examples_dir / "khasan-armoured.json")


@pytest.fixture(scope="module")
def swept() -> WhatIf:
    # 1 train of 9 carriages over 3 trains, 5 crews, 4 tracks: every solve is optimal in < 0.2 s.
    return whatif(
        random_instance(11), time_limit=2, workers=1, seed=0, serial=True, params=DETERMINISTIC
    )


def _ids(items) -> list[str]:
    return [x.id for x in items]


def test_every_kind_and_exactly_one_change(khasan) -> None:
    before = khasan.model_dump()
    found = variants(khasan)
    assert khasan.model_dump() == before  # the original is never edited
    kinds = Counter(v.kind for v in found)
    assert set(kinds) == set(KINDS)
    st = khasan.station
    assert kinds["-crew"] == len(st.crews) and kinds["-track"] == len(st.tracks)
    assert kinds["+crew"] == len({(tuple(sorted(c.skills)), tuple(c.shifts)) for c in st.crews})
    assert kinds["+jack set"] == sum(t.method == "individual" for t in st.tracks)
    assert kinds["+locomotive"] == len({t.to_gauge for t in khasan.trains})
    assert kinds["+bogies"] == len(bogie_needs(khasan))
    assert len({v.change for v in found}) == len(found)  # labels are unique
    for v in found:
        assert broken_rule(v.instance) is None, v.change
        new = v.instance.station
        if v.kind == "+crew":
            (added,) = [c for c in new.crews if c.id not in _ids(st.crews)]
            assert any((c.skills, c.shifts) == (added.skills, added.shifts) for c in st.crews)
            assert len(new.crews) == len(st.crews) + 1
        elif v.kind == "-crew":
            assert len(new.crews) == len(st.crews) - 1
            assert v.change == f"-crew {(set(_ids(st.crews)) - set(_ids(new.crews))).pop()}"
        elif v.kind == "+jack set":
            gained = [n.jack_sets - o.jack_sets for o, n in zip(st.tracks, new.tracks, strict=True)]
            assert sorted(gained) == [0] * (len(gained) - 1) + [1]
        elif v.kind == "+track":
            largest = max(t.capacity for t in st.tracks)
            assert len(new.tracks) == len(st.tracks) + 1
            assert new.tracks[-1].capacity == largest and new.tracks[-1].id not in _ids(st.tracks)
        elif v.kind == "-track":
            assert len(new.tracks) == len(st.tracks) - 1
        elif v.kind == "+shunter":
            assert len(new.shunters) == len(st.shunters) + 1
        elif v.kind == "+locomotive":
            (added,) = [x for x in new.locomotives if x.id not in _ids(st.locomotives)]
            assert added.available_from == 0
            assert added.gauge in {t.to_gauge for t in khasan.trains}
        elif v.kind == "+bogies":
            old = {(b.gauge, b.type): b.count for b in st.bogie_stock}
            diff = {
                (b.gauge, b.type): b.count - old.get((b.gauge, b.type), 0)
                for b in new.bogie_stock
                if b.count != old.get((b.gauge, b.type), 0)
            }
            ((key, extra),) = diff.items()
            assert extra == bogie_needs(khasan)[key] > 0
        elif v.kind == "+changer":
            assert st.changer is None and new.changer is not None


def test_no_tracks_no_changer_variant_where_there_is_one(examples_dir: Path) -> None:
    dandong = read_instance(examples_dir / "dandong-handover.json")  # handover only: no shed
    kinds = {v.kind for v in variants(dandong)}
    assert not kinds & {"+jack set", "+track", "-track", "+bogies"}
    with_changer = random_instance(11).model_copy(deep=True)
    with_changer.station.changer = Changer(id="AGC")
    assert "+changer" not in {v.kind for v in variants(with_changer)}


def test_fresh_ids() -> None:
    assert fresh_id("C1", {"C1"}) == "C1-new"
    assert fresh_id("C1", {"C1", "C1-new", "C1-new2"}) == "C1-new3"


def test_table_sorted_csv_baseline_first_and_schedules_checked(
    swept: WhatIf, tmp_path: Path
) -> None:
    table = swept.table
    assert table.iloc[0]["change"] == BASELINE and table.iloc[0]["dwell_gained"] == 0
    gains = [g for g in table["dwell_gained"][1:]]
    solved = [int(g) for g in gains if not pd.isna(g)]
    assert all(pd.isna(g) for g in gains[len(solved) :])  # no schedule: last
    groups = [VERDICTS.index(v) for v in table["verdict"][1 : 1 + len(solved)]]
    assert groups == sorted(groups)  # proven gains, within the gap, no change, losses
    for group in set(groups):
        inside = [g for g, k in zip(solved, groups, strict=True) if k == group]
        assert inside == sorted(inside, reverse=True)
    assert len(table) == 1 + len(variants(random_instance(11)))
    assert {"+crew", "-crew", "-track"} <= set(table["kind"])
    for o in [swept.baseline, *swept.variants]:
        if o.status in ("optimal", "feasible"):
            assert o.solution is not None and check(o.instance, o.solution) == [], o.change
            assert o.valid is True
        else:
            assert o.status == "infeasible" and o.reasons, o.change
    best = swept.ranked()[0]
    assert swept.gained(best) == swept.baseline.objective - best.objective > 0

    out = tmp_path / "whatif.csv"
    swept.write_csv(out)
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["change"] == "baseline"
    assert {"change", "status", "objective", "lower_bound", "dwell_gained", "gap"} <= set(rows[0])
    assert [r["change"] for r in rows] == list(table["change"])
    assert rows[0]["objective"] == str(swept.baseline.objective)  # an integer, not 534.0


def test_invalid_variant_is_infeasible_with_its_reason(khasan) -> None:
    broken = khasan.model_copy(deep=True)
    broken.station.crews.append(broken.station.crews[0].model_copy())  # a duplicate id
    out = solve_task(Task("dup", "+crew", broken, 1.0, 1, 0))
    assert out.status == "infeasible"
    assert out.reasons[0].startswith("invalid: station.crews[") and "duplicate id" in out.reasons[0]


def test_chart(swept: WhatIf, tmp_path: Path) -> None:
    fig = plot_whatif(swept, tmp_path / "w.png")
    assert (tmp_path / "w.png").read_bytes()[:4] == b"\x89PNG"
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == swept.ranked()[0].change  # the best change on top
    assert len(labels) == len(swept.variants)


def test_api_is_callable_package(examples_dir: Path) -> None:
    res = gaugeopt.whatif(
        examples_dir / "dandong-handover.json",
        time_limit=1,
        workers=1,
        serial=True,
        params=DETERMINISTIC,
    )
    assert res.table.iloc[0]["change"] == "baseline"
    assert res.baseline.status == "optimal"


def test_cli_whatif(examples_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    inst = str(examples_dir / "dandong-handover.json")
    out, chart = tmp_path / "w.csv", tmp_path / "w.png"
    args = ["whatif", inst, "-t", "1", "-w", "1", "--out", str(out), "--chart", str(chart)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "what-if" in res.output and "+crew" in res.output
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["change"] == "baseline" and rows[0]["status"] == "optimal"
    assert chart.stat().st_size > 0

    bad = tmp_path / "bad.csv"
    res = runner.invoke(app, ["whatif", inst, "--out", str(bad), "--chart", "w.gif"])
    assert res.exit_code == 2 and "--chart" in res.output
    res = runner.invoke(app, ["whatif", str(tmp_path / "missing.json"), "--out", str(bad)])
    assert res.exit_code == 2
    assert not bad.exists()


# --- honest what-if (issue 20) ---------------------------------------------------------------

EXAMPLES = example_instances()


@pytest.mark.parametrize(
    "path",
    [
        p if p.stem == "dandong-handover" else pytest.param(p, marks=pytest.mark.slow)
        # 0.5 s per solve, 10 to 30 solves each: slow but dandong; erenhot-inspected is
        # erenhot-day's station and trains with the inspection added (covered there)
        for p in EXAMPLES
        if p.stem != "erenhot-inspected"
    ],
    ids=lambda p: p.stem,
)
def test_one_more_resource_is_never_reported_as_a_loss(path: Path) -> None:
    inst = read_instance(path)
    res = whatif(inst, time_limit=0.5, workers=1, seed=0, serial=True, params=DETERMINISTIC)
    assert res.baseline.solution is not None
    for o in res.variants:
        if not o.kind.startswith("+"):
            continue
        assert check(o.instance, res.baseline.solution) == [], o.change  # why it holds
        assert o.objective is not None and res.gained(o) >= 0, o.change
        assert res.verdict(o) != "loss", o.change
        assert o.solution is not None and check(o.instance, o.solution) == [], o.change


def test_a_variant_falls_back_on_the_baseline_schedule(khasan) -> None:
    base = solve_task(Task(BASELINE, BASELINE, khasan, 0.5, 1, 0))
    assert base.solution is not None
    more = variants(khasan)[0]
    assert more.kind == "+crew"
    # Far too little time to find anything: the baseline's schedule comes back.
    out = solve_task(Task(more.change, more.kind, more.instance, 0.1, 1, 0, base.solution))
    assert out.objective is not None and out.objective <= base.objective
    assert out.valid is True


def _outcome(change: str, status: str, obj: int | None, lb: int | None) -> Outcome:
    return Outcome(change, change.split()[0], None, status, obj, lb)  # type: ignore[arg-type]


def test_differences_within_the_gap_are_marked_and_ranked_after_proven_gains() -> None:
    base = _outcome("baseline", "feasible", 445, 430)
    res = WhatIf(
        base,
        [
            _outcome("+a", "feasible", 434, 420),  # gains 11, but 445-430 + 434-420 = 29
            _outcome("+b", "feasible", 400, 390),  # below the baseline's bound: proven
            _outcome("-c", "feasible", 500, 460),  # above the baseline's plan: proven loss
            _outcome("+d", "feasible", 454, 440),  # loses 9, within the gap
            _outcome("-e", "infeasible", None, None),
        ],
        1.0,
        1,
        0,
    )
    assert [res.verdict(o) for o in res.variants] == [OPEN, "gain", "loss", OPEN, "infeasible"]
    assert [o.change for o in res.ranked()] == ["+b", "+a", "+d", "-c", "-e"]
    assert res.slack(res.variants[0]) == 29
    assert list(res.table["verdict"][1:]) == ["gain", OPEN, OPEN, "loss", "infeasible"]


def test_an_infeasible_variant_names_its_root_cause(khasan) -> None:
    lost = next(v for v in variants(khasan) if v.change == "-crew KX1")
    out = solve_task(Task(lost.change, lost.kind, lost.instance, 1.0, 1, 0))
    assert out.status == "infeasible"
    assert "customs" in out.reasons[0]


def test_labels_use_clock_times(khasan) -> None:
    labels = [v.change for v in variants(khasan) if v.kind == "+crew"]
    assert "+crew bogie/coupling/lifting 06:00–18:00" in labels
    assert not any("360-1080" in label for label in labels)
