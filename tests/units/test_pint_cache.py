"""Pint's parsed definitions are kept on disk between runs (start-up); a damaged or unwritable
cache is not used and the registry is built from the definitions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = (
    "from trialscreen.units.registry import conversion_factor, ureg; "
    "print(conversion_factor('10^9/L', '/uL'), ureg.parse_units('mg/dL'))"
)


def _run(cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRIALSCREEN_PARSER_CACHE": str(cache)}
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_cache_is_written_and_a_damaged_one_is_not_used(tmp_path: Path) -> None:
    first = _run(tmp_path)
    assert first.returncode == 0, first.stderr
    kept = list((tmp_path / "pint").iterdir())
    assert kept
    for path in kept:
        path.write_bytes(b"\x80not a pickle")
    again = _run(tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout


def test_an_unwritable_cache_folder_is_not_used(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    got = _run(blocker)  # the cache folder would be inside a file
    assert got.returncode == 0, got.stderr
