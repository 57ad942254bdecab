"""Hand crews out again after a replan: frozen tasks keep their exact crew, the others take
their previous crew where it is free.

The model chooses a group of identical crews per task; any hand-out inside a group is
valid, so this only renames crews within groups (:func:`gaugeopt.rules.crews.assign_crews`
with pre-assigned and preferred crews).
"""

from __future__ import annotations

from gaugeopt.gauge.build import GaugeModel
from gaugeopt.model.solution import Solution, Task
from gaugeopt.rules.crews import assign_crews
from gaugeopt.rules.reading import task_key


def reassign_crews(
    model: GaugeModel, solution: Solution, previous: Solution, frozen: list[Task]
) -> Solution:
    """``solution`` with its crews handed out again within each crew group."""
    crews = model.instance.station.crews
    index = {c.id: k for k, c in enumerate(crews)}
    group_of = {k: g for g in model.crew_groups for k in g.members}
    fixed_crew = {task_key(t): t.crew for t in frozen if t.crew is not None}
    before = {task_key(t): t.crew for t in previous.tasks if t.crew is not None}
    by_group: dict[int, list[int]] = {}
    for pos, task in enumerate(solution.tasks):
        if task.crew is not None and task.crew in index:
            by_group.setdefault(id(group_of[index[task.crew]]), []).append(pos)
    tasks = list(solution.tasks)
    groups = {id(g): g for g in model.crew_groups}
    for gid, positions in by_group.items():
        group = groups[gid]
        fixed, prefer = {}, {}
        for pos in positions:
            key = task_key(tasks[pos])
            old = fixed_crew.get(key)
            if old is not None and old in index and index[old] in group.members:
                fixed[pos] = index[old]
            elif before.get(key) in index and index[before[key]] in group.members:
                prefer[pos] = index[before[key]]
        spans = [(pos, tasks[pos].start, tasks[pos].end) for pos in positions]
        for pos, k in assign_crews(group, spans, fixed=fixed, prefer=prefer).items():
            tasks[pos] = tasks[pos].model_copy(update={"crew": crews[k].id})
    return solution.model_copy(update={"tasks": tasks})
