"""Shared fixtures: paths to the project's seeds and to ../shared (skipped where absent)."""

from __future__ import annotations

import contextlib
import os
import warnings
from pathlib import Path

import pytest
from hypothesis import settings

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


# Hypothesis profiles, chosen with HYPOTHESIS_PROFILE: dev (default, quick), ci (more examples,
# derandomised, no deadline, reproduction blobs), fuzz (a long hunt, run by hand).
settings.register_profile("dev", max_examples=100)
settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("fuzz", max_examples=20000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# On a failure, hypothesis's pytest plugin imports its patch writer (hypothesis.extra._patching),
# which imports libcst, which imports mypy_extensions.TypedDict: a DeprecationWarning that
# `filterwarnings = error` turns into an INTERNALERROR ending the session before any failure is
# reported. Importing it once here, with that one warning ignored, lets failures be reported.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "mypy_extensions.TypedDict is deprecated", DeprecationWarning)
    with contextlib.suppress(ImportError):
        import hypothesis.extra._patching  # noqa: F401


def pytest_terminal_summary(terminalreporter: object) -> None:
    """After a run that included the meaning suite, print its figures (tests/meaning)."""
    import sys

    suite, cases = sys.modules.get("suite"), sys.modules.get("test_meaning")
    results = getattr(cases, "RESULTS", None)
    if suite is None or not results:
        return
    figures = suite.summary(results)["total"]
    expect = figures.get("expect_decision", 0)
    share = figures.get("decided_right", 0) / expect if expect else 0.0
    terminalreporter.write_line(  # type: ignore[attr-defined]
        f"meaning suite: {figures.get('cases', 0)} cases, {figures.get('wrong', 0)} wrong, "
        f"{figures.get('undecided', 0)} undecided; decided share {share:.1%} "
        f"({figures.get('decided_right', 0)} of {expect} cases that expect a decision)"
    )
