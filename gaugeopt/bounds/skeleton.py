"""What the lower bounds read from the rulebook: the skeleton of each configuration, its
final steps, and the carriage chain of an exchange.

A **configuration** is a mode and whether the train takes the ground-air brake test. Its
**skeleton** (:func:`skeleton`) has a node for each train operation of the configuration
and, in exchange mode, one node :data:`BLOCKS` for all block and carriage work (every
block from its shunt_in to its shunt_out). Each node waits for the operations in its
``after``: a train operation that waits for a block or carriage operation waits for
:data:`BLOCKS`, and :data:`BLOCKS` waits for the train operations those wait for. The
bounds walk it forwards for earliest starts (:func:`walk`) and backwards for the least
time from a node's end to the departure (:func:`tails`): every node either leads to a
later one or is one the departure waits for (checked), so a chain of successors is a
chain the departure waits for.

The **final steps** (:func:`final_steps`) are the train operations after the train's last
shunting move (its blocks are back, the changer pass is over, or at once in through
mode): a chain of crew operations, each waiting for the one before, the attach and its
locomotive among them, the last one a departure operation; the first waits for every
other node but the departure operations with no successor (all checked; a leading step
that does not is left to the other nodes).

The **carriage chain** (:func:`carriage_chain`) of a track method is what one carriage goes
through between its block's shunt_in and shunt_out (the track hold): disconnect, lift, the
bogie step (a swap on ``individual`` tracks, the block's roll on ``roll`` ones), lower,
reconnect, each waiting for the one before (checked); steps beside it are left out. The methods' chains differ only in
the bogie step (:data:`BOGIE`, checked); the jack hold (:data:`POOL`, the rulebook's
:func:`~gaugeopt.rules.pool`) spans steps :data:`JACKS`; a
block's stay on its track is the rulebook's :func:`~gaugeopt.rules.stay`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from gaugeopt.model.instance import Carriage, Durations, Train
from gaugeopt.rules import (
    DEPARTS_AFTER,
    METHODS,
    OPS,
    RULES,
    Hold,
    OpRule,
    departure,
    pool,
    stay,
)

#: The node standing for all block and carriage work of an exchange.
BLOCKS = "blocks"

#: The operations a block starts and ends its stay on a track with.
SHUNT_IN: OpRule = RULES[stay().start_op]
SHUNT_OUT: OpRule = RULES[stay().end_op]


@dataclass(frozen=True)
class Node:
    """One node of a skeleton; ``rule`` None for :data:`BLOCKS`."""

    rule: OpRule | None
    preds: tuple[int, ...]
    succs: tuple[int, ...] = ()

    @property
    def op(self) -> str:
        return BLOCKS if self.rule is None else self.rule.op


def _broken(what: str) -> AssertionError:
    return AssertionError(f"the lower bounds assume {what}; the rulebook no longer says so")


def absent(d: Durations, train: Train) -> frozenset[str]:
    """The operations ``train`` does not have (:meth:`~gaugeopt.rules.OpRule.applies`):
    left out of its skeleton."""
    return frozenset(r.op for r in OPS if not r.applies(d, train))


@cache
def skeleton(mode: str, ground: bool, lacks: frozenset[str] = frozenset()) -> tuple[Node, ...]:
    """The skeleton of configuration (``mode``, ``ground``), in a topological order, for a
    train that lacks the operations ``lacks`` (:func:`absent`)."""
    rules = [r for r in OPS if r.exists(mode, ground=ground) and r.op not in lacks]
    inner = {r.op for r in rules if r.level != "train"}
    order: list[OpRule | None] = []
    index: dict[str, int] = {}
    for r in rules:
        if r.level == "train":
            index[r.op] = len(order)
            order.append(r)
        elif BLOCKS not in index:
            index[BLOCKS] = len(order)
            order.append(None)

    def ids(after: Sequence[str], *, train_only: bool = False) -> set[int]:
        out = {index[p] for p in after if p in index}
        if not train_only:
            out |= {index[BLOCKS]} if any(p in inner for p in after) else set()
        return out

    preds: list[set[int]] = []
    for i, node in enumerate(order):
        if node is None:
            mine = set().union(*(ids(q.after, train_only=True) for q in rules if q.op in inner))
        else:
            mine = ids(node.after)
        if any(p >= i for p in mine):
            raise _broken("that the rulebook lists operations in a topological order")
        preds.append(mine)
    if any(not p and (n is None or not n.after_arrival) for n, p in zip(order, preds, strict=True)):
        raise _broken("that every operation waits, at least through others, for the arrival")
    succs = [{j for j, p in enumerate(preds) if i in p} for i in range(len(order))]
    for n, s in zip(order, succs, strict=True):
        if not s and (n is None or n.op not in DEPARTS_AFTER):
            raise _broken("that every operation leads to one the departure waits for")
    return tuple(
        Node(n, tuple(sorted(p)), tuple(sorted(s)))
        for n, p, s in zip(order, preds, succs, strict=True)
    )


@cache
def final_steps(mode: str, ground: bool, lacks: frozenset[str] = frozenset()) -> tuple[int, ...]:
    """Indices in :func:`skeleton` of the final steps (module docstring)."""
    nodes = skeleton(mode, ground, lacks)
    last = max(
        (i for i, n in enumerate(nodes) if n.rule is None or n.rule.shunter),
        default=-1,
    )
    steps = tuple(
        i
        for i, n in enumerate(nodes)
        if i > last and n.rule is not None and not n.rule.after_arrival
    )
    chained = all(a in nodes[b].preds for a, b in itertools.pairwise(steps))
    if not steps or not chained or nodes[steps[-1]].op not in DEPARTS_AFTER:
        raise _broken("that a chain of crew operations ends every configuration")

    def waits_for_all(k: int) -> bool:
        before = _ancestors(nodes, steps[k])
        return not any(
            i not in before
            and i not in steps[k:]
            and (nodes[i].succs or nodes[i].op not in DEPARTS_AFTER)
            for i in range(len(nodes))
        )

    # A leading step that runs beside other work (a ground-air test beside an arrival
    # inspection) is an ordinary node: the chain starts at the first step that waits.
    first = next((k for k in range(len(steps)) if waits_for_all(k)), None)
    if first is None:
        raise _broken("that the final steps wait for all else but the departure operations")
    return steps[first:]


def _ancestors(nodes: Sequence[Node], i: int) -> set[int]:
    """The nodes ``nodes[i]`` waits for, directly or through others."""
    out: set[int] = set()
    todo = list(nodes[i].preds)
    while todo:
        j = todo.pop()
        if j not in out:
            out.add(j)
            todo.extend(nodes[j].preds)
    return out


def node_minutes(
    d: Durations, train: Train, nodes: Sequence[Node], ground: bool, blocks: int = 0
) -> list[int]:
    """The duration of each node: its operation's for the whole train; ``blocks`` for
    :data:`BLOCKS`."""
    return [
        blocks if n.rule is None else n.rule.minutes(d, train, train.carriages, ground)
        for n in nodes
    ]


#: (rule, earliest time, duration) -> earliest start at or after it (None: never).
StartFn = Callable[[OpRule, int, int], int | None]


def _at_once(rule: OpRule, t: int, dur: int) -> int:
    return t


def walk(
    nodes: Sequence[Node],
    minutes: Sequence[int],
    arrival: int,
    loco: int,
    start: StartFn = _at_once,
    blocks: Callable[[int], int | None] | None = None,
) -> tuple[list[int], list[int]] | None:
    """Earliest (starts, ends) of ``nodes`` (a prefix of a skeleton, or all of it): each
    after its predecessors' ends, an operation after arrival no earlier than ``arrival``,
    the one taking the locomotive no earlier than ``loco``, then as ``start`` allows.
    :data:`BLOCKS` starts when its predecessors end and ends at ``blocks`` of that (at
    its duration without it). None when some node can never start."""
    starts: list[int] = []
    ends: list[int] = []
    for node, dur in zip(nodes, minutes, strict=True):
        t = max((ends[p] for p in node.preds), default=0)
        rule = node.rule
        if rule is None:
            end = t + dur if blocks is None else blocks(t)
            if end is None:
                return None
            starts.append(t)
            ends.append(end)
            continue
        if rule.after_arrival:
            t = max(t, arrival)
        if rule.locomotive:
            t = max(t, loco)
        s = start(rule, t, dur)
        if s is None:
            return None
        starts.append(s)
        ends.append(s + dur)
    return starts, ends


def tails(nodes: Sequence[Node], minutes: Sequence[int]) -> list[int]:
    """The least time from each node's end to the departure: its longest chain of
    successors."""
    out = [0] * len(nodes)
    for i in reversed(range(len(nodes))):
        out[i] = max((minutes[s] + out[s] for s in nodes[i].succs), default=0)
    return out


def departs(train: Train, nodes: Sequence[Node], ends: Mapping[int, int]) -> int:
    """The rulebook's departure, with the given ends of the departure operations (the
    others, not yet known, at 0)."""
    at = {nodes[i].op: e for i, e in ends.items()}
    return departure(train, {op: at.get(op, 0) for op in DEPARTS_AFTER})


def blocks_index(nodes: Sequence[Node]) -> int:
    """The index of :data:`BLOCKS` in an exchange skeleton."""
    return next(i for i, n in enumerate(nodes) if n.rule is None)


# --------------------------------------------------------------------- carriage chain


@cache
def carriage_chain(method: str) -> tuple[OpRule, ...]:
    """The carriage chain on a track of ``method`` (module docstring), read from the
    rulebook by :func:`chain_of`."""
    return chain_of(OPS, method)


def chain_of(ops: Sequence[OpRule], method: str) -> tuple[OpRule, ...]:
    """The longest chain of block and carriage operations of ``ops`` (a topological order)
    from shunt_in to shunt_out on a track of ``method``, each waiting for the one before.

    Two kinds of step are relaxed away, so that every bound stays valid and the chains of
    all methods keep one shape (they differ only in the bogie step): a step beside the
    chain (one it does not pass through, such as a coupler exchange between disconnect and
    reconnect), and a step of some track methods only other than the bogie step (its
    successors then wait for what it waits for)."""
    longest: dict[str, tuple[OpRule, ...]] = {}
    for r in ops:
        if not r.exists("exchange", method) or r.level == "train":
            continue
        if r.op == SHUNT_IN.op:
            longest[r.op] = (r,)
            continue
        paths = [longest[p] for p in r.after if p in longest]
        if not paths:
            continue
        best = max(paths, key=len)
        of_some_methods = r.methods != frozenset(METHODS) and not r.bogies
        longest[r.op] = best if of_some_methods else (*best, r)
    path = longest.get(SHUNT_OUT.op, ())
    chain = tuple(r for r in path if r.op not in (SHUNT_IN.op, SHUNT_OUT.op))
    if not chain or path[0].op != SHUNT_IN.op:
        raise _broken(f"a chain of carriage operations on {method} tracks")
    if any(r.ground is not None for r in chain):
        raise _broken("carriage operations that do not depend on the ground-air test")
    return chain


def bogie_step(chains: Sequence[tuple[OpRule, ...]]) -> int:
    """The index of the one bogie step at the same place of every method's chain (checked:
    the chains differ only in it)."""
    steps = {i for c in chains for i, r in enumerate(c) if r.bogies}
    if len(steps) != 1 or len({len(c) for c in chains}) != 1:
        raise _broken("one bogie step at the same place of every method's carriage chain")
    (k,) = steps
    for i in range(len(chains[0])):
        if len({c[i].op if i != k else c[i].skill for c in chains}) != 1:
            raise _broken("carriage chains that differ only in the bogie step")
    return k


#: The index of the bogie step in every carriage chain.
BOGIE: int = bogie_step([carriage_chain(m) for m in METHODS])


def _span(hold: Hold) -> tuple[int, int]:
    chain = [r.op for r in carriage_chain("individual")]
    if not {hold.start_op, hold.end_op} <= set(chain):
        raise _broken("a jack hold over steps of the individual carriage chain")
    return chain.index(hold.start_op), chain.index(hold.end_op)


#: The per-track pool of ``individual`` tracks (the jack hold, :func:`~gaugeopt.rules.pool`)
#: and its first and last steps in the ``individual`` carriage chain.
POOL: Hold = pool()
JACKS: tuple[int, int] = _span(POOL)


def chain_minutes(d: Durations, train: Train, car: Carriage, method: str) -> list[int]:
    """How long each step of ``car``'s chain on a ``method`` track lasts; a block step (the
    roll) as for a block of this carriage alone."""
    return [r.minutes(d, train, [car], False) for r in carriage_chain(method)]


def share(d: Durations, rule: OpRule, car: Carriage) -> int:
    """What ``car`` adds to the duration of a block operation."""
    return 0 if rule.per_carriage is None else rule.per_carriage(d, car)


def step_skill(k: int) -> str:
    """The skill of step ``k`` of the carriage chain (the same for every method)."""
    return carriage_chain(METHODS[0])[k].skill
