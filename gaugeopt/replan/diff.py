"""What changed between two solutions of (versions of) one instance, task by task.

A task is named by (train, op, carriage, block) as in the solution file. It *changed*
(docs/replanning.md) when its start, crew, track or shunter differ; a task only one of the two
solutions has is ``added`` or ``removed``. :func:`compare` gives one row per changed task,
:func:`by_train` and :func:`by_crew` count them.
"""

from __future__ import annotations

import pandas as pd

from gaugeopt.model.solution import Solution, Task
from gaugeopt.rules.reading import task_key

#: Columns of :func:`compare`.
COLUMNS = [
    "train",
    "op",
    "carriage",
    "block",
    "change",
    "old_start",
    "new_start",
    "old_crew",
    "new_crew",
    "old_track",
    "new_track",
    "old_shunter",
    "new_shunter",
]
#: Kinds of change, in the order ``change`` lists them.
KINDS = ("moved", "re-crewed", "re-tracked", "re-shunted", "added", "removed")


def _kinds(old: Task | None, new: Task | None) -> list[str]:
    if old is None:
        return ["added"]
    if new is None:
        return ["removed"]
    pairs = [
        (old.start, new.start),
        (old.crew, new.crew),
        (old.track, new.track),
        (old.shunter, new.shunter),
    ]
    return [kind for kind, (a, b) in zip(KINDS, pairs, strict=False) if a != b]


def compare(old: Solution, new: Solution) -> pd.DataFrame:
    """One row per task that changed from ``old`` to ``new`` (see :data:`COLUMNS`);
    ``change`` lists its kinds, e.g. ``moved, re-crewed``."""
    before = {task_key(t): t for t in old.tasks}
    after = {task_key(t): t for t in new.tasks}
    rows = []
    for key in [*before, *(k for k in after if k not in before)]:
        a, b = before.get(key), after.get(key)
        kinds = _kinds(a, b)
        if not kinds:
            continue
        rows.append(
            {
                "train": key[0],
                "op": key[1],
                "carriage": key[2],
                "block": key[3],
                "change": ", ".join(kinds),
                "old_start": a.start if a else None,
                "new_start": b.start if b else None,
                "old_crew": a.crew if a else None,
                "new_crew": b.crew if b else None,
                "old_track": a.track if a else None,
                "new_track": b.track if b else None,
                "old_shunter": a.shunter if a else None,
                "new_shunter": b.shunter if b else None,
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("block", "old_start", "new_start"):
        frame[col] = frame[col].astype("Int64")
    return frame


def changed_count(changes: pd.DataFrame) -> int:
    """Tasks of the old solution that changed (``added`` ones are not counted)."""
    return int((changes["change"] != "added").sum()) if len(changes) else 0


#: Kinds of change that hand a task to another crew, track or shunter (or drop it).
REASSIGNED = ("re-crewed", "re-tracked", "re-shunted", "removed")


def _any_of(changes: pd.DataFrame, kinds: tuple[str, ...]) -> int:
    if not len(changes):
        return 0
    split = changes["change"].str.split(", ")
    return int(split.map(lambda ks: any(k in kinds for k in ks)).sum())


def reassigned_count(changes: pd.DataFrame) -> int:
    """Tasks of the old solution with another crew, track or shunter, or dropped."""
    return _any_of(changes, REASSIGNED)


def moved_count(changes: pd.DataFrame) -> int:
    """Tasks of the old solution that start at another time."""
    return _any_of(changes, ("moved",))


def _has(changes: pd.DataFrame, kind: str) -> pd.Series:
    return changes["change"].str.split(", ").map(lambda kinds: kind in kinds).astype(bool)


def by_train(changes: pd.DataFrame) -> pd.DataFrame:
    """Per train: tasks moved, re-crewed, re-tracked, re-shunted, added, removed."""
    cols = ["train", *KINDS]
    if not len(changes):
        return pd.DataFrame(columns=cols)
    flags = pd.DataFrame({kind: _has(changes, kind) for kind in KINDS})
    flags.insert(0, "train", changes["train"].to_numpy())
    return flags.groupby("train", sort=False).sum().reset_index()[cols]


def by_crew(changes: pd.DataFrame) -> pd.DataFrame:
    """Per crew: its tasks that moved (keeping it), the tasks it lost and gained."""
    cols = ["crew", "moved", "lost", "gained"]
    counts: dict[str, dict[str, int]] = {}

    def bump(crew: object, what: str) -> None:
        if isinstance(crew, str):
            counts.setdefault(crew, dict.fromkeys(cols[1:], 0))[what] += 1

    for row in changes.itertuples(index=False):
        if row.old_crew == row.new_crew:
            if "moved" in row.change:
                bump(row.old_crew, "moved")
            continue
        bump(row.old_crew, "lost")
        bump(row.new_crew, "gained")
    return pd.DataFrame([{"crew": c, **v} for c, v in sorted(counts.items())], columns=cols)


#: Columns of :func:`departures`.
DEPARTURE_COLUMNS = ["train", "old_departure", "new_departure", "difference"]


def departures(old: Solution, new: Solution) -> pd.DataFrame:
    """Per train of either solution: its old and new departure (minutes from t = 0, empty
    for a train only one has) and new − old, in the new solution's order of departure."""
    before = {p.id: p.departure for p in old.trains}
    after = {p.id: p.departure for p in new.trains}
    ids = sorted(
        {*before, *after}, key=lambda t: (after.get(t, before.get(t, 0)), t not in after, t)
    )
    rows = [
        {
            "train": t,
            "old_departure": before.get(t),
            "new_departure": after.get(t),
            "difference": after[t] - before[t] if t in before and t in after else None,
        }
        for t in ids
    ]
    frame = pd.DataFrame(rows, columns=DEPARTURE_COLUMNS)
    for col in DEPARTURE_COLUMNS[1:]:
        frame[col] = frame[col].astype("Int64")
    return frame
