"""Crews as the model sees them: groups of identical crews, and pools of skills.

* A **group** is a set of crews with the same skills and the same shifts. The model lets a
  task choose a group, whose capacity is its number of crews, instead of one crew out of
  several identical ones: far fewer optional intervals and none of the symmetry between
  interchangeable crews. Any schedule that keeps each group within its capacity can be
  handed to the individual crews afterwards (:func:`assign_crews`), because tasks on one
  group are intervals and k crews can always cover intervals that never overlap more than
  k deep.
* A **pool** is a set of skills S with the crews that have any of them: tasks needing a
  skill in S can never outnumber those crews on duty. The model adds it as a redundant
  cumulative and :mod:`gaugeopt.bounds` turns it into an energy bound.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from gaugeopt.model.instance import Crew, Instance


@dataclass(frozen=True)
class CrewGroup:
    """Identical crews (indices into ``station.crews``), their skills and shifts."""

    members: tuple[int, ...]
    skills: frozenset[str]
    shifts: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class CrewPool:
    """Skills and the shifts of every crew having one of them (one entry per crew shift)."""

    skills: frozenset[str]
    crews: frozenset[str]
    shifts: tuple[tuple[int, int], ...]

    def level(self, horizon: int) -> list[tuple[int, int, int]]:
        """Crews on duty as (start, end, count) segments covering [0, horizon)."""
        points = sorted({0, horizon, *(t for sh in self.shifts for t in sh if t < horizon)})
        return [
            (a, b, sum(1 for x, y in self.shifts if x <= a and b <= y))
            for a, b in itertools.pairwise(points)
        ]


def _working(inst: Instance) -> list[tuple[int, Crew]]:
    return [(k, c) for k, c in enumerate(inst.station.crews) if c.shifts and c.skills]


def crew_groups(inst: Instance) -> list[CrewGroup]:
    """Crews grouped by (skills, shifts), in the order of their first member."""
    groups: dict[tuple[frozenset[str], tuple[tuple[int, int], ...]], list[int]] = defaultdict(list)
    for k, crew in _working(inst):
        groups[frozenset(crew.skills), tuple(sorted(crew.shifts))].append(k)
    return [CrewGroup(tuple(m), skills, shifts) for (skills, shifts), m in groups.items()]


def crew_pools(inst: Instance, *, every: bool = False) -> list[CrewPool]:
    """Pools: each skill, each crew's skill set and all skills; pools with the same crews
    merge into the union of their skills.

    For constraints (``every=False``) only the merged pools of two crews or more are kept
    (a pool of one crew repeats that crew's own one-task-at-a-time rule). For bounds
    (``every=True``) the unmerged pools are kept too: a pool with fewer skills may start
    later or end with a longer tail, and give the higher bound.
    """
    crews = [c for _, c in _working(inst)]
    candidates = {frozenset([s]) for c in crews for s in c.skills}
    candidates |= {frozenset(c.skills) for c in crews}
    candidates.add(frozenset(s for c in crews for s in c.skills))

    def members(skills: frozenset[str]) -> frozenset[str]:
        return frozenset(c.id for c in crews if skills & set(c.skills))

    merged: dict[frozenset[str], frozenset[str]] = {}
    for skills in candidates:
        merged[members(skills)] = merged.get(members(skills), frozenset()) | skills
    chosen = {skills for ids, skills in merged.items() if every or len(ids) > 1}
    if every:
        chosen |= candidates
    return [
        CrewPool(
            skills,
            members(skills),
            tuple(sh for c in crews if skills & set(c.skills) for sh in c.shifts),
        )
        for skills in sorted(chosen, key=sorted)
    ]


def assign_crews(
    group: CrewGroup,
    tasks: list[tuple[int, int, int]],
    *,
    fixed: Mapping[int, int] | None = None,
    prefer: Mapping[int, int] | None = None,
) -> dict[int, int]:
    """Hand the tasks ``(key, start, end)`` of one group to its crews (key -> crew index).

    Greedy by start time: each task goes to the crew that became free last among those
    free at its start (keeps the others' gaps open). Raises ``ValueError`` if the tasks
    overlap more than the group has crews, which a model solution never does.

    ``fixed`` (key -> crew) pre-assigns tasks (replanning: work already done keeps its
    crew); no other task goes to a crew while one of its fixed tasks runs. ``prefer``
    (key -> crew) names a crew to take when it is free (the crew a task had before).
    """
    fixed = fixed or {}
    prefer = prefer or {}
    held: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for key, start, end in tasks:
        if key in fixed:
            held[fixed[key]].append((start, end))
    free_at = {m: -1 for m in group.members}
    out: dict[int, int] = {}
    for key, start, end in sorted(tasks, key=lambda t: (t[1], t[2], t[0])):
        if key in fixed:
            crew = fixed[key]
        else:
            ready = [
                m
                for m in group.members
                if free_at[m] <= start and not any(a < end and start < b for a, b in held[m])
            ]
            if not ready:
                raise ValueError(f"more than {len(group.members)} tasks at once at {start}")
            wanted = prefer.get(key)
            crew = wanted if wanted in ready else max(ready, key=lambda m: (free_at[m], -m))
        out[key] = crew
        free_at[crew] = max(free_at.get(crew, -1), end if end > start else start)
    return out
