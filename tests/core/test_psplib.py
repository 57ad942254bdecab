"""PSPLIB (.sm) and MMLIB (.mm) files: reading and known optima."""

from __future__ import annotations

import csv

import pytest
from budget import core_budget
from core_check import BENCH_DATA, violations

from gaugeopt.core import solve_problem
from gaugeopt.core.psplib import read_psplib

PSPLIB = BENCH_DATA / "psplib"
MMLIB = BENCH_DATA / "mmlib"


def _bks(path) -> dict[str, dict[str, str]]:
    with open(path, newline="") as f:
        return {row["instance"]: row for row in csv.DictReader(f)}


def test_read_single_mode():
    p, info = read_psplib(PSPLIB / "j30" / "j301_1.sm")
    assert (info.num_activities, info.multi_mode, info.sink) == (32, False, 31)
    assert len(p.tasks) == 32 and [r.capacity for r in p.resources] == [12, 13, 4, 12]
    assert info.renewable == [0, 1, 2, 3] and info.nonrenewable == []
    assert p.objective == [(31, 1)]
    assert p.horizon == sum(t.modes[0].duration for t in p.tasks)
    assert p.tasks[1].modes[0].duration == 8 and p.tasks[1].modes[0].demands[0].amount == 4
    assert [(q.before, q.after) for q in p.precedences[:3]] == [(0, 1), (0, 2), (0, 3)]


def test_read_multi_mode():
    p, info = read_psplib(MMLIB / "mmlib50" / "J501_1.mm")
    assert info.multi_mode and info.nonrenewable == [2, 3]
    assert [r.kind for r in p.resources] == ["renewable"] * 2 + ["nonrenewable"] * 2
    assert len(p.tasks[1].modes) == 3


@pytest.mark.parametrize("name", [f"j301_{i}" for i in range(1, 6)])
def test_j30_optimum(name):
    p, _ = read_psplib(PSPLIB / "j30" / f"{name}.sm")
    r = solve_problem(p, **core_budget(0.6))
    assert r.status == "optimal"
    assert r.objective == int(_bks(PSPLIB / "bks.csv")[name]["best_known"])
    assert violations(p, r) == []


def test_mmlib50_instance():
    name = "J501_1"
    p, _ = read_psplib(MMLIB / "mmlib50" / f"{name}.mm")
    row = _bks(MMLIB / "bks.csv")[name]
    r = solve_problem(p, **core_budget(0.6))
    assert r.has_solution and violations(p, r) == []
    assert r.objective >= int(row["lower_bound"])
    if r.status == "optimal":
        assert r.objective == int(row["best_known"])


def test_project_options_by_set():
    from gaugeopt.core.psplib import MULTI_MODE_SUBSOLVERS, project_options

    mm = read_psplib(MMLIB / "mmlib100" / "J1001_1.mm")[1]
    assert project_options(mm).full_subsolvers == MULTI_MODE_SUBSOLVERS
    sm = read_psplib(PSPLIB / "j30" / "j301_1.sm")[1]
    assert project_options(sm).full_subsolvers == ()


def test_full_subsolvers_replace_the_portfolio(capfd):
    from gaugeopt.core.cpsat.options import ModelOptions

    p, _ = read_psplib(PSPLIB / "j30" / "j301_1.sm")
    options = ModelOptions(full_subsolvers=("default_lp", "max_lp"))
    # Two subsolvers need two workers; the budget is deterministic time (j301_1 takes 0.02 s).
    budget = core_budget(0.6) | {"workers": 2}
    result = solve_problem(p, options=options, log=True, **budget)
    assert result.status == "optimal" and result.objective == 43
    assert "2 full problem subsolvers: [default_lp, max_lp]" in capfd.readouterr().out
    params = budget["params"] | {"subsolvers": ["default_lp"]}
    solve_problem(p, options=options, log=True, **(budget | {"params": params}))
    assert "1 full problem subsolver: [default_lp]" in capfd.readouterr().out
