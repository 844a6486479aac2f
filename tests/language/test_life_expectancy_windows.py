"""Life expectancy as a verb, window wordings, "recent", "other" treatments (session 2026-12-05,
third): how each compiles. Decisions are in the meaning suite (life_expectancy_windows,
recent_bracket_windows, review_random_audit_26, review_document_audit_27)."""

from __future__ import annotations

import pytest

from trialscreen.language.compiler import compile_criterion


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        ("Are expected to live at least 12 weeks.", "inclusion", "life expectancy >= 12 weeks"),
        ("Unlikely to survive more than 2 weeks.", "exclusion", "life expectancy <= 2 weeks"),
        ("Not expected to survive 12 weeks.", "exclusion", "life expectancy < 12 weeks"),
        (
            "Major surgery within ≤ 2 weeks before randomization.",
            "exclusion",
            "major surgery within 2 weeks",
        ),
        (
            "Chemotherapy 4 weeks or less prior to registration",
            "exclusion",
            "chemotherapy within 4 weeks",
        ),
        ("Herpes zoster (within the past year).", "exclusion", "herpes zoster within 1 year"),
        ("Recent stroke (within 10 days)", "exclusion", "stroke within 10 days"),
        (
            "Recent (within 6 months) history of myocardial infarction.",
            "exclusion",
            "history of myocardial infarction within 6 months",
        ),
        ("Recent myocardial infarction", "exclusion", "recent myocardial infarction"),
        (
            "Age 22 to 75 years (inclusive) at the time of enrollment.",
            "inclusion",
            "age >= 22 years and age <= 75 years",
        ),
        (
            "Other antifungal agents within the past 3 days.",
            "exclusion",
            "other antifungal agent within 3 days",
        ),
        ("Prednisone or other corticosteroids", "exclusion", "prednisone or else corticosteroids"),
        ("Other investigational agents", "exclusion", "investigational agent"),
    ],
)
def test_reads(text: str, kind: str, canonical: str) -> None:
    c = compile_criterion(text, kind)  # type: ignore[arg-type]
    assert c.status == "compiled", (c.status, c.flags, c.uncovered_text())
    assert c.canonical == canonical


@pytest.mark.parametrize(
    "text",
    [
        "not expected to live = 0,000 year at study start ",  # fuzz: a negated equality
        "Not likely to survive the length of the study.",
        "Chemotherapy (in combination with radiation)",  # "(in" is no window
        "Age 22 to 75 years (healthy) at the time of enrollment.",
    ],
)
def test_not_read(text: str) -> None:
    assert compile_criterion(text, "inclusion").status != "compiled"
