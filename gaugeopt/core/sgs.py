"""Serial schedule generation with a priority rule, for plain project-scheduling problems.

A greedy baseline for PSPLIB / MMLIB files read by :func:`gaugeopt.core.psplib.read_psplib`.
It handles the plain subset of :class:`~gaugeopt.core.problem.Problem`: always-present tasks
with fixed integer durations per mode, fixed demands on renewable and nonrenewable
resources, releases and deadlines, and precedences of any anchors and lags that form an
acyclic graph. Anything else (choices, literals, reservoirs, spans, windows, profiles) is
rejected with a :class:`ValueError`.

Modes are chosen greedily: first a mode per task that keeps every nonrenewable resource within
its capacity (the least relative nonrenewable use, repaired if needed); then, as each task is
scheduled, the mode with the earliest finish among those that keep the budget, assuming every
unscheduled task keeps its first mode.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gaugeopt.core.problem import Mode, Problem, Task

#: A priority rule: a key per task; the eligible task with the smallest key goes first.
Rule = Callable[[Problem], list[tuple[float, ...]]]


@dataclass
class Schedule:
    """Start, end and mode index per task, and the objective of the problem."""

    starts: list[int]
    ends: list[int]
    modes: list[int]
    objective: int


def _duration(mode: Mode) -> int:
    """The fixed duration of a mode (the only kind this scheme handles)."""
    if not isinstance(mode.duration, int):
        raise ValueError("serial SGS: needs fixed integer durations")
    return mode.duration


def _shortest_mode(task: Task) -> int:
    """Index of the task's shortest mode (the first of equals)."""
    return min(range(len(task.modes)), key=lambda k: _duration(task.modes[k]))


def _check_supported(problem: Problem) -> None:
    for t in problem.tasks:
        if t.present is not None:
            raise ValueError(f"serial SGS: optional task {t.name!r} is not supported")
        for m in t.modes:
            if not isinstance(m.duration, int) or m.choices:
                raise ValueError(f"serial SGS: task {t.name!r} needs fixed durations and demands")
    for r in problem.resources:
        if r.windows or r.profile or r.available_after or r.available_from:
            raise ValueError(f"serial SGS: resource {r.name!r} has time-dependent capacity")
    if problem.reservoirs or problem.spans or problem.constraints:
        raise ValueError("serial SGS: reservoirs, spans and literals are not supported")
    if any(p.when for p in problem.precedences):
        raise ValueError("serial SGS: conditional precedences are not supported")


def _topological(problem: Problem) -> list[int] | None:
    n = len(problem.tasks)
    indeg = [0] * n
    succ: list[list[int]] = [[] for _ in range(n)]
    for p in problem.precedences:
        succ[p.before].append(p.after)
        indeg[p.after] += 1
    order = [i for i in range(n) if indeg[i] == 0]
    for i in order:  # the list grows while it is walked
        for j in succ[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                order.append(j)
    return order if len(order) == n else None


def latest_finish(problem: Problem) -> list[tuple[float, ...]]:
    """Latest finish time (backward pass over shortest modes), ties by most successors."""
    order = _topological(problem)
    if order is None:
        raise ValueError("serial SGS: the precedence graph has a cycle")
    dmin = [min(_duration(m) for m in t.modes) for t in problem.tasks]
    horizon = problem.horizon
    lft = [float(t.deadline if t.deadline is not None else horizon) for t in problem.tasks]
    succ_count = [0] * len(problem.tasks)
    by_before: dict[int, list] = {}
    for p in problem.precedences:
        by_before.setdefault(p.before, []).append(p)
    for i in reversed(order):
        for p in by_before.get(i, []):
            # latest anchor of the successor, turned into the latest end of i
            after_anchor = lft[p.after] - (dmin[p.after] if p.at_after == "start" else 0)
            bound = after_anchor - p.lag + (dmin[i] if p.at_before == "start" else 0)
            lft[i] = min(lft[i], bound)
            succ_count[i] += 1 + succ_count[p.after]
    return [(lft[i], -succ_count[i], i) for i in range(len(problem.tasks))]


def most_successors(problem: Problem) -> list[tuple[float, ...]]:
    """Most total successors first, ties by latest finish time."""
    keys = latest_finish(problem)
    return [(k[1], k[0], k[2]) for k in keys]


RULES: dict[str, Rule] = {"lft": latest_finish, "mts": most_successors}


def _initial_modes(problem: Problem) -> list[int] | None:
    """A mode per task within every nonrenewable capacity, or None if greedy repair fails."""
    nonren = [r for r, res in enumerate(problem.resources) if res.kind == "nonrenewable"]
    cap = {r: problem.resources[r].capacity for r in nonren}

    def use(mode: Mode) -> dict[int, int]:
        out = dict.fromkeys(nonren, 0)
        for d in mode.demands:
            if d.resource in out:
                out[d.resource] += d.amount
        return out

    uses = [[use(m) for m in t.modes] for t in problem.tasks]

    def score(i: int, k: int) -> tuple[float, int]:
        rel = sum(uses[i][k][r] / cap[r] if cap[r] else uses[i][k][r] * 1e9 for r in nonren)
        return rel, _duration(problem.tasks[i].modes[k])

    def best_mode(i: int) -> int:
        return min(range(len(problem.tasks[i].modes)), key=lambda k: score(i, k))

    modes = [best_mode(i) for i in range(len(problem.tasks))]
    if not nonren:
        return [_shortest_mode(t) for t in problem.tasks]
    total = {r: sum(uses[i][modes[i]][r] for i in range(len(modes))) for r in nonren}

    def excess(tot: dict[int, int]) -> int:
        return sum(max(0, tot[r] - cap[r]) for r in nonren)

    while excess(total) > 0:  # repair: the single mode change that cuts the excess most
        best: tuple[int, int, int] | None = None
        for i, t in enumerate(problem.tasks):
            for k in range(len(t.modes)):
                if k == modes[i]:
                    continue
                trial = {r: total[r] - uses[i][modes[i]][r] + uses[i][k][r] for r in nonren}
                gain = excess(total) - excess(trial)
                if gain > 0 and (best is None or gain > best[0]):
                    best = (gain, i, k)
        if best is None:
            return None
        _, i, k = best
        for r in nonren:
            total[r] += uses[i][k][r] - uses[i][modes[i]][r]
        modes[i] = k
    return modes


def serial_sgs(problem: Problem, rule: Rule = latest_finish) -> Schedule | None:
    """Schedule every task as early as resources and precedences allow, in priority order.

    Returns None when no schedule was found within the horizon and deadlines (greedy: a
    schedule may exist all the same).
    """
    _check_supported(problem)
    n = len(problem.tasks)
    if _topological(problem) is None:
        raise ValueError("serial SGS: the precedence graph has a cycle")
    base = _initial_modes(problem)
    if base is None:
        return None
    keys = rule(problem)
    res = problem.resources
    renewable = [r for r, x in enumerate(res) if x.kind == "renewable"]
    nonren = [r for r, x in enumerate(res) if x.kind == "nonrenewable"]
    horizon = problem.horizon
    usage = {r: [0] * (horizon + 1) for r in renewable}
    budget = {r: res[r].capacity for r in nonren}
    for i in range(n):
        for d in problem.tasks[i].modes[base[i]].demands:
            if d.resource in budget:
                budget[d.resource] -= d.amount  # reserve the base mode of every task

    preds: list[list] = [[] for _ in range(n)]
    for p in problem.precedences:
        preds[p.after].append(p)
    waiting = [len(preds[i]) for i in range(n)]
    succs: list[list[int]] = [[] for _ in range(n)]
    for p in problem.precedences:
        succs[p.before].append(p.after)
    starts, ends, modes = [0] * n, [0] * n, [-1] * n
    eligible = {i for i in range(n) if waiting[i] == 0}

    def fits(mode: Mode, t: int) -> bool:
        dur = _duration(mode)
        if dur == 0:
            return True
        for d in mode.demands:
            if d.resource in usage:
                row, cap = usage[d.resource], res[d.resource].capacity
                if any(row[u] + d.amount > cap for u in range(t, t + dur)):
                    return False
        return True

    def earliest(i: int, mode: Mode) -> int | None:
        dur = _duration(mode)
        t = problem.tasks[i].release
        for p in preds[i]:
            anchor = starts[p.before] if p.at_before == "start" else ends[p.before]
            t = max(t, anchor + p.lag - (dur if p.at_after == "end" else 0))
        t = max(t, 0)
        deadline = problem.tasks[i].deadline
        last = min(horizon, horizon if deadline is None else deadline) - dur
        while t <= last:
            if fits(mode, t):
                return t
            t += 1
        return None

    while eligible:
        i = min(eligible, key=lambda j: keys[j])
        eligible.remove(i)
        task = problem.tasks[i]
        own = {r: 0 for r in nonren}
        for d in task.modes[base[i]].demands:
            if d.resource in own:
                own[d.resource] += d.amount
        best: tuple[int, int, int] | None = None  # (end, start, mode)
        for k, mode in enumerate(task.modes):
            need = {r: 0 for r in nonren}
            for d in mode.demands:
                if d.resource in need:
                    need[d.resource] += d.amount
            if any(need[r] > budget[r] + own[r] for r in nonren):
                continue
            if any(
                d.amount > res[d.resource].capacity for d in mode.demands if d.resource in usage
            ):
                continue
            t = earliest(i, mode)
            if t is not None and (best is None or (t + _duration(mode), t) < best[:2]):
                best = (t + _duration(mode), t, k)
        if best is None:
            return None
        end, start, k = best
        mode = task.modes[k]
        starts[i], ends[i], modes[i] = start, end, k
        for d in mode.demands:
            if d.resource in budget:
                budget[d.resource] += -d.amount
            elif _duration(mode) > 0:
                row = usage[d.resource]
                for u in range(start, end):
                    row[u] += d.amount
        for r in nonren:
            budget[r] += own[r]
        for j in succs[i]:
            waiting[j] -= 1
            if waiting[j] == 0:
                eligible.add(j)
    objective = problem.objective_offset + sum(w * ends[t] for t, w in problem.objective)
    return Schedule(starts, ends, modes, objective)


def best_of_rules(problem: Problem, rules: dict[str, Rule] | None = None) -> Schedule | None:
    """Run each priority rule once and keep the schedule of least objective."""
    best: Schedule | None = None
    for rule in (rules or RULES).values():
        sched = serial_sgs(problem, rule)
        if sched is not None and (best is None or sched.objective < best.objective):
            best = sched
    return best


def violations(problem: Problem, schedule: Schedule) -> list[str]:
    """What ``schedule`` breaks in a plain problem (durations, precedences, capacities)."""
    out: list[str] = []
    tasks = problem.tasks
    for i, t in enumerate(tasks):
        k = schedule.modes[i]
        if not 0 <= k < len(t.modes):
            out.append(f"{t.name}: no mode {k}")
            continue
        if schedule.ends[i] - schedule.starts[i] != t.modes[k].duration:
            out.append(f"{t.name}: wrong duration")
        if schedule.starts[i] < max(0, t.release) or schedule.ends[i] > min(
            problem.horizon, problem.horizon if t.deadline is None else t.deadline
        ):
            out.append(f"{t.name}: outside its time window")
    if out:
        return out
    for p in problem.precedences:
        a = schedule.starts[p.before] if p.at_before == "start" else schedule.ends[p.before]
        b = schedule.starts[p.after] if p.at_after == "start" else schedule.ends[p.after]
        if b < a + p.lag:
            out.append(f"precedence {tasks[p.before].name} -> {tasks[p.after].name} broken")
    for r, res in enumerate(problem.resources):
        if res.kind == "nonrenewable":
            total = sum(
                d.amount
                for i, t in enumerate(tasks)
                for d in t.modes[schedule.modes[i]].demands
                if d.resource == r
            )
            if total > res.capacity:
                out.append(f"{res.name}: {total} used > capacity {res.capacity}")
            continue
        events: list[tuple[int, int]] = []
        for i, t in enumerate(tasks):
            mode = t.modes[schedule.modes[i]]
            if mode.duration == 0:
                continue
            for d in mode.demands:
                if d.resource == r:
                    events += [(schedule.starts[i], d.amount), (schedule.ends[i], -d.amount)]
        level = 0
        for _, delta in sorted(events, key=lambda e: (e[0], e[1])):
            level += delta
            if level > res.capacity:
                out.append(f"{res.name}: over capacity")
                break
    return out
