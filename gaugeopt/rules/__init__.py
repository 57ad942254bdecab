"""The rules of docs/model.md as data (:mod:`.rulebook`) and one train's task graph
(:mod:`.taskgraph`). Everything on the solver side derives from these two modules."""

from gaugeopt.rules.rulebook import (
    DEPARTS_AFTER,
    HOLDS,
    JACK_HOLD,
    LOCO_FREED_BY,
    METHODS,
    MODES,
    OPS,
    RULES,
    TRACK_HOLD,
    Hold,
    OpRule,
    departure,
    dwell,
    ground_options,
    objective,
    possible_modes,
    track_windows,
)
from gaugeopt.rules.taskgraph import BlockSpec, TaskNode, task_graph

__all__ = [
    "DEPARTS_AFTER",
    "HOLDS",
    "JACK_HOLD",
    "LOCO_FREED_BY",
    "METHODS",
    "MODES",
    "OPS",
    "RULES",
    "TRACK_HOLD",
    "BlockSpec",
    "Hold",
    "OpRule",
    "TaskNode",
    "departure",
    "dwell",
    "ground_options",
    "objective",
    "possible_modes",
    "task_graph",
    "track_windows",
]
