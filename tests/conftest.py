"""Fixtures shared by several test modules."""

from __future__ import annotations

import pytest
from foundation_support import SAMPLE_CSV, rank_json


@pytest.fixture(scope="session")
def reference() -> dict:
    """The ranking of the bundled sample, read as it is (plain UTF-8), as rank's JSON."""
    return rank_json("--candidates", SAMPLE_CSV)
