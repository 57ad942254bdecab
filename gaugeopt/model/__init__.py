"""Instance and solution models with their file formats (docs/file-formats.md)."""

from gaugeopt.model.instance import Instance, scaled
from gaugeopt.model.io import (
    parse_instance,
    parse_solution,
    read_instance,
    read_solution,
    write_instance,
    write_solution,
)
from gaugeopt.model.solution import Solution

__all__ = [
    "Instance",
    "Solution",
    "parse_instance",
    "parse_solution",
    "read_instance",
    "read_solution",
    "scaled",
    "write_instance",
    "write_solution",
]
