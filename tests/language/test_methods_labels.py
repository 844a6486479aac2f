"""How an ejection fraction is measured ("by MUGA", "by either echocardiogram (ECHO) or MUGA
scan"); "x UNL"; "Liver function:" labels; contraception "required of fertile patients";
"pre-existing"; a state "at the time of enrollment"."""

from __future__ import annotations

import pytest
from test_results import decide

from trialscreen.language.compiler import compile_criterion

RECENT = "2026-10-28"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Ejection fraction at least 55% by MUGA", "LVEF >= 55 %"),
        ("Left ventricular ejection fraction at least 45% on MUGA", "LVEF >= 45 %"),
        ("LVEF ≥ 50% by echocardiogram or MUGA scan", "LVEF >= 50 %"),
        (
            "LVEF < 45% by either echocardiogram (ECHO) or multigated acquisition (MUGA) scan",
            "LVEF < 45 %",
        ),
        (
            "Left ventricular ejection fraction by radionuclide angiography of less than or equal "
            "to 40%.",
            "LVEF <= 40 %",
        ),
        (
            "LVEF ≥ 50% (by ECHO or MUGA) within 28 days prior to registration",
            "LVEF >= 50 % within 4 weeks",
        ),
    ],
)
def test_how_an_ejection_fraction_is_measured_is_read(text: str, canonical: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


def test_a_method_after_another_test_is_not_read() -> None:
    compiled = compile_criterion("Creatinine < 1.5 mg/dL by echocardiogram", "inclusion")
    assert compiled.status == "partial" and "method_unread" in compiled.flags


@pytest.mark.parametrize(("lvef", "expected"), [(60, "pass"), (40, "fail")])
def test_an_ejection_fraction_by_muga_decides_on_the_recorded_one(lvef: int, expected: str) -> None:
    lab = {"name": "LVEF", "value": lvef, "unit": "%", "date": RECENT}
    assert decide("LVEF at least 50% by MUGA", "inclusion", observations=[lab]) == expected


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Total bilirubin < 1.5 x UNL", "Total bilirubin < 1.5 x ULN"),
        ("ASAT/ALAT < 2.5 x UNL", "AST < 2.5 x ULN and ALT < 2.5 x ULN"),
        ("Total bilirubin =< 1.5 x upper normal limit (UNL)", "Total bilirubin <= 1.5 x ULN"),
        ("Bilirubin ≤ 1.5 times the upper limit of normal (ULN)", "Total bilirubin <= 1.5 x ULN"),
        (
            "Liver function: total bilirubin ≤ 1.5 × UNL; ALT, AST ≤ 1.5 × UNL",
            "Total bilirubin <= 1.5 x ULN and ALT <= 1.5 x ULN and AST <= 1.5 x ULN",
        ),
        ("Renal function: Cr≤1.2×UNL (upper limit of normal value);", "Creatinine <= 1.2 x ULN"),
    ],
)
def test_upper_normal_limit_and_function_labels(text: str, canonical: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


def test_a_multiple_of_unl_uses_the_patients_range() -> None:
    lab = {"name": "total bilirubin", "value": 2.0, "unit": "mg/dL", "date": RECENT}
    lab["reference_range"] = {"high": 1.2}  # type: ignore[assignment]
    assert decide("Total bilirubin < 1.5 x UNL", "inclusion", observations=[lab]) == "fail"


@pytest.mark.parametrize(
    "text",
    [
        "Effective contraception required of fertile patients.",
        "Adequate contraception required of all fertile patients",
    ],
)
def test_contraception_required_of_fertile_patients_is_the_fertile_rule(text: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert compiled.status == "compiled"
    assert compiled.canonical.startswith("if childbearing potential:")
    postmenopausal = {"sex": "female", "menopausal_status": "postmenopausal"}
    assert decide(text, "inclusion", **postmenopausal) == "pass"
    assert decide(text, "inclusion", sex="female", childbearing_potential=True) == "unknown"


def test_contraception_required_with_more_words_is_not_the_rule() -> None:
    text = "Adequate contraception required of fertile patients during and for 6 months after study"
    assert compile_criterion(text, "inclusion").status != "compiled"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("pre-existing renal insufficiency", "kidney disease"),
        ("Preexisting peripheral neuropathy > grade 1", "peripheral neuropathy grade > 1"),
        ("Previous myocardial infarction", "history of myocardial infarction"),  # not neutral
    ],
)
def test_pre_existing_says_what_the_bare_name_says(text: str, canonical: str) -> None:
    compiled = compile_criterion(text, "exclusion")
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Participants who are pregnant at the time of enrollment.", "current pregnancy"),
        ("Incarcerated at the time of study enrollment.", "current incarceration"),
        ("History of stroke at the time of enrollment", "history of stroke"),
    ],
)
def test_a_state_at_the_time_of_enrollment_is_now(text: str, canonical: str) -> None:
    compiled = compile_criterion(text, "exclusion")
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


def test_a_state_at_enrollment_decides_on_the_present() -> None:
    now = [{"name": "pneumonia", "status": "active", "onset": "2026-10-20"}]
    assert decide("Infection at the time of enrollment", "exclusion", conditions=now) == "fail"
    text = "Participants who are pregnant at the time of enrollment."
    assert decide(text, "exclusion", sex="female", pregnant=False) == "pass"
    assert decide(text, "exclusion", sex="female", pregnant=True) == "fail"
