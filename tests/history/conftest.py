"""Fixtures of the history tests; the generated exports are in history_exports.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from history_exports import load_settings

from pipeline import settings


@pytest.fixture
def history_settings(tmp_path: Path) -> settings.Settings:
    """The invented user's settings (targets Shopify and Google; rank moves over 30 places)."""
    return load_settings(tmp_path)
