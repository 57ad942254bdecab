"""Constructive passes: gaugeopt's background restarts against the greedy, over the same time.

    PYTHONPATH=. python benchmarks/restart_passes.py SECONDS INSTANCE.json...

For each instance, one after the other: ``gaugeopt.solve`` with 2 workers and the given
time limit, its debug lines on the background restarts (when the process takes over, after
how many passes; how many passes the seeded sequence made in all), then the greedy's
sequence alone (:class:`~gaugeopt.construct.search.MultiStart`, the same seed) for the same
time and its pass count. Both counts are of the same seeded sequence, so the larger count
got further into it. One line per instance on stdout.
"""

from __future__ import annotations

import logging
import sys
import time

from gaugeopt.checker import check
from gaugeopt.construct.search import MultiStart
from gaugeopt.model.io import read_instance
from gaugeopt.solver import solve


class Lines(logging.Handler):
    """Keeps the messages of the background restarts."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if "restarts" in text and ("process" in text or "background" in text):
            self.lines.append(text)


def one(path: str, seconds: float) -> str:
    """The line of one instance."""
    inst = read_instance(path)
    lines, logger = Lines(), logging.getLogger("gaugeopt")
    logger.addHandler(lines)
    logger.setLevel(logging.DEBUG)
    try:
        res = solve(inst, time_limit=seconds, workers=2)
    finally:
        logger.removeHandler(lines)
    valid = check(inst, res.solution) == []
    t0 = time.perf_counter()
    greedy = MultiStart(inst, seed=0)
    greedy.run(time_limit=seconds - (time.perf_counter() - t0))
    best = None if greedy.best is None else greedy.best.objective
    return (
        f"{inst.name} gaugeopt {res.objective} valid {valid} | greedy {best} passes"
        f" {greedy.passes} | " + " / ".join(lines.lines)
    )


def main(argv: list[str]) -> None:
    seconds = float(argv[0])
    for path in argv[1:]:
        sys.stdout.write(one(path, seconds) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
