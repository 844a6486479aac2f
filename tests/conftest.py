"""Shared fixtures: paths to the project's seeds and to ../shared (skipped where absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
PATIENTS = ROOT / "patients"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
GOLD_DEV = SHARED / "gold-dev"
FHIR_BUNDLES = SHARED / "patients-fhir" / "synthea-mcode-breast"


def need_shared(path: Path) -> Path:
    """Skip the calling test, with a clear reason, where ../shared material is absent."""
    if not path.exists():
        pytest.skip(f"{path} is absent: this test needs the ../shared folder beside the checkout")
    return path


@pytest.fixture(autouse=True, scope="session")
def _store_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Commands use the compiled-trial store: keep it out of the user's cache directory."""
    import os

    os.environ.setdefault(
        "TRIALSCREEN_STORE", str(tmp_path_factory.mktemp("store") / "store.sqlite3")
    )
