"""Golden segmentation of the seed pages: one line per bullet, `index kind [section] parent | text`.

Rewrite the files with TRIALSCREEN_UPDATE_GOLDEN=1 and review the diff like code.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS
from trialscreen.model.trial import Trial
from trialscreen.trials.load import load_records

GOLDEN = ROOT / "tests" / "golden" / "segmentation"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
EXPECTED_COUNTS = {  # seed prefix: (inclusion, exclusion)
    "000": (7, 9),
    "001": (0, 0),
    "002": (0, 0),
    "003": (49, 0),
    "004": (18, 22),
}


def render(trial: Trial) -> str:
    """The golden text for a trial's bullets."""
    lines = []
    for bullet in trial.bullets:
        parent = "-" if bullet.parent is None else str(bullet.parent)
        section = bullet.section or "-"
        lines.append(f"{bullet.index} {bullet.kind} [{section}] {parent} | {bullet.text}")
    return "".join(f"{line}\n" for line in lines)


def seed_trial(path: Path) -> Trial:
    report = load_records(path)
    assert report.errors == []
    (trial,) = report.trials
    return trial


@pytest.mark.parametrize("path", SEED_FILES, ids=[path.stem for path in SEED_FILES])
def test_seed_segmentation_matches_golden(path: Path) -> None:
    golden = GOLDEN / f"{path.stem}.txt"
    actual = render(seed_trial(path))
    if os.environ.get("TRIALSCREEN_UPDATE_GOLDEN") == "1":
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run with TRIALSCREEN_UPDATE_GOLDEN=1"
    assert actual == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", SEED_FILES, ids=[path.stem for path in SEED_FILES])
def test_seed_counts(path: Path) -> None:
    trial = seed_trial(path)
    counts = (trial.count("inclusion"), trial.count("exclusion"))
    assert counts == EXPECTED_COUNTS[path.stem[:3]]
    if counts == (0, 0):
        assert trial.warnings, "a seed without criteria is loaded with a warning"


def test_seed_003_has_three_nci_sections() -> None:
    (path,) = [path for path in SEED_FILES if path.stem.startswith("003")]
    trial = seed_trial(path)
    sections = list(dict.fromkeys(bullet.section for bullet in trial.bullets))
    assert sections == [
        "DISEASE CHARACTERISTICS",
        "PATIENT CHARACTERISTICS",
        "PRIOR CONCURRENT THERAPY",
    ]


def test_seed_criteria_text_is_a_slice_of_the_page() -> None:
    for path in SEED_FILES:
        trial = seed_trial(path)
        assert trial.criteria_text in path.read_text(encoding="utf-8")
        for bullet in trial.bullets:
            start, end = bullet.span
            assert bullet.text.split()[-1] in trial.criteria_text[start:end]
