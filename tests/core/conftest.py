"""Shared helpers for the core tests: solve and check against the problem semantics."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from core_check import violations

from gaugeopt.core import CoreResult, Problem, solve_problem


@pytest.fixture
def solve() -> Callable[..., CoreResult]:
    """Solve with one worker and a fixed seed; assert any solution found is valid."""

    def run(problem: Problem, **kwargs) -> CoreResult:
        kwargs.setdefault("workers", 1)
        kwargs.setdefault("time_limit", 20.0)
        result = solve_problem(problem, **kwargs)
        if result.has_solution:
            assert violations(problem, result) == []
        return result

    return run
