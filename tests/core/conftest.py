"""Shared helpers for the core tests: solve and check against the problem semantics."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from budget import core_budget
from core_check import violations

from gaugeopt.core import CoreResult, Problem, solve_problem


@pytest.fixture
def solve() -> Callable[..., CoreResult]:
    """Solve with one worker, a fixed seed and a deterministic budget (tests/budget.py);
    assert any solution found is valid."""

    def run(problem: Problem, **kwargs) -> CoreResult:
        kwargs = core_budget(0.6) | kwargs
        result = solve_problem(problem, **kwargs)
        if result.has_solution:
            assert violations(problem, result) == []
        return result

    return run
