"""gaugeopt: optimal schedules for break-of-gauge border stations."""

from gaugeopt.errors import InputError
from gaugeopt.model import (
    Instance,
    Solution,
    read_instance,
    read_solution,
    write_instance,
    write_solution,
)

__all__ = [
    "InputError",
    "Instance",
    "Solution",
    "read_instance",
    "read_solution",
    "write_instance",
    "write_solution",
]
__version__ = "0.1.0"
