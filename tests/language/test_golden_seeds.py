"""Every bullet of the seeds compiles to what a clinician would read (pinned golden files)."""

from __future__ import annotations

import pytest

from conftest import ROOT, SEEDS
from golden_files import check_golden
from trialscreen.language.compiler import compile_criterion
from trialscreen.trials.load import load_trials

TRIALS = load_trials(SEEDS)
GOLDEN = ROOT / "tests" / "golden" / "parse"


@pytest.mark.parametrize("trial", [t for t in TRIALS if t.bullets], ids=lambda t: t.id)
def test_seed_parse_golden(trial: object) -> None:
    lines = []
    for bullet in trial.bullets:  # type: ignore[attr-defined]
        c = compile_criterion(bullet.text, bullet.kind)
        flags = f"  [{', '.join(c.flags)}]" if c.flags else ""
        lines.append(
            f"#{bullet.index} {bullet.kind} {c.status}: {bullet.text}\n    => {c.canonical}{flags}"
        )
        if c.uncovered:
            lines.append(f"    uncovered: {' | '.join(c.uncovered_text())}")
    check_golden(GOLDEN / f"{trial.id}.txt", "\n".join(lines) + "\n")  # type: ignore[attr-defined]


def by_text(trial_id: str, start: str) -> object:
    trial = next(t for t in TRIALS if t.id == trial_id)
    bullet = next(b for b in trial.bullets if b.text.startswith(start))
    return compile_criterion(bullet.text, bullet.kind)


def test_seed_004_defects_are_flagged() -> None:
    platelets = by_text("NCT01444807", "Platelet count 100,000/ml")
    assert "missing_comparator" in platelets.flags  # type: ignore[attr-defined]
    alkaline = by_text("NCT01444807", "Alkaline phosphatase 4 x ULN")
    assert "comparator_inferred:<=" in alkaline.flags  # type: ignore[attr-defined]


def test_seed_003_labs_compile_fully() -> None:
    for start in (
        "Hemoglobin",
        "ANC",
        "Platelet count",
        "Total bilirubin",
        "ALT and AST",
        "INR",
        "PTT within",
        "Creatinine",
    ):
        assert by_text("NCT00573755", start).status == "compiled", start  # type: ignore[attr-defined]
