"""The independent solution checker: every rule of docs/model.md and docs/file-formats.md (contract v1.1).

It reads only the instance and solution models; it never imports solver code
(``gaugeopt.core``, ``gaugeopt.gauge``, ``gaugeopt.solver``, ``gaugeopt.construct``,
``gaugeopt.rules``, ``gaugeopt.bounds``).
"""

from gaugeopt.checker.check import check
from gaugeopt.checker.violation import Violation

__all__ = ["Violation", "check"]
