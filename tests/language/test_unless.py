"""A measurement with an exception after it: "Bilirubin <= 1.5 x ULN (unless Gilbert's
syndrome)", "unless due to liver metastases" apply to patients without the condition
(`applies_if`); with it, the exception holds where the condition explains the value, which a
record does not say: unknown, unless the value meets the bound anyway."""

from __future__ import annotations

from typing import Any

import pytest
from tests.language.test_durations import both
from tests.language.test_results import reads

from trialscreen.language.compiler import compile_criterion

GILBERT = "Bilirubin no greater than 1.5 times ULN (unless Gilbert's syndrome)"
DUE_TO = "Bilirubin no greater than 1.5 times ULN (unless due to liver metastases)"
EXCLUDED = "Bilirubin > 1.5 x ULN (unless Gilbert's syndrome)"


def _record(bilirubin: float, **conditions: str) -> dict[str, Any]:
    return {
        "observations": [{"name": "total bilirubin", "value": bilirubin, "unit": "mg/dL",
                          "date": "2026-10-25", "reference_range": {"low": 0.2, "high": 1.2}}],
        "conditions": [{"name": name.replace("_", " "), "status": status}
                       for name, status in conditions.items()],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "kind", "record", "expected"),
    [
        # with Gilbert's: is the value due to it? (the exception is meant for what it explains)
        (GILBERT, "inclusion", _record(2.5, gilbert_syndrome="active"), "unknown"),
        (GILBERT, "inclusion", _record(0.8, gilbert_syndrome="active"), "pass"),
        (GILBERT, "inclusion", _record(2.5, gilbert_syndrome="absent"), "fail"),
        (GILBERT, "inclusion", _record(2.5), "unknown"),  # Gilbert's? not recorded
        (GILBERT, "inclusion", _record(0.8), "pass"),  # within the limit either way
        (EXCLUDED, "exclusion", _record(2.5, gilbert_syndrome="active"), "unknown"),
        (EXCLUDED, "exclusion", _record(2.5, gilbert_syndrome="absent"), "fail"),
        # due to the metastases? the record does not say
        (DUE_TO, "inclusion", _record(2.5, liver_metastases="active"), "unknown"),
        (DUE_TO, "inclusion", _record(2.5, liver_metastases="absent"), "fail"),
        (DUE_TO, "inclusion", _record(0.8, liver_metastases="active"), "pass"),
    ],
)
def test_the_bound_applies_only_without_the_exception(
    text: str, kind: str, record: dict[str, Any], expected: str
) -> None:
    assert both(text, kind, **record) == expected


@pytest.mark.parametrize(
    "text",
    [
        # the exception then more words: not read
        "Platelet count at least 100,000/mm3 (unless due to bone marrow involvement by lymphoma)",
        # not a measurement before it
        "No brain metastases (unless previously treated)",
        # two measurements: does the exception cover both?
        "Bilirubin <= 1.5 x ULN and creatinine <= 1.5 mg/dL unless Gilbert's syndrome",
    ],
)
def test_other_exceptions_are_not_read(text: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert compiled.status != "compiled" or compiled.applies_if is None


def test_the_exception_is_read_and_shown() -> None:
    reads(GILBERT, "inclusion", "compiled", "Total bilirubin <= 1.5 x ULN")
    compiled = compile_criterion(GILBERT, "inclusion")
    assert compiled.applies_if is not None and compiled.applies_if.kind == "not"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Patients must have a serum creatinine of =< 1.5 mg/dL or a calculated creatinine "
         "clearance >= 60 mL/min", "Creatinine <= 1.5 mg/dL or Creatinine clearance >= 60 mL/min"),
        ("Eastern cooperative oncology group (ECOG) performance status of 0, 1, or 2; or "
         "Karnofsky ≥ 60%", "ECOG <= 2 or Karnofsky >= 60"),
    ],
)  # fmt: skip
def test_two_measurements_joined_by_or_with_an_article_between(text: str, canonical: str) -> None:
    # the grammar's "or" takes no article or "calculated" before the second test; as written,
    # either one meets it
    reads(text, "inclusion", "compiled", canonical)


def test_or_between_a_measurement_and_something_else_is_not_joined() -> None:
    reads("Creatinine <= 1.5 mg/dL or a kidney transplant", "inclusion", "partial")


def test_an_exception_inside_a_run_on_piece_is_not_read() -> None:
    # the piece would keep its bound and lose the exception: everyone with ECOG 3 would fail
    text = "Age: 18 and over Performance status: SWOG 0-2 (unless due to bone pain)"
    compiled = compile_criterion(text, "inclusion")
    assert compiled.status == "partial" and compiled.applies_if is None


def test_an_option_with_an_exception_is_not_read_as_a_plain_option() -> None:
    from tests.language.test_meaning_rules import read_list

    from trialscreen.facts import build_facts
    from trialscreen.records import load_patient
    from trialscreen.screening import judge

    text = (
        "Inclusion Criteria:\n\n"
        "Meet all of the following:\n\n"
        "  - Bilirubin no greater than 1.5 times ULN (unless Gilbert's syndrome)\n"
        "  - ECOG 0-2\n"
    )
    facts = build_facts(load_patient({"id": "p", "as_of": "2026-11-01", **_record(
        2.4, gilbert_syndrome="active"), "age": 50}))  # fmt: skip
    assert all(judge(c, facts)[1] != "fail" for _, _, c in read_list(text))


@pytest.mark.parametrize(
    "text",
    [
        "Creatinine <= 1.5 mg/dL, creatinine clearance >= 50 mL/min, or eGFR >= 50 mL/min",
        "ANC >= 1500/mm3, hemoglobin >= 9 g/dL or hematocrit >= 27%",
    ],
)
def test_a_list_of_measurements_ending_in_or_is_not_read_in_an_inclusion(text: str) -> None:
    # any one of them, or the first and either of the last two?
    reads(text, "inclusion", "partial")


@pytest.mark.parametrize(
    "text",
    [
        # the grammar binds "and" first: "(ANC and creatinine) or clearance"? most likely "ANC,
        # and creatinine or clearance"; and "(age and ECOG) or Karnofsky" passed a child
        "ANC >= 1500 and creatinine <= 1.5 mg/dL or creatinine clearance >= 60 mL/min",
        "ANC >= 1500 and creatinine <= 1.5 mg/dL or a creatinine clearance >= 60 mL/min",
        "Age >= 18 and ECOG 0-1 or Karnofsky >= 70",
        "Patient Is Male Or Female And Aged Over 18",
    ],
)
def test_and_and_or_together_without_brackets_are_not_read(text: str) -> None:
    reads(text, "inclusion", "partial")


def test_two_ranges_of_one_test_joined_by_or_a_are_one_alternative() -> None:
    reads(
        "Absolute CD4 count of 100 - 500 cells/mm3 OR a CD4 count of 50 - 99 cells/mm3",
        "inclusion",
        "compiled",
    )
