"""An independent check of a core solution against the problem semantics (test helper).

It reads only :mod:`gaugeopt.core.problem` and the result values, never the CP-SAT model.
"""

from __future__ import annotations

from pathlib import Path

from gaugeopt.core.problem import Duration, Lit, Problem
from gaugeopt.core.result import CoreResult

#: The PSPLIB and MMLIB files shipped with the repository.
BENCH_DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"


def violations(problem: Problem, result: CoreResult) -> list[str]:
    """Every way ``result`` breaks ``problem`` (empty when it is a valid solution)."""
    out: list[str] = []
    bools = result.bools

    def val(lit: Lit) -> bool:
        return bools[lit.index] != lit.negated

    tasks = result.tasks
    if len(tasks) != len(problem.tasks) or len(bools) != len(problem.bool_names):
        return ["wrong number of task or literal values"]
    usage: list[list[tuple[int, int]]] = [[] for _ in problem.resources]
    for i, (task, tv) in enumerate(zip(problem.tasks, tasks, strict=True)):
        expected = True if task.present is None else val(task.present)
        if tv.present != expected:
            out.append(f"task {i}: presence {tv.present} != literal {expected}")
        if not tv.present:
            continue
        mode = task.modes[tv.mode]
        d = mode.duration
        if isinstance(d, Duration):
            d = d.constant + sum(c for x, c in d.terms if val(x))
        if d is not None and tv.end - tv.start != d:
            out.append(f"task {i}: length {tv.end - tv.start} != {d}")
        deadline = problem.horizon if task.deadline is None else task.deadline
        if tv.start < max(task.release, 0) or tv.end > min(deadline, problem.horizon):
            out.append(f"task {i}: [{tv.start}, {tv.end}) outside release/deadline")
        if tv.end < tv.start:
            out.append(f"task {i}: negative length")
        if d == 0:
            if mode.duration in (0, None) and tv.resources:
                out.append(f"task {i}: zero-duration task takes resources")
            continue
        taken = [(x.resource, x.amount) for x in mode.demands]
        if len(tv.resources) != len(mode.choices):
            out.append(f"task {i}: {len(tv.resources)} choices made of {len(mode.choices)}")
        for ch, r in zip(mode.choices, tv.resources, strict=False):
            if r not in ch.resources:
                out.append(f"task {i}: resource {r} not among {ch.resources}")
            taken.append((r, ch.amount))
        for r, amount in taken:
            if amount:
                usage[r].append((i, amount))
    for r in range(len(problem.resources)):
        out += _resource(problem, result, r, usage[r])
    out += _reservoirs(problem, result, val)
    for p in problem.precedences:
        tb, ta = tasks[p.before], tasks[p.after]
        if tb.present and ta.present and all(val(x) for x in p.when):
            a = ta.start if p.at_after == "start" else ta.end
            b = tb.start if p.at_before == "start" else tb.end
            if a < b + p.lag:
                out.append(f"precedence {p} broken: {a} < {b} + {p.lag}")
    for s in problem.spans:
        t, f, la = tasks[s.task], tasks[s.first], tasks[s.last]
        if t.present and f.present and la.present and (t.start, t.end) != (f.start, la.end):
            out.append(f"span {s} broken")
    for c in problem.constraints:
        v = [val(x) for x in c.lits]
        if c.kind == "clause":
            ok = any(v)
        elif c.kind == "exactly_one":
            ok = sum(v) == 1
        elif c.kind == "at_most_one":
            ok = sum(v) <= 1
        elif c.kind == "implies":
            ok = not v[0] or v[1]
        elif c.kind == "and":
            ok = v[0] == all(v[1:])
        else:
            coefs = c.coefs or [1] * len(v)
            ok = c.lo <= sum(k * x for k, x in zip(coefs, v, strict=True)) <= c.hi
        if not ok:
            out.append(f"{c.kind} constraint {c.lits} broken")
    objective = problem.objective_offset + sum(
        w * tasks[t].end for t, w in problem.objective if tasks[t].present
    )
    if result.objective != objective:
        out.append(f"objective {result.objective} != recomputed {objective}")
    return out


def _resource(
    problem: Problem, result: CoreResult, r: int, uses: list[tuple[int, int]]
) -> list[str]:
    res = problem.resources[r]
    tasks = result.tasks
    out = []
    if res.kind == "nonrenewable":
        if sum(a for _, a in uses) > res.capacity:
            out.append(f"nonrenewable {res.name} over capacity")
    else:
        points = sorted({tasks[i].start for i, _ in uses})
        for t in points:
            level = sum(a for i, a in uses if tasks[i].start <= t < tasks[i].end)
            if level > res.capacity:
                out.append(f"{res.name} over capacity at {t}")
        if res.windows is not None:
            for i, _ in uses:
                s, e = tasks[i].start, tasks[i].end
                if s < e and not any(a <= s and e <= b for a, b in res.windows):
                    out.append(f"task {i} on {res.name} outside every window")
    for i, _ in uses:
        if tasks[i].start < res.available_from:
            out.append(f"task {i} uses {res.name} before it is available")
        if res.available_after is not None and res.available_after[0] != i:
            k, lag = res.available_after
            if not tasks[k].present or tasks[i].start < tasks[k].end + lag:
                out.append(f"task {i} uses {res.name} before task {k} frees it")
    return out


def _reservoirs(problem: Problem, result: CoreResult, val) -> list[str]:
    out = []
    tasks = result.tasks
    for q, res in enumerate(problem.reservoirs):
        events = []
        for e in problem.events:
            tv = tasks[e.task]
            if e.reservoir == q and tv.present and all(val(x) for x in e.when):
                events.append(((tv.start if e.at == "start" else tv.end) + e.offset, e.delta))
        for t in sorted({0} | {t for t, _ in events}):
            level = res.initial + sum(d for u, d in events if u <= t)
            if level < res.minimum or (res.maximum is not None and level > res.maximum):
                out.append(f"reservoir {res.name} level {level} at {t}")
    return out
