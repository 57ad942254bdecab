"""Shared fixtures: where the examples and the benchmark data shipped with the repo live, and
the deterministic solve budget of every test (tests/budget.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from budget import CLOCK_SLACK

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def bench_data() -> Path:
    """``benchmarks/data``: the PSPLIB and MMLIB files and their best-known values."""
    return ROOT / "benchmarks" / "data"


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    """The worked example instances shipped with the project."""
    return ROOT / "instances" / "examples"


@pytest.fixture(scope="session")
def deterministic_params(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ``--params`` file for CLI solves with ``-w 1``: the clock only a safety net at
    ``CLOCK_SLACK`` times the time limit (tests/budget.py)."""
    path = tmp_path_factory.mktemp("params") / "deterministic.toml"
    path.write_text(f"clock_slack = {CLOCK_SLACK}\n", encoding="utf-8")
    return path
