"""Shared fixtures: where the examples and the benchmark data shipped with the repo live."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def bench_data() -> Path:
    """``benchmarks/data``: the PSPLIB and MMLIB files and their best-known values."""
    return ROOT / "benchmarks" / "data"


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    """The worked example instances shipped with the project."""
    return ROOT / "instances" / "examples"
