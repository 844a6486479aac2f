"""Numeric criteria written the ways real records write them: a comparator in words and again as
a symbol, old spellings of >= and <=, "within N x ULN", analytes named with several bracketed
aliases, ranges after "between", blood pressure as a systolic/diastolic pair, pulmonary function
in % of predicted, MMSE. Each test asserts the reading, then what it decides for a patient."""

from __future__ import annotations

from typing import Any

import pytest
from test_results import decide as decide_for

from trialscreen.language.compiler import compile_criterion
from trialscreen.model.compiled import CompiledCriterion
from trialscreen.records import PatientError, load_patient

DAY = "2026-10-25"


def decide(text: str, kind: str, *observations: dict[str, Any]) -> str:
    """The outcome of one bullet (read in a one-bullet list) for a patient with these labs."""
    return decide_for(text, kind, observations=list(observations))


def lab(name: str, value: float, unit: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"name": name, "value": value, "unit": unit, "date": DAY, **extra}


def read(text: str, kind: str = "inclusion") -> CompiledCriterion:
    return compile_criterion(text, kind)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Life expectancy of greater than or equal to (≥) 12 weeks", "life expectancy >= "),
        ("Hemoglobin greater than (>) 9 g/dL", "Hemoglobin > 9 g/dL"),
        ("Creatinine < or = 2.0 mg/dL", "Creatinine <= 2 mg/dL"),
        ("Age > or = 18 years", "age >= 18 years"),
        ("Bilirubin =/< 1.5 mg/dL", "Total bilirubin <= 1.5 mg/dL"),
    ],
)
def test_one_comparator_however_it_is_spelled(text: str, canonical: str) -> None:
    compiled = read(text)
    assert compiled.status == "compiled", compiled.uncovered_text()
    assert compiled.canonical.startswith(canonical)


def test_a_symbol_that_contradicts_its_words_is_not_dropped() -> None:
    compiled = read("Hemoglobin greater than (<) 9 g/dL")
    assert compiled.status != "compiled"


def test_within_a_multiple_of_uln_is_at_most_that_multiple() -> None:
    text = "Partial thromboplastin time (PTT) within 1.5x upper limit of normal"
    assert read(text).canonical == "PTT <= 1.5 x ULN"
    ranged = {"reference_range": {"low": 25, "high": 35}}
    assert decide(text, "inclusion", lab("PTT", 50, "s", **ranged)) == "pass"
    assert decide(text, "inclusion", lab("PTT", 56, "s", **ranged)) == "fail"


def test_within_a_time_is_still_a_window_not_a_bound() -> None:
    assert "within_limit" not in read("Myocardial infarction within 6 months").canonical.lower()
    assert read("Myocardial infarction within 6 months", "exclusion").status == "compiled"


def test_bracketed_aliases_of_one_analyte_are_one_subject() -> None:
    text = (
        "Aspartate aminotransferase (AST) (serum glutamic oxaloacetic transaminase [SGOT]) "
        "≤ 2.5 x institutional upper limit of normal"
    )
    assert read(text).canonical == "AST <= 2.5 x ULN"
    assert read("Serum glutamic-pyruvic transaminase (SGPT) ≤ 2.5 × ULN").canonical == (
        "ALT <= 2.5 x ULN"
    )


def test_aliases_naming_two_analytes_do_not_decide() -> None:
    compiled = read("ALT (AST) ≤ 2.5 x ULN")
    assert compiled.status == "partial" and "alias_mismatch" in compiled.flags


def test_between_with_a_dash() -> None:
    assert read("BMI between 18 - 30").canonical == "BMI >= 18 and BMI <= 30"
    assert decide("BMI between 18 - 30", "inclusion", lab("BMI", 31, "kg/m2")) == "fail"
    assert decide("BMI between 18 - 30", "inclusion", lab("BMI", 24, "kg/m2")) == "pass"


@pytest.mark.parametrize(
    ("text", "kind", "systolic", "diastolic", "expected"),
    [
        ("Resting blood pressure > 140/90 mmHg", "exclusion", 150, 80, "fail"),
        ("Resting blood pressure > 140/90 mmHg", "exclusion", 130, 95, "fail"),
        ("Resting blood pressure > 140/90 mmHg", "exclusion", 130, 85, "pass"),
        ("BP ≤ 150/90 mm Hg", "inclusion", 140, 85, "pass"),
        ("BP ≤ 150/90 mm Hg", "inclusion", 140, 95, "fail"),
        ("BP ≤ 150/90 mm Hg", "inclusion", 155, 80, "fail"),
        # a limit of hypotension: below it is either number below
        ("Blood pressure < 90/60 mmHg", "exclusion", 84, 66, "fail"),
        ("Blood pressure < 90/60 mmHg", "exclusion", 110, 70, "pass"),
        ("Blood pressure ≥ 100/60 mmHg", "inclusion", 98, 70, "fail"),
        ("Blood pressure ≥ 100/60 mmHg", "inclusion", 110, 70, "pass"),
    ],
)
def test_a_blood_pressure_pair_is_outside_if_either_is_and_inside_if_both_are(
    text: str, kind: str, systolic: float, diastolic: float, expected: str
) -> None:
    got = decide(
        text,
        kind,
        lab("systolic blood pressure", systolic, "mmHg"),
        lab("diastolic blood pressure", diastolic, "mmHg"),
    )
    assert got == expected


def test_one_side_of_a_pair_alone_decides_only_what_it_can() -> None:
    text = "BP ≤ 150/90 mm Hg"
    assert decide(text, "inclusion", lab("systolic blood pressure", 140, "mmHg")) == "unknown"
    assert decide(text, "inclusion", lab("systolic blood pressure", 160, "mmHg")) == "fail"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("FEV1 of at least 50 % of predicted", "FEV1 % predicted >= 50 %"),
        ("FEV1 < 30% predicted", "FEV1 % predicted < 30 %"),
        ("DLCO ≥ 50% predicted", "DLCO % predicted >= 50 %"),
        ("DLCO > 40%", "DLCO % predicted > 40 %"),
        ("FEV1/FVC < 70%", "FEV1/FVC < 70 %"),
        ("FEV1 ≥ 1.0 L", "FEV1 >= 1 L"),
    ],
)
def test_pulmonary_function_in_percent_is_percent_of_predicted(text: str, canonical: str) -> None:
    assert read(text).canonical == canonical


def test_percent_predicted_and_litres_do_not_stand_in_for_each_other() -> None:
    text = "FEV1 of at least 50 % of predicted"
    assert decide(text, "inclusion", lab("FEV1 % predicted", 62, "%")) == "pass"
    assert decide(text, "inclusion", lab("FEV1", 45, "%")) == "fail"  # a record's FEV1 in %
    assert decide(text, "inclusion", lab("FEV1", 2.1, "L")) == "unknown"
    assert decide("FEV1 ≥ 1.0 L", "inclusion", lab("FEV1 % predicted", 80, "%")) == "unknown"


def test_percent_predicted_cannot_belong_to_a_blood_test() -> None:
    compiled = read("Hemoglobin ≥ 50% predicted")
    assert "unit_mismatch" in {f for leaf in [compiled.predicate] for f in leaf.flags}


def test_mmse_is_a_score() -> None:
    text = "Mini-Mental State Examination (MMSE) score of 20 to 26"
    assert read(text).canonical == "MMSE >= 20 and MMSE <= 26"
    assert decide(text, "inclusion", lab("MMSE", 24)) == "pass"
    assert decide(text, "inclusion", lab("MMSE", 28)) == "fail"
    with pytest.raises(PatientError):
        load_patient({"id": "p", "as_of": "2026-11-01", "observations": [lab("MMSE", 31)]})


def test_cd4_with_a_plus_sign() -> None:
    assert read("CD4+ cell count >= 100 cells/mm3").canonical == "CD4 count >= 100 cells/mm3"


def test_a_score_or_less_is_at_most_that_score() -> None:
    assert read("ECOG performance status score of 2 or less").canonical == "ECOG <= 2"
    assert read("Karnofsky performance status of 70 or more").canonical == "Karnofsky >= 70"


def test_equals_or_greater_spelled_backwards() -> None:
    assert read("Life expectancy = or > 3 months.").canonical == "life expectancy >= 3 months"


def test_a_subject_label_heading_gives_its_bullet_a_subject() -> None:
    from test_meaning_rules import read_list

    text = (
        "PATIENT CHARACTERISTICS:\n\nAge:\n\n  -  18 and over\n\nLife expectancy:\n\n"
        "  -  At least 12 weeks\n\nHematopoietic:\n\n  -  At least 3 months\n"
    )
    rows = read_list(text)
    assert [(t, c.canonical) for _, t, c in rows][:2] == [
        ("18 and over", "age >= 18 years"),
        ("At least 12 weeks", "life expectancy >= 12 weeks"),
    ]
    age = rows[0][2]
    assert all(start >= 0 for start, _ in [age.predicate.span]) and age.status == "compiled"
    assert rows[2][2].status != "compiled"  # a topic label is not a subject


def test_several_bullets_under_a_subject_label_are_not_given_its_subject() -> None:
    from test_meaning_rules import read_list

    text = "Age:\n\n  -  10 to 66\n\n  -  66 to 70 if in excellent physical condition\n"
    assert all(c.status != "compiled" for _, _, c in read_list(text))


def test_a_lab_with_a_window_asks_for_a_value_that_recent() -> None:
    text = "ANC ≥ 1,500/mm3 within 14 days prior to registration"
    assert read(text).canonical == "ANC >= 1500 /mm3 within 2 weeks"
    assert decide(text, "inclusion", lab("ANC", 2.1, "10^9/L")) == "pass"
    assert decide(text, "inclusion", lab("ANC", 1.1, "10^9/L")) == "fail"
    older = {"name": "ANC", "value": 2.1, "unit": "10^9/L", "date": "2026-10-10"}  # 22 days
    assert decide(text, "inclusion", older) == "unknown"


def test_a_window_longer_than_the_usual_limit_accepts_an_older_value() -> None:
    text = "Hemoglobin ≥ 9 g/dL within 60 days prior to registration"
    older = {"name": "hemoglobin", "value": 11, "unit": "g/dL", "date": "2026-09-20"}  # 42 days
    assert decide(text, "inclusion", older) == "pass"
    assert decide("Hemoglobin ≥ 9 g/dL", "inclusion", older) == "unknown"


def test_lbs_and_ranges_with_units_on_both_ends() -> None:
    text = "Weight range: 120 lbs. to 250 lbs."
    assert read(text).status == "compiled"
    assert decide(text, "inclusion", lab("body weight", 120, "kg")) == "fail"  # 264.6 lb
    assert decide(text, "inclusion", lab("body weight", 80, "kg")) == "pass"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Serum creatinine more than 150umol/l in the preceding 6 months.", "exclusion"),
        ("No creatinine > 2 mg/dL within the past 6 months", "inclusion"),
        (
            "ANC ≥ 1500/mm3, platelets ≥ 100,000/mm3 within 14 days prior to registration",
            "inclusion",
        ),
        ("DLCO at least 60", "inclusion"),
        ("∆FEV1 ≥ 12%", "inclusion"),
        ("BP ≤ 110/70", "inclusion"),
        ("Creatinine 1.5 mg/dL - 133 umol/L", "inclusion"),
        ("History of kidney disease (creatinine > 2.0 mg/dl)", "exclusion"),
        ("Diagnosis of cancer (melanoma)", "inclusion"),
    ],
)
def test_readings_that_would_decide_wrongly_do_not_decide(text: str, kind: str) -> None:
    """Look-back windows on labs ruled out, a window on one lab of several, DLCO without a unit,
    a change in FEV1, a BP pair between hypertension and hypotension limits, a value and its SI
    equivalent, a bracket of past values, a bracket naming another concept."""
    compiled = read(text, kind)
    blocked = {"ambiguous_unit"} & {f for leaf in [compiled.predicate] for f in leaf.flags}
    assert compiled.status != "compiled" or blocked


def test_a_bracket_of_measurements_defines_the_condition_before_it() -> None:
    text = "Thrombocytopenia (platelet count less than 100,000/mm3)."
    assert read(text, "exclusion").canonical == "Platelets < 100000 /mm3"
    assert decide(text, "exclusion", lab("platelets", 120, "10^9/L")) == "pass"
    assert decide(text, "exclusion", lab("platelets", 80, "10^9/L")) == "fail"


def test_ranges_of_multiples_and_slashes_with_spaces() -> None:
    assert read("Bilirubin between 1.5 - 3 x ULN").canonical == (
        "Total bilirubin >= 1.5 x ULN and Total bilirubin <= 3 x ULN"
    )
    assert read("FEV1 / FVC < 70%", "exclusion").canonical == "FEV1/FVC < 70 %"


def test_older_than_age() -> None:
    assert read("older than age 65").canonical == "age > 65 years"


def test_egfr_in_capitals_is_the_receptor_not_the_filtration_rate() -> None:
    assert read("eGFR ≥ 60 mL/min/1.73 m2").canonical == "eGFR >= 60 mL/min/1.73 m2"
    assert read("EGFR > 60 mL/min").status == "unparsed"
    assert "eGFR" not in read("Prior treatment with an EGFR-TKI;", "exclusion").canonical


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Age between 18 - 65 years", "age >= 18 years and age <= 65 years"),
        ("age between 18 to 65 years", "age >= 18 years and age <= 65 years"),
        ("Age between 6 months - 17 years", "age >= 6 months and age <= 17 years"),
    ],
)
def test_age_between_with_a_dash_or_to(text: str, canonical: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("ANC equal or greater than 1500/mm3", "ANC >= 1500 /mm3"),
        ("Bilirubin equal to or below 1.5 x ULN", "Total bilirubin <= 1.5 x ULN"),
        ("Transaminases no greater than 2.5 times ULN", "ALT <= 2.5 x ULN and AST <= 2.5 x ULN"),
        ("Serum M-protein >= 1.0 g/dL", "Serum M-protein >= 1 g/dL"),
    ],
)
def test_more_written_forms(text: str, canonical: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


def test_transaminases_in_an_exclusion_are_not_read() -> None:
    # "Transaminases > 5 x ULN": both, or either? (in an inclusion "<=" holds for each)
    compiled = compile_criterion("Transaminases greater than 5 times ULN", "exclusion")
    assert compiled.status == "partial" and "transaminases_either" in compiled.flags


def test_a_urine_m_protein_is_not_the_serum_one() -> None:
    assert compile_criterion("Urine M-protein >= 200 mg/24 h", "inclusion").status == "partial"


@pytest.mark.parametrize(
    "text",
    [
        # a negated inclusion: either elevated fails, not only both
        "Must not have serum bilirubin greater than 4 mg/dl, transaminases greater than 4x upper "
        "limit of normal",
        "Transaminases greater than 150 U/L",  # a lower bound: each, or either?
    ],
)
def test_transaminases_other_than_an_upper_bound_are_not_read(text: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert compiled.status == "partial" and "transaminases_either" in compiled.flags
