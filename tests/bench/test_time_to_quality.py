"""Time to quality (benchmarks/time_to_quality.py): objectives read off traces against best known, on hand-made rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from gaugeopt.bench.baselines import import_from
from gaugeopt.bench.runner import write_csv

ROOT = Path(__file__).resolve().parents[2]
tq = import_from(ROOT / "benchmarks", "time_to_quality")


def _row(instance: str, method: str, limit: float, objective, trace: str = "", **kw) -> dict:
    return {
        "set": "x",
        "instance": instance,
        "kind": "gauge",
        "method": method,
        "status": "feasible" if objective != "" else "unknown",
        "objective": objective,
        "valid": "True" if objective != "" else "",
        "time_limit": limit,
        "trace": trace,
        "path": "",  # no file: single or day from the name
        **kw,
    }


ROWS = [
    # a single train: gaugeopt improves along its trace; its final objective comes at 10.4 s
    _row("single-c06-0001", "gaugeopt", 10, 100, "0.5:130;2:120;9.8:105;10.4:100"),
    _row("single-c06-0001", "greedy", 10, 110, "0.01:140;4:110"),
    _row("single-c06-0001", "direct", 10, "", ""),  # no schedule
    _row("single-c06-0001", "gaugeopt", 60, 90, "0.5:130;20:95;59:90"),
    _row("single-c06-0001", "greedy", 60, 108, "0.01:140;50:108"),
    _row("single-c06-0001", "direct", 60, 85, "25:85"),
    # a day: the greedy's schedule was refused by our checker
    _row("day-t04-0001", "gaugeopt", 10, 200, "0.2:260;5:200"),
    _row("day-t04-0001", "greedy", 10, 190, "0.1:190", valid="False"),
    # another day: the greedy is better than gaugeopt at 10 s; no best-known value
    _row("roles-small-0001", "gaugeopt", 10, 330, "0.3:330"),
    _row("roles-small-0001", "greedy", 10, 300, "0.3:300"),
    # the same pair once more: the later row counts
    _row("day-t04-0001", "greedy", 10, 240, "0.1:250;3:240"),
]
BEST = {"single-c06-0001": 80.0, "day-t04-0001": 160.0}


def _points() -> dict[tuple[str, str, float], object]:
    return {(p.instance, p.method, p.at): p for p in tq.points(ROWS, BEST, tq.TIMES)}


def test_objective_at_reads_the_trace_and_the_final_objective_at_the_limit() -> None:
    run = ROWS[0]
    assert tq.objective_at(run, 0.3) is None  # nothing yet
    assert tq.objective_at(run, 1) == 130
    assert tq.objective_at(run, 3) == 120
    assert tq.objective_at(run, 10) == 100  # the run's answer at its limit
    assert tq.objective_at(ROWS[2], 10) is None  # no schedule at all
    assert tq.objective_at(ROWS[7], 1) is None  # refused by the checker


def test_each_time_uses_the_shortest_run_long_enough() -> None:
    pts = _points()
    assert pts["single-c06-0001", "gaugeopt", 3.0].objective == 120  # the 10 s run
    assert pts["single-c06-0001", "gaugeopt", 30.0].objective == 95  # the 60 s run at 30 s
    assert pts["single-c06-0001", "gaugeopt", 60.0].objective == 90
    assert ("day-t04-0001", "gaugeopt", 30.0) not in pts  # no run that long: left out
    assert pts["single-c06-0001", "direct", 10.0].objective is None
    assert pts["single-c06-0001", "direct", 30.0].objective == 85
    assert pts["day-t04-0001", "greedy", 10.0].objective == 240  # the later row
    assert pts["single-c06-0001", "gaugeopt", 10.0].above == pytest.approx(25.0)
    assert pts["day-t04-0001", "gaugeopt", 10.0].above == pytest.approx(25.0)
    assert pts["roles-small-0001", "gaugeopt", 10.0].above is None  # no best known
    assert pts["day-t04-0001", "gaugeopt", 10.0].day
    assert not pts["single-c06-0001", "gaugeopt", 10.0].day


def test_the_family_table_gives_mean_worst_and_missing() -> None:
    text = tq.family_table(tq.points(ROWS, BEST, tq.TIMES), tq.TIMES)
    lines = {tuple(c.strip() for c in line.split("|")[1:4]): line for line in text.splitlines()}
    single = lines["single", "c06", "gaugeopt"].split("|")
    assert [c.strip() for c in single[5:10]] == [
        "62.5 (62.5)",
        "50.0 (50.0)",
        "25.0 (25.0)",
        "18.8 (18.8)",
        "12.5 (12.5)",
    ]
    direct = lines["single", "c06", "direct"].split("|")
    assert direct[7].strip() == "1 none" and direct[8].strip() == "6.2 (6.2)"
    everyone = lines["all", "", "gaugeopt"].split("|")
    # at 10 s: single 25 %, day-t04 25 %, roles without a best-known value
    assert everyone[7].strip() == "25.0 (25.0) [1 no bk]"
    greedy = lines["all", "", "greedy"].split("|")
    # at 1 s: single 140 → 75 %, day-t04 250 → 56.25 %: mean 65.6, worst 75.0
    assert greedy[5].strip().startswith("65.6 (75.0)")


def test_the_targets_against_the_greedy_and_the_direct_model() -> None:
    text = tq.targets_table(tq.points(ROWS, BEST, tq.TIMES))
    rows = {line.split("|")[1].strip(): line.split("|")[2:4] for line in text.splitlines()[2:]}
    verdict, where = rows["at 10 s, never worse than greedy"]
    assert verdict.strip() == "no: worse on 1 of 3" and "roles-small-0001 (10.0 %)" in where
    # days: day-t04 (240 → 200: 16.7 %) and roles (300 → 330: −10 %)
    assert rows["days: mean % better than greedy at 10 s"][0].strip() == "3.3 % over 2 days"
    assert rows["at 10 s, never worse than direct"][0].strip() == "yes"  # direct had none
    verdict, where = rows["at 60 s, never worse than direct"]
    assert verdict.strip() == "no: worse on 1 of 1" and "single-c06-0001 (5.9 %)" in where
    # gaugeopt with no schedule where the direct model has one is worse
    none = [r for r in ROWS if r["method"] != "gaugeopt" or r["time_limit"] != 60]
    none.append(_row("single-c06-0001", "gaugeopt", 60, ""))
    text = tq.targets_table(tq.points(none, BEST, tq.TIMES))
    assert "single-c06-0001 (no schedule)" in text


def test_the_command_writes_the_csv_and_names_beaten_best_known(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "r.csv"
    write_csv(ROWS, results)
    index = tmp_path / "bks.csv"
    index.write_text("instance,best_known,lower_bound\nsingle-c06-0001,88,70\nday-t04-0001,160,\n")
    out = tmp_path / "tq.csv"
    tq.main([str(results), "--index", str(index), "--out", str(out)])
    printed = capsys.readouterr().out
    assert "Beat the best-known index" in printed and "single-c06-0001 (direct: 85)" in printed
    assert printed.split("Beat the best-known index")[1].count("single-c06-0001") == 1
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    hit = next(
        r
        for r in rows
        if (r["instance"], r["method"], r["at_s"]) == ("single-c06-0001", "gaugeopt", "60")
    )
    assert float(hit["pct_above_best_known"]) == pytest.approx(100 * (90 - 88) / 88, abs=1e-3)
    none = next(
        r
        for r in rows
        if (r["instance"], r["method"], r["at_s"]) == ("single-c06-0001", "direct", "10")
    )
    assert none["objective"] == "none" and none["pct_above_best_known"] == ""


def test_the_greedy_trace_records_every_improvement_of_its_restarts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bench's greedy row traces each improving restart, not only the first and last."""
    import gaugeopt.construct
    from gaugeopt.bench.methods import greedy_gauge, parse_trace
    from gaugeopt.generate import generate
    from gaugeopt.model.io import write_instance

    path = tmp_path / "single.json"
    write_instance(generate("single", 3, "small"), path)
    real = gaugeopt.construct.construct

    def restarts(inst, *, time_limit, seed, on_improve=None, **kw):
        first = real(inst, time_limit=0.0, seed=seed)
        if time_limit == 0.0:
            return first
        better = [first.model_copy(update={"objective": first.objective - d}) for d in (5, 9)]
        for sol in better:
            on_improve(sol)
        return better[-1]

    monkeypatch.setattr(gaugeopt.construct, "construct", restarts)
    row = greedy_gauge(path, 1.0, 1, 0)
    objectives = [obj for _, obj in parse_trace(row.extra["trace"])]
    assert objectives == [row.objective + 9, row.objective + 4, row.objective]


def test_the_targets_against_best_known_count_sizes_in_the_files() -> None:
    scale = ROOT / "instances" / "bench" / "scale"
    single, day = str(scale / "single-c06-0001.json"), str(scale / "day-t04-0001.json")
    rows = [
        _row("single-c06-0001", "gaugeopt", 60, 90, "1:90", path=single),  # 6 carriages
        _row("day-t04-0001", "gaugeopt", 60, 169, "1:169", path=day),  # 4 trains
        _row("day-t40-0001", "gaugeopt", 60, 500, "1:500"),  # no file: left out
    ]
    best = {"single-c06-0001": 89.5, "day-t04-0001": 160.0, "day-t40-0001": 100.0}
    pts = tq.points(rows, best, [60.0])
    assert {p.instance: p.counts for p in pts}["single-c06-0001"] == (1, 6)
    lines = {r.split("|")[1].strip(): r.split("|")[2:4] for r in tq.targets_table(pts).splitlines()}
    assert (
        lines["at 60 s, single trains of 6–25 carriages within 1 % of best known"][0].strip()
        == "yes"
    )
    verdict, where = lines["at 60 s, days of 4–16 trains within 5 % of best known"]
    assert verdict.strip() == "no: 1 of 1 outside" and where.strip() == "day-t04-0001 (5.6 %)"
    best["day-t04-0001"] = 161.0  # 5.0 % above: inside
    pts = tq.points(rows, best, [60.0])
    assert "| at 60 s, days of 4–16 trains within 5 % of best known | yes |" in tq.targets_table(
        pts
    )
