"""Fuzzing: randomly damaged example instances never crash parsing or solving.

Each example (trimmed to a few carriages per train, and Erenhot's day to two trains, so a
solve is quick) is mutated at random: fields dropped, list items duplicated, values
replaced by random JSON of any type, numbers made negative, huge or fractional, lists
shuffled, the text truncated. Parsing must either succeed or raise :class:`InputError`;
whatever parses must solve to a schedule that passes the checker, or to a status of
infeasible (with a reason) or unknown, never an exception.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from budget import DETERMINISTIC
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import gaugeopt
from gaugeopt.checker import check
from gaugeopt.errors import InputError
from gaugeopt.model.io import parse_instance

EXAMPLES = Path(__file__).resolve().parents[2] / "instances" / "examples"
MAX_CARRIAGES = 5  # per train: enough for blocks, swaps and rolls, quick to solve


def _trimmed(name: str, trains: int | None = None) -> dict[str, Any]:
    data = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    data["trains"] = data["trains"][:trains]
    for train in data["trains"]:
        train["carriages"] = train["carriages"][:MAX_CARRIAGES]
    return data


BASES = [
    _trimmed("brest-passenger.json"),
    _trimmed("khasan-armoured.json"),
    _trimmed("dandong-handover.json"),
    _trimmed("erenhot-day.json", trains=2),
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every location in a JSON document (the root excluded)."""
    out = []
    if isinstance(node, dict):
        items = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return out
    for key, child in items:
        out.append((*prefix, key))
        out.extend(_paths(child, (*prefix, key)))
    return out


def _parent(doc: Any, path: tuple) -> Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


NUMBER_CHANGES = ["halve", "double", "plus_one", "negative", "huge", "float", "zero", "max"]


def _number(value: int | float, how: str) -> int | float:
    return {
        "halve": value // 2,
        "double": value * 2,
        "plus_one": value + 1,
        "negative": -value - 1,
        "huge": 10**30,
        "float": value + 0.5,
        "zero": 0,
        "max": 10_000_000,
    }[how]


def _mutate(doc: Any, data: st.DataObject) -> None:
    paths = _paths(doc)
    # Half the time a number: most of those keep the file valid, so the solver gets fuzzed too.
    numbers = [p for p in paths if type(_parent(doc, p)[p[-1]]) in (int, float)]
    if numbers and data.draw(st.booleans(), label="number?"):
        paths = numbers
    path = data.draw(st.sampled_from(paths), label="path")
    parent, key = _parent(doc, path), path[-1]
    value = parent[key]
    actions = ["replace", "drop"]
    if isinstance(parent, list):
        actions.append("duplicate")
    if isinstance(value, list) and len(value) > 1:
        actions.append("shuffle")
    if isinstance(value, int | float) and not isinstance(value, bool):
        actions += ["number", "number", "number"]
    action = data.draw(st.sampled_from(actions), label="action")
    if action == "replace":
        parent[key] = data.draw(json_values, label="value")
    elif action == "drop":
        del parent[key]
    elif action == "duplicate":
        parent.insert(key, copy.deepcopy(value))
    elif action == "shuffle":
        parent[key] = data.draw(st.permutations(value), label="order")
    else:
        how = data.draw(st.sampled_from(NUMBER_CHANGES), label="how")
        parent[key] = _number(value, how)


@given(
    base=st.sampled_from(range(len(BASES))),
    mutations=st.integers(1, 2),
    truncate=st.integers(0, 9).flatmap(lambda k: st.floats(0, 1) if k == 0 else st.none()),
    data=st.data(),
)
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_mutated_examples_never_crash(
    base: int, mutations: int, truncate: float | None, data: st.DataObject
) -> None:
    doc = copy.deepcopy(BASES[base])
    for _ in range(mutations):
        _mutate(doc, data)
    text = json.dumps(doc)  # NaN and Infinity become the JSON literals Python reads back
    if truncate is not None:
        text = text[: int(truncate * len(text))]
    try:
        inst = parse_instance(text, source="fuzz")
    except InputError as exc:
        message = str(exc)
        assert message and "\n" not in message  # one line naming what is wrong
        event("rejected")
        return
    result = gaugeopt.solve(inst, time_limit=2, workers=1, params=DETERMINISTIC)
    event(f"solved: {result.status}")
    if result.status in ("optimal", "feasible"):
        assert check(inst, result.solution) == []
        assert result.lower_bound is None or result.lower_bound <= result.objective
    else:
        assert result.status in ("infeasible", "unknown")
        assert result.solution.tasks == []
        if result.status == "infeasible":
            assert result.reasons


def test_trimmed_bases_are_valid() -> None:
    """The fuzzing starts from valid instances (so a rejection is due to the mutation)."""
    for doc in BASES:
        parse_instance(doc)
