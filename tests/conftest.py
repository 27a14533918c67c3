from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english_by_default(settings: pytest.FixtureRequest) -> None:
    """Assertions read messages in English unless a test asks for Chinese."""
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
