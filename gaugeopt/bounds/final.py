"""The final steps of a train (:func:`gaugeopt.bounds.skeleton.final_steps`) in the
per-train bound: each waits for the one before, a crew with its skill on duty long enough
to do it whole and, for the attach, the locomotive."""

from __future__ import annotations

from collections.abc import Sequence

from gaugeopt.bounds.energy import Station
from gaugeopt.bounds.skeleton import Node

#: (duration, skill, not before) of each final step.
Steps = Sequence[tuple[int, str, int]]


def steps_of(
    nodes: Sequence[Node], minutes: Sequence[int], final: Sequence[int], loco: int
) -> list:
    """The final steps ``final`` of a skeleton as (duration, skill, not before): the
    locomotive's time for the step taking it, 0 for the others."""
    out = []
    for i in final:
        rule = nodes[i].rule
        assert rule is not None
        out.append((minutes[i], rule.skill, loco if rule.locomotive else 0))
    return out


def step_tails(steps: Steps) -> list[int]:
    """The tail of each final step's start: its duration and those after it."""
    return [sum(x for x, _, _ in steps[i:]) for i in range(len(steps))]


def run(st: Station, steps: Steps, t: int | None) -> int | None:
    """The end of the final steps started at t, each waiting for a crew and its own time
    (None: never)."""
    for dur, skill, wait in steps:
        if t is None:
            return None
        s = st.start(skill, max(t, wait), dur)
        t = None if s is None else s + dur
    return t


def finish(st: Station, steps: Steps, pre: Sequence[int], ready: int) -> int | None:
    """Departure after the final steps, each starting no earlier than ``ready`` (the
    first), its predecessor, its own time, the crew bound of its predecessors, and inside
    a shift of a crew with its skill (None: never).

    ``pre[i]``: the crew bound over the tasks whose tail is at least step i's tail; every
    such task precedes step i (all but the departure operations with no successor and the
    steps after i), and its tail is its least time to step i's start plus that tail, so
    step i starts at or after ``pre[i]`` − tail."""
    t = ready
    for (dur, skill, wait), tail, bound in zip(steps, step_tails(steps), pre, strict=True):
        start = st.start(skill, max(t, wait, bound - tail if tail > 0 else 0), dur)
        if start is None:
            return None
        t = start + dur
    return t
