"""Ages, life expectancy and performance status as records write them: a range "from 18 to 70",
"up to", bounds in two units ("between the ages of 18 months and 8 years"), "older than or equal
to", boys and girls, "live expectancy", "expected survival period", "WHO 0-1", "gm/dL"."""

from __future__ import annotations

import pytest
from test_results import decide

from trialscreen.language.compiler import compile_criterion


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Age from 18 to 70 years", "age >= 18 years and age <= 70 years"),
        ("Age ranging from 18 to 75 years", "age >= 18 years and age <= 75 years"),
        ("Age 3 months up to 100 years", "age >= 3 months and age <= 100 years"),
        # each bound in its own unit: 8 years, not 8 months
        ("Between the ages of 18 months and 8 years", "age >= 18 months and age <= 8 years"),
        ("Age older than or equal to 18 years", "age >= 18 years"),
        ("Age younger than or equal to 75", "age <= 75 years"),
        (
            "Boys between the age of 18 months and 8 years of age",
            "male and age >= 18 months and age <= 8 years",
        ),
        ("Male or female patients aged 18 years or older", "age >= 18 years"),
        ("live expectancy > 12 weeks", "life expectancy > 12 weeks"),
        ("Expected survival period ≥ 12 weeks", "life expectancy >= 12 weeks"),
        ("WHO 0-1", "ECOG <= 1"),
        ("WHO performance 0-2 (incl.)", "ECOG <= 2"),
        ("WHO physical status score is 0~1;", "ECOG <= 1"),
        ("Hemoglobin >= 9 gm/100 ml", "Hemoglobin >= 9 g/dL"),
        ("Lymphocyte count greater than 700/mm ^3", "Lymphocytes > 700 /mm^3"),
        ("Hemoglobin >= 10 gm/dL", "Hemoglobin >= 10 g/dL"),
    ],
)
def test_read_as_written(text: str, canonical: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


def test_bounds_in_two_units_decide_by_each() -> None:
    text = "Between the ages of 18 months and 8 years"
    assert decide(text, "inclusion", birth_date="2020-01-01") == "pass"  # 6 years old
    assert decide(text, "inclusion", birth_date="2016-01-01") == "fail"  # 10 years old
    assert decide(text, "inclusion", birth_date="2026-01-01") == "fail"  # 10 months old


@pytest.mark.parametrize(
    "text",
    [
        "WHO grade 2 glioma",  # a tumour grade, not a performance status
        "Women patients receiving ART",  # who the treatment is about
    ],
)
def test_not_read_as_an_age_or_a_performance_status(text: str) -> None:
    assert compile_criterion(text, "inclusion").status != "compiled"
