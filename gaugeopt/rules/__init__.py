"""The rules of DESIGN.md §4 as data (:mod:`.rulebook`) and one train's task graph
(:mod:`.taskgraph`). Everything on the solver side derives from these two modules;
everything that reads a finished schedule reads it through :mod:`.reading`."""

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
    changer_obstacle,
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
    "changer_obstacle",
    "departure",
    "dwell",
    "ground_options",
    "objective",
    "possible_modes",
    "task_graph",
    "track_windows",
]
