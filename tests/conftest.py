"""Shared fixtures: where the examples and the shared benchmark data live."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the project root (benchmarks, research, DESIGN.md)."""
    return ROOT.parent / "shared"


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    """The worked example instances shipped with the project."""
    return ROOT / "instances" / "examples"
