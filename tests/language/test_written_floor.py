"""A threshold written with its unit may lie far below the normal range's upper limit, but not
below half its lower limit (a unit error)."""

from __future__ import annotations

import pytest

from trialscreen.language.compiler import compile_criterion


@pytest.mark.parametrize(
    "text",
    [
        "Vitamin B12 > 200 pg/mL",  # under a quarter of the 1,600 upper limit: a real threshold
        "Total testosterone greater than 5 nmol/L",
        "Bilirubin 0.2-1.4 mg/dL",
        "Ferritin at least 50 ng/mL",
    ],
)
def test_low_written_thresholds_are_read(text: str) -> None:
    compiled = compile_criterion(text)
    assert compiled.status == "compiled" and "implausible_value" not in compiled.flags, (
        compiled.canonical,
        compiled.flags,
    )


@pytest.mark.parametrize("text", ["Hemoglobin < 12 g/l", "Albumin >= 3 g/L"])
def test_a_unit_error_is_still_a_defect(text: str) -> None:
    assert "implausible_value" in compile_criterion(text).flags


def test_a_bare_number_is_read_in_the_usual_band() -> None:
    # the looser floor is for written units only: a bare bilirubin stays mg/dL, not ambiguous
    compiled = compile_criterion("Bilirubin <= 2.0")
    assert compiled.status == "compiled" and "ambiguous_unit" not in compiled.flags
