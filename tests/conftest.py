from __future__ import annotations

import os

import pytest

# Tests never write into the developer's demo data directory.
os.environ.setdefault("EPIGRID_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "var",
                                                       "test-data"))


@pytest.fixture(autouse=True)
def _english_by_default(settings: pytest.FixtureRequest) -> None:
    """Assertions read messages in English unless a test asks for Chinese."""
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
