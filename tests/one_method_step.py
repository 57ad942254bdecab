"""Run as a script by rules/test_holds.py: a test-only rulebook in which contract v1.2's coupler
exchange, a carriage step beside the bogie chain, is also a step of ``individual`` tracks
only; the builder, the constructive scheduler and the bounds read it. Prints what they did
as JSON (the rulebook is replaced before any consumer is imported, so it runs in a process
of its own)."""

from __future__ import annotations

import dataclasses
import json
import sys

import gaugeopt.rules as rules
from gaugeopt.rules import rulebook, taskgraph

ONE_METHOD = frozenset({"individual"})
OPS = tuple(
    dataclasses.replace(r, methods=ONE_METHOD) if r.op == "coupler" else r for r in rulebook.OPS
)
for module in (rulebook, rules, taskgraph):
    module.OPS = OPS
    module.RULES = {r.op: r for r in OPS}

from random_instances import random_v12  # noqa: E402

from gaugeopt.bounds import lower_bound  # noqa: E402
from gaugeopt.bounds.skeleton import chain_of  # noqa: E402
from gaugeopt.construct import construct  # noqa: E402
from gaugeopt.core.cpsat.model import solve_problem  # noqa: E402
from gaugeopt.gauge.build import build  # noqa: E402
from gaugeopt.model.instance import Instance  # noqa: E402
from gaugeopt.model.solution import Solution  # noqa: E402


def _constructed(inst: Instance, sol: Solution, out: dict[str, int]) -> None:
    """Coupler tasks only on carriages of individual tracks, between disconnect and
    reconnect; the bound below the schedule."""
    method = {t.id: t.method for t in inst.station.tracks}
    exchanged = {t.id for t in inst.trains if t.coupler_exchange}
    by: dict[tuple[str, str | None], dict[str, object]] = {}
    for task in sol.tasks:
        if task.carriage is not None:
            by.setdefault((task.train, task.carriage), {})[task.op] = task
    for (train, _), tasks in by.items():
        track = next((t.track for t in tasks.values() if t.track), None)
        if train not in exchanged or track is None:
            continue
        on = method[track]
        if "coupler" not in tasks:
            out[f"without coupler on {on}"] += 1
            continue
        out[f"coupler on {on}"] += 1
        c, dis, rec = tasks["coupler"], tasks["disconnect"], tasks["reconnect"]
        if not (dis.end <= c.start and c.end <= rec.start):
            out["out of order"] += 1
    bound = lower_bound(inst)
    if bound is None or sol.objective is None or bound > sol.objective:
        out["bound above a schedule"] += 1


def _built(inst: Instance, out: dict[str, int]) -> None:
    """In a CP-SAT solution of the built model, a carriage has its coupler task exactly
    when it holds a jack set (stands on an individual track)."""
    model = build(inst)
    res = solve_problem(
        model.problem, time_limit=30, workers=1, params={"max_deterministic_time": 5.0}
    )
    if res.objective is None:
        out["model unsolved"] += 1
        return
    present: dict[tuple[int, int | None], set[str]] = {}
    for v, m in zip(res.tasks, model.meta, strict=True):
        if v.present and m.carriage is not None:
            present.setdefault((m.train, m.carriage), set()).add(m.op)
    for (k, _), ops in present.items():
        if not inst.trains[k].coupler_exchange:
            continue
        out["model carriages"] += 1
        if ("coupler" in ops) != ("jack_hold" in ops):
            out["model coupler off its method"] += 1


def main() -> None:
    out: dict[str, int] = dict.fromkeys(
        ["coupler on individual", "coupler on roll", "without coupler on individual",
         "without coupler on roll", "out of order", "bound above a schedule",
         "model carriages", "model coupler off its method", "model unsolved"], 0)  # fmt: skip
    out["chains"] = int(
        [r.op for r in chain_of(OPS, "individual")] == ["disconnect", "lift", "swap", "lower", "reconnect"]
        and [r.op for r in chain_of(OPS, "roll")] == ["disconnect", "lift", "roll", "lower", "reconnect"]
    )  # fmt: skip
    seeds, models = int(sys.argv[1]), int(sys.argv[2])
    for seed in range(seeds):
        inst = random_v12(seed)
        if not any(t.coupler_exchange for t in inst.trains):
            continue
        sol = construct(inst, time_limit=0, seed=0)
        if sol is not None:
            _constructed(inst, sol, out)
        if models > 0 and len(inst.trains) <= 2:
            models -= 1
            _built(inst, out)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
