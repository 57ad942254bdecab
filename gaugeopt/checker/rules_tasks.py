"""Task-level rules: the exact task set, fields, durations, release, precedences, horizon."""

from __future__ import annotations

from collections import Counter
from typing import cast

from gaugeopt.checker.context import Context, label
from gaugeopt.checker.expected import BLOCK_OPS, CARRIAGE_OPS, key_of
from gaugeopt.checker.violation import block_name, task_label


def check_task_set(ctx: Context) -> None:
    """Each expected task exactly once; no task of an unknown train, carriage or block."""
    counts = Counter(key_of(t.train, t.op, t.carriage, t.block) for t in ctx.all_tasks)
    seen: set = set()
    for t in ctx.all_tasks:
        if t.train not in ctx.trains:
            ctx.add("task-set", f"task {label(t)} names unknown train {t.train}", train=t.train)
            continue
        key = key_of(t.train, t.op, t.carriage, t.block)
        if key in seen:
            continue
        seen.add(key)
        if counts[key] > 1:
            ctx.add(
                "task-set",
                f"train {t.train}: task {label(t)} appears {counts[key]} times",
                t.train,
                label(t),
            )
        if t.train not in ctx.expected:
            continue
        if key in ctx.expected[t.train]:
            continue
        if t.op in CARRIAGE_OPS and t.carriage is None:
            why = "has no carriage"
        elif t.op in CARRIAGE_OPS and t.carriage not in ctx.carriages:
            why = f"names unknown carriage {t.carriage}"
        elif t.op in CARRIAGE_OPS and ctx.carriages[cast(str, t.carriage)][0].id != t.train:
            # t.carriage is a known carriage id here (the branches above).
            why = (
                f"names carriage {t.carriage} of train {ctx.carriages[cast(str, t.carriage)][0].id}"
            )
        elif t.op in BLOCK_OPS and t.block is None:
            why = "has no block"
        elif t.op == "ground_brake_test" and not ctx.ground[t.train]:
            why = "is not a task of this train: its plan has no ground_brake_test"
        else:
            plan = ctx.plans[t.train]
            where = f"{plan.mode} mode"
            # A block task has a block here (the branch above).
            if t.op in BLOCK_OPS and not 0 <= cast(int, t.block) < len(plan.blocks):
                where += f" with {len(plan.blocks)} block(s)"
            why = f"is not a task of this train in {where}"
        ctx.add("task-set", f"train {t.train}: task {label(t)} {why}", t.train, label(t))
    for tid, exp in ctx.expected.items():
        for key in exp:
            if counts[key] == 0:
                name = task_label(key[1], key[2], key[3])
                why = (
                    " (its plan has ground_brake_test true)"
                    if key[1] == "ground_brake_test"
                    else ""
                )
                ctx.add("task-set", f"train {tid}: task {name} is missing{why}", tid, name)


def check_fields(ctx: Context) -> None:
    """carriage/block/track/locomotive set exactly where the solution format (docs/file-formats.md) puts them."""
    for key, t in ctx.tasks.items():
        exp = ctx.expected.get(t.train, {}).get(key)
        name = label(t)
        where = f"train {t.train}: task {name}"
        if t.op not in CARRIAGE_OPS and t.carriage is not None:
            ctx.add(
                "task-fields", f"{where} has carriage {t.carriage} (must be null)", t.train, name
            )
        if exp is not None and (t.block != exp.block or t.track != exp.track):
            ctx.add(
                "task-fields",
                f"{where} has {block_name(t.block)} / track {t.track}, "
                f"expected {block_name(exp.block)} / track {exp.track}",
                t.train,
                name,
                t.track,
            )
        train_op = t.op not in CARRIAGE_OPS and t.op not in BLOCK_OPS
        if exp is None and train_op and (t.block is not None or t.track is not None):
            ctx.add("task-fields", f"{where} has a block or track (must be null)", t.train, name)
        if t.op != "attach" and t.locomotive is not None:
            ctx.add(
                "task-fields",
                f"{where} has locomotive {t.locomotive} (only attach takes one)",
                t.train,
                name,
                t.locomotive,
            )


def check_durations(ctx: Context) -> None:
    """end == start + duration (work_pct scaling, border_check override); end >= start."""
    for key, t in ctx.tasks.items():
        exp = ctx.expected.get(t.train, {}).get(key)
        got = t.end - t.start
        if exp is not None and got != exp.duration:
            ctx.add(
                "duration",
                f"train {t.train}: task {label(t)} lasts {got} min ([{t.start}, {t.end})), "
                f"expected {exp.duration} ({exp.formula})",
                t.train,
                label(t),
            )
        elif exp is None and got < 0:
            ctx.add(
                "duration",
                f"train {t.train}: task {label(t)} ends at {t.end} before it starts at {t.start}",
                t.train,
                label(t),
            )


def check_release(ctx: Context) -> None:
    """No task of a train starts before the train arrives (nor before t = 0)."""
    for t in ctx.tasks.values():
        arrival = ctx.trains[t.train].arrival
        if t.start < arrival:
            ctx.add(
                "release",
                f"train {t.train}: task {label(t)} starts at {t.start}, before arrival {arrival}",
                t.train,
                label(t),
            )


def check_precedences(ctx: Context) -> None:
    """Every precedence of the table of docs/model.md (tasks present on both sides)."""
    for tid, exp in ctx.expected.items():
        for key, e in exp.items():
            t = ctx.tasks.get(key)
            if t is None:
                continue
            for pk in e.preds:
                p = ctx.tasks.get(pk)
                if p is not None and t.start < p.end:
                    ctx.add(
                        "precedence",
                        f"train {tid}: task {label(t)} starts at {t.start}, "
                        f"before {label(p)} ends at {p.end}",
                        tid,
                        label(t),
                    )


def check_horizon(ctx: Context) -> None:
    """Every task ends, and every departure happens, at or before the horizon."""
    h = ctx.inst.horizon
    for t in ctx.tasks.values():
        if t.end > h:
            ctx.add(
                "horizon",
                f"train {t.train}: task {label(t)} ends at {t.end}, after the horizon {h}",
                t.train,
                label(t),
            )
    for tid, p in ctx.plans.items():
        if p.departure > h:
            ctx.add("horizon", f"train {tid} departs at {p.departure}, after the horizon {h}", tid)


def check_tasks(ctx: Context) -> None:
    """All task-level rules."""
    check_task_set(ctx)
    check_fields(ctx)
    check_durations(ctx)
    check_release(ctx)
    check_precedences(ctx)
    check_horizon(ctx)
