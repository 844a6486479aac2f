"""Golden files: compare text with a checked-in file; TRIALSCREEN_UPDATE_GOLDEN=1 rewrites it."""

from __future__ import annotations

import os
from pathlib import Path


def check_golden(path: Path, actual: str) -> None:
    """Assert `actual` equals the golden file (or rewrite it when asked)."""
    if os.environ.get("TRIALSCREEN_UPDATE_GOLDEN") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path} differs; rerun with TRIALSCREEN_UPDATE_GOLDEN=1 and review"
