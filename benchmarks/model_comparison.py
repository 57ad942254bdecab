"""gaugeopt's core model against the direct model on one instance, the search held equal.

Both CP-SAT models get the same warm schedule (gaugeopt's constructive scheduler, one
worker, ``--seed``) as a hint, the same CP-SAT parameters and the same deterministic budget;
the row gives each one's status, objective, bound, wall and CPU seconds and deterministic
time. With ``--workers 2`` the workers are interleaved (``interleave_search``), so the
run stays reproducible; ``--subsolver`` names the one full-problem subsolver (``fixed``
runs the direct model's own strategy; gaugeopt's model has none, so CP-SAT's default)::

    PYTHONPATH=. python benchmarks/model_comparison.py --units 2 --seeds 0,1 \\
        instances/bench/scale/single-c10-0001.json

The hint of the direct model is read from the warm schedule: its mode, each carriage's
slot, each slot's track, every task's start and end, crew, shunter and locomotive.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

from ortools.sat.python import cp_model

from gaugeopt.core.cpsat.model import CpsatModel
from gaugeopt.model.io import read_instance
from gaugeopt.model.solution import Solution
from gaugeopt.pipeline import PHASES
from gaugeopt.pipeline.state import SolveState

sys.path.insert(0, str(Path(__file__).resolve().parent / "baselines"))
from direct_cpsat import DirectModel


def warm_state(path: Path, seed: int) -> SolveState:
    """The solve's phases up to ``build``: the warm schedule and the core model with its hint."""
    state = SolveState(read_instance(path), time_limit=10, workers=1, seed=seed)
    for name, phase in PHASES:
        phase(state)
        if name == "build":
            return state
    raise RuntimeError("no build phase")


class _Hints:
    """Adds each variable's hint once (CP-SAT refuses a model that hints one twice)."""

    def __init__(self, model: cp_model.CpModel) -> None:
        self.model, self.seen = model, set()

    def add(self, var: object, value: int | bool) -> None:
        index = getattr(var, "index", None)
        if index is None or index in self.seen:
            return
        self.seen.add(index)
        self.model.add_hint(var, value)


def hint_direct(dm: DirectModel, sol: Solution) -> None:
    """The warm schedule ``sol`` of a single train as a hint of the direct model."""
    h, tv, plan = _Hints(dm.m), dm.trains[0], sol.trains[0]
    for mode, lit in tv.modes.items():
        if lit is not dm.true:
            h.add(lit, mode == plan.mode)
    slot_of = {c: b for b, blk in enumerate(plan.blocks) for c in blk.carriages}
    track_of = {b: blk.track for b, blk in enumerate(plan.blocks)}
    cars = [c.id for c in tv.train.carriages]
    for c, row in enumerate(tv.member):
        for b, x in row.items():
            h.add(x, slot_of.get(cars[c]) == b)
    for b, slot in enumerate(tv.slots):
        h.add(slot.used, b in track_of)
        for k, y in slot.tracks.items():
            h.add(y, track_of.get(b) == k)
    tasks = {(t.op, t.carriage, None if t.carriage else t.block): t for t in sol.tasks}
    for op in tv.ops:
        t = tasks.get((op.op, op.carriage, op.slot))
        if op.present is not dm.true:
            h.add(op.present, t is not None)
        if t is None:
            continue
        h.add(op.start, t.start)
        h.add(op.end, t.end)
        for options, chosen in ((op.crews, t.crew), (op.shunters, t.shunter)):
            for name, lit in options:
                h.add(lit, name == chosen)
        for name, lit in op.locos:
            h.add(lit, name == t.locomotive)
    h.add(tv.departure, plan.departure)


def solve(model: cp_model.CpModel, args: argparse.Namespace, seed: int, fixed: bool) -> str:
    """One budgeted solve, as a row's fields."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers, p.random_seed = args.workers, seed
    p.max_deterministic_time, p.max_time_in_seconds = args.units, 3600
    if args.workers > 1:
        p.interleave_search = True
    if args.subsolver:
        p.subsolvers.append(args.subsolver)
    if fixed and args.workers == 1:
        p.search_branching = cp_model.FIXED_SEARCH
    wall, cpu = time.perf_counter(), time.process_time()
    code = solver.solve(model)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    objective = round(solver.objective_value) if found else ""
    bound = math.ceil(solver.best_objective_bound - 1e-6) if found else ""
    status = solver.status_name(code)
    return f"{status},{objective},{bound},{wall:.1f},{cpu:.1f},{solver.deterministic_time:.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--units", type=float, default=2.0, help="deterministic time of each solve")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--subsolver", default="")
    args = ap.parse_args()
    print("instance,seed,model,warm,status,objective,bound,wall_s,cpu_s,deterministic")
    for path in args.paths:
        for seed in (int(s) for s in args.seeds.split(",")):
            state = warm_state(path, seed)
            if state.model is None or state.hint is None or state.warm is None:
                raise SystemExit(f"{path}: no warm schedule on the model")
            core = CpsatModel(state.model.problem)
            core.add_hint(state.hint)
            direct = DirectModel(state.instance)
            hint_direct(direct, state.warm)
            warm = state.warm.objective
            for name, model in (("core", core.model), ("direct", direct.m)):
                row = solve(model, args, seed, fixed=name == "direct" and args.subsolver == "fixed")
                print(f"{path.stem},{seed},{name},{warm},{row}", flush=True)


if __name__ == "__main__":
    main()
