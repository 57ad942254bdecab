"""Best-known values (benchmarks/best_known*.py): only strictly better checked schedules and proven bounds are kept."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from brute_force import optimum, tiny_instance

from gaugeopt.bench.baselines import import_from
from gaugeopt.checker import check
from gaugeopt.construct import construct
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import read_solution, write_instance, write_solution
from gaugeopt.model.solution import Solution

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks"
store = import_from(BENCH, "best_known_store")
methods = import_from(BENCH, "best_known_methods")
best_known = import_from(BENCH, "best_known")


def _greedy(inst: Instance) -> Solution:
    sol = construct(inst, time_limit=0.0, seed=0)  # the first priority rules: no clock
    assert sol is not None and not check(inst, sol)
    return sol


def _cand(method: str, sol: Solution | None, bound: int | None = None) -> object:
    return store.Candidate(
        method, f"{method}, test", "2026-01-01T00:00:00+00:00", "feasible", sol, bound
    )


def _setup(tmp_path: Path, seed: int = 3) -> tuple[Instance, object, Path]:
    inst = tiny_instance(seed)
    path = tmp_path / f"{inst.name}.json"
    write_instance(inst, path)
    return inst, store.Entry(inst.name, path.name), tmp_path / "best-known"


def test_a_checked_schedule_is_stored_and_only_a_strictly_better_one_replaces_it(
    tmp_path: Path,
) -> None:
    inst, entry, folder = _setup(tmp_path)
    sol = _greedy(inst)
    said = store.consider(entry, _cand("greedy", sol), inst, folder, tmp_path)
    assert entry.best_known == sol.objective and entry.method == "greedy", said
    assert entry.solution == f"best-known/{inst.name}.solution.json"
    assert store.verify(entry, inst, tmp_path) == []
    assert not check(inst, read_solution(tmp_path / entry.solution))
    # an equal schedule from another method changes nothing
    store.consider(entry, _cand("gaugeopt", sol), inst, folder, tmp_path)
    assert entry.method == "greedy" and entry.found.startswith("2026-01-01")
    # a stored value that is worse is replaced by the checked, better schedule
    entry.best_known = sol.objective + 5
    said = store.consider(entry, _cand("direct", sol), inst, folder, tmp_path)
    assert entry.best_known == sol.objective and entry.method == "direct", said


def test_a_schedule_the_checker_refuses_never_enters_the_store(tmp_path: Path) -> None:
    inst, entry, folder = _setup(tmp_path)
    sol = _greedy(inst)
    # claims a better objective than its dwells give: the checker's objective rule refuses it
    lie = sol.model_copy(update={"objective": sol.objective - 1})
    said = store.consider(entry, _cand("gaugeopt", lie), inst, folder, tmp_path)
    assert entry.best_known is None and "refused" in said
    assert not folder.exists()
    # a task moved so that it overlaps its predecessor: refused too
    task = sol.tasks[-1].model_copy(update={"start": 0, "end": sol.tasks[-1].end})
    broken = sol.model_copy(update={"tasks": [*sol.tasks[:-1], task]})
    assert check(inst, broken)
    store.consider(entry, _cand("gaugeopt", broken), inst, folder, tmp_path)
    assert entry.best_known is None


def test_bounds_rise_only_from_proofs_and_never_above_a_checked_schedule(tmp_path: Path) -> None:
    inst, entry, folder = _setup(tmp_path)
    sol = _greedy(inst)
    store.consider(entry, _cand("greedy", sol, bound=sol.objective), inst, folder, tmp_path)
    assert entry.lower_bound is None  # the greedy proves nothing
    store.consider(entry, _cand("gaugeopt", None, bound=10), inst, folder, tmp_path)
    assert entry.lower_bound == 10 and entry.bound_method == "gaugeopt"
    store.consider(entry, _cand("direct", None, bound=7), inst, folder, tmp_path)
    assert entry.lower_bound == 10  # never lowered
    said = store.consider(
        entry, _cand("direct", None, bound=sol.objective + 1), inst, folder, tmp_path
    )
    assert entry.lower_bound == 10 and "refused" in said
    assert not entry.proven_optimal
    store.consider(entry, _cand("direct", None, bound=sol.objective), inst, folder, tmp_path)
    assert entry.lower_bound == sol.objective and entry.proven_optimal


def test_a_stored_schedule_that_no_longer_passes_is_dropped_and_the_index_round_trips(
    tmp_path: Path,
) -> None:
    inst, entry, folder = _setup(tmp_path)
    sol = _greedy(inst)
    store.consider(entry, _cand("gaugeopt", sol, bound=1), inst, folder, tmp_path)
    index = tmp_path / "bks.csv"
    store.write_index({entry.instance: entry}, index)
    again = store.read_index(index)[entry.instance]
    assert again == entry
    with index.open() as fh:  # readable as gaugeopt bench's bks.csv
        row = next(csv.DictReader(fh))
    assert (row["best_known"], row["lower_bound"]) == (str(sol.objective), "1")
    # the file on disk is changed behind the index's back
    write_solution(
        sol.model_copy(update={"objective": sol.objective - 1}), tmp_path / entry.solution
    )
    insts = {inst.name: (tmp_path / entry.path, inst)}
    assert store.verify(again, inst, tmp_path)
    assert best_known.check_stored({inst.name: again}, insts, tmp_path) == 1
    assert again.best_known is None and again.solution == "" and again.lower_bound == 1


def test_a_real_solver_run_with_one_worker_goes_through_the_rule(tmp_path: Path) -> None:
    inst, entry, folder = _setup(tmp_path, seed=5)
    best = optimum(inst)
    for method in ("greedy", "gaugeopt", "direct"):
        status, sol, bound = methods.run(method, tmp_path / entry.path, 1.0, 1, 0)
        store.consider(
            entry, store.Candidate(method, "", "", status, sol, bound), inst, folder, tmp_path
        )
        assert entry.best_known is not None and entry.best_known >= best
        assert entry.lower_bound is None or entry.lower_bound <= best
    assert store.verify(entry, inst, tmp_path) == []


@pytest.mark.slow
def test_the_command_refreshes_for_real_and_keeps_what_it_found(tmp_path: Path) -> None:
    inst, entry, _ = _setup(tmp_path, seed=8)
    best = optimum(inst)
    index = tmp_path / "bks.csv"
    argv = [sys.executable, str(BENCH / "best_known.py"), str(tmp_path / entry.path)]
    argv += ["--index", str(index), "-t", "1", "-w", "1", "-m", "greedy,gaugeopt,direct"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    first = store.read_index(index)[inst.name]
    assert first.lower_bound is None or first.lower_bound <= best <= first.best_known
    sol_file = tmp_path / first.solution
    cli = [sys.executable, "-m", "gaugeopt", "check", str(tmp_path / entry.path), str(sol_file)]
    assert subprocess.run(cli, capture_output=True, timeout=120).returncode == 0
    with (tmp_path / "best-known" / "runs.csv").open() as fh:
        runs = list(csv.DictReader(fh))
    ran = [r for r in runs if r["instance"] == inst.name]
    assert {r["method"] for r in ran} <= {"greedy", "gaugeopt", "direct"} and ran
    found = [int(r["objective"]) for r in ran if r["objective"]]
    assert first.best_known == min(found)
    # a second pass with another seed never makes it worse, and the verify mode agrees
    subprocess.run([*argv, "--seeds", "1"], capture_output=True, timeout=300, check=True)
    second = store.read_index(index)[inst.name]
    assert second.best_known is not None and second.best_known <= first.best_known
    verify = subprocess.run([*argv[:3], "--index", str(index), "--verify"], capture_output=True)
    assert verify.returncode == 0


def test_every_shipped_best_known_schedule_passes_the_checker() -> None:
    """instances/bench/bks.csv: each stored schedule holds, with the objective the index says."""
    from gaugeopt.model.io import read_instance

    index = ROOT / "instances" / "bench" / "bks.csv"
    entries = store.read_index(index)
    assert entries, "no best-known values shipped"
    for entry in entries.values():
        inst = read_instance(index.parent / entry.path)
        assert store.verify(entry, inst, index.parent) == [], entry.instance
        assert (
            entry.lower_bound is None
            or entry.best_known is None
            or (entry.lower_bound <= entry.best_known)
        )
