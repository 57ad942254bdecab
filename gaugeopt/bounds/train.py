"""A lower bound on each train's dwell, from relaxations that need no search.

Each train is bounded alone, with the whole station to itself (other trains only take
crews, shunters and tracks away; the locomotives they could bring are counted at their
earliest), and Σ weight × (bound of each train) bounds the objective.

A train's departure is bounded, for each configuration it may take — a mode of
:func:`~gaugeopt.rules.possible_modes` and a ground-air choice of
:func:`~gaugeopt.rules.ground_options` — by the largest of the bounds below; the least over
its configurations bounds its departure. A configuration's tasks, durations, skills,
shunters and precedences are the rulebook's, read through :mod:`gaugeopt.bounds.skeleton`:
with the ground-air test the train has the test's brake work before the attach and the
abbreviated brake test after it, without it neither, so each configuration counts the brake
work it forces and no more. Track maintenance windows (v1.1) are ignored: they only forbid
schedules, so every bound below still holds with them.

In exchange mode every schedule also has one **track configuration**: the track methods its
blocks use (all ``individual``, all ``roll``, or mixed, which needs two blocks or more), the
number b of blocks and, when mixed, the number S of carriages on roll tracks. The least over
track configurations of a bound valid for each is a bound
(:func:`gaugeopt.bounds.exchange.exchange_bound` searches them best first).

Every task gets a **head** (an earliest start: its chain of predecessors at their shortest,
each waiting until some crew with its skill is on duty long enough to do it whole) and a
**tail** (the shortest chain of successors from its end to the departure). In any
schedule every task starts at or after its head and the departure is at least its end
plus its tail. All durations, heads and tails are minima over the choices left inside a
(track) configuration (which carriages form the blocks, which track, which method for a
carriage that fits both), so each bound below holds for every schedule of it.

* **Critical path**: the longest chain of the configuration's skeleton, the attach waiting
  for the earliest locomotive of the outbound gauge; ``earliest_departure``; the border
  check.
* **Crews** (:func:`gaugeopt.bounds.energy.crew_bounds`), energetic reasoning with a window
  per crew: for a set K of skills, a head h and a tail q, the tasks needing a skill in K
  whose head ≥ h and tail ≥ q lie in [h, departure − q] and only the crews having a skill in
  K can do them. A crew only does those that need one of its own skills, so it works on them
  only within [least head of those, departure − least tail of those], and only in pieces of
  its shifts long enough to hold the shortest of them whole (no task is interrupted or
  crosses a shift end). The departure is at least the least T at which those crews' time in
  their windows covers the work. Every K the crews connect is checked: these are the Hall
  conditions of assigning the work of each skill to crews having it (a K whose skills split
  into parts no crew bridges is the sum of its parts). The same bound over the predecessors
  of each final step (couple, ground-air test, attach, brake test) bounds when each can
  start; each must then also fit in a shift of a crew with its skill
  (:func:`gaugeopt.bounds.final.finish`).
* **Shunters** (:func:`gaugeopt.bounds.energy.shunter_bound`): the same (h, q) energy with
  the shunting locomotives as identical machines: 2b shunts, the rolls and the changer
  pass.
* **Tracks** (:func:`gaugeopt.bounds.tracks.track_makespan`): a block occupies its track
  from its shunt_in start to its shunt_out end, at least 2 shunts plus the shortest way
  through its carriages (on an ``individual`` track ⌈s/J⌉ rounds of lift-swap-lower for s
  carriages and J jack sets; on a ``roll`` track one roll of all their bogies). All blocks
  lie between the first possible shunt_in start and the departure minus the final steps, so
  the blocks of each track fit in a span L; the least L at which the tracks could hold every
  carriage (the heavy ones only on tracks that lift them; with a split S, S of them on roll
  tracks and the others on individual ones) bounds the departure. With a single track the b
  blocks follow each other and each lasts at least as long as its longest carriage
  (:func:`gaugeopt.bounds.tracks.one_track`).
* **Roll barrier** (:func:`gaugeopt.bounds.carriages.roll_barrier`): the largest roll block
  (at least ⌈n/b⌉ carriages, or ⌈S/r⌉ with at most r roll blocks) rolls only once all its
  carriages are lifted, and lowers them only once rolled: both phases are crew bounds of
  their own.
* **Bogie work of a split**: with S carriages rolled, those that must be (too heavy for any
  individual track) and then those a roll saves most on; at least ⌈S / roll capacity⌉
  roll setups.
"""

from __future__ import annotations

from gaugeopt.bounds.energy import Station, Work, crew_bounds, shunter_bound
from gaugeopt.bounds.exchange import exchange_bound
from gaugeopt.bounds.final import finish, step_tails, steps_of
from gaugeopt.bounds.locos import loco_release_times
from gaugeopt.bounds.skeleton import (
    absent,
    departs,
    final_steps,
    node_minutes,
    skeleton,
    tails,
    walk,
)
from gaugeopt.model.instance import Instance, Train
from gaugeopt.rules import ground_options, possible_modes


def _other_bound(st: Station, train: Train, mode: str, ground: bool, loco: int) -> int | None:
    """Departure bound in a mode without blocks (``through``, ``changer``): every task is a
    node of the skeleton."""
    d = st.inst.station.durations
    lacks = absent(d, train)
    nodes = skeleton(mode, ground, lacks)
    minutes = node_minutes(d, train, nodes, ground)
    walked = walk(nodes, minutes, train.arrival, loco, st.op_start)
    if walked is None:
        return None
    starts, ends = walked
    tail = tails(nodes, minutes)
    ops = [
        Work(node.rule.skill, m, m, node.rule.shunter, t, q)
        for node, m, t, q in zip(nodes, minutes, starts, tail, strict=True)
        if node.rule is not None
    ]
    final = final_steps(mode, ground, lacks)
    steps = steps_of(nodes, minutes, final, loco)
    ready = max(ends[p] for p in nodes[final[0]].preds)
    sh = shunter_bound(len(st.inst.station.shunters), ops)
    crews = crew_bounds(st, ops, step_tails(steps))
    end = None if crews is None else finish(st, steps, crews[1], ready)
    if sh is None or crews is None or end is None:
        return None
    return max(departs(train, nodes, dict(enumerate(ends))), sh, crews[0], end)


def _departure_bound(st: Station, train: Train, mode: str) -> int | None:
    """Earliest departure of ``train`` alone in ``mode``, the least over the ground-air
    choices (None: impossible)."""
    loco = min(loco_release_times(st.inst, train.to_gauge), default=None)
    if loco is None:
        return None
    deps = [
        exchange_bound(st, train, g, loco)
        if mode == "exchange"
        else _other_bound(st, train, mode, g, loco)
        for g in ground_options(st.inst)
    ]
    return min((x for x in deps if x is not None), default=None)


def train_dwell_bounds(inst: Instance) -> list[int | None]:
    """A lower bound on each train's dwell (None: the train cannot leave at all)."""
    st = Station(inst)
    out: list[int | None] = []
    for train in inst.trains:
        deps = [_departure_bound(st, train, m) for m in possible_modes(inst, train)]
        known = [x for x in deps if x is not None]
        out.append(min(known) - train.arrival if known else None)
    return out
