"""How bad a condition is, in words the record cannot check ("requiring systemic therapy",
"that requires hospitalization"): a qualifier. A present condition with it is unknown; an
absent one is still absent."""

from __future__ import annotations

from typing import Any

import pytest
from test_results import decide

from trialscreen.language.compiler import compile_criterion


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        (
            "Active infection requiring systemic therapy",
            "current infection requiring systemic therapy",
        ),
        ("Pleural effusion requiring drainage", "pleural effusion requiring drainage"),
        (
            "Heart failure requiring hospitalization in the past 6 months",
            "congestive heart failure requiring hospitalization within 6 months",
        ),
    ],
)
def test_requiring_is_a_qualifier(text: str, canonical: str) -> None:
    compiled = compile_criterion(text, "exclusion")
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ([{"name": "infection", "status": "absent"}], "pass"),
        ([{"name": "pneumonia"}], "unknown"),  # does it need systemic therapy?
        ([], "unknown"),
    ],
)
def test_a_present_condition_with_a_qualifier_is_unknown(
    conditions: list[dict[str, str]], expected: str
) -> None:
    text = "Active infection requiring systemic therapy"
    assert decide(text, "exclusion", conditions=conditions) == expected


def test_requiring_something_else_is_not_read() -> None:
    # "requiring a wheelchair" is no measure of how bad: not a qualifier
    assert compile_criterion("Arthritis requiring a wheelchair", "exclusion").status != "compiled"


@pytest.mark.parametrize(
    ("text", "kind", "record", "expected"),
    [
        # the whole list is what is required, not further concepts
        (
            "No serious infection requiring antibiotics, antifungals, or antivirals",
            "inclusion",
            {"treatments": [{"name": "acyclovir", "start": "2026-01-01"}]},
            "unknown",
        ),
        (
            "Brain metastases requiring steroids or radiation",
            "exclusion",
            {
                "treatments": [
                    {
                        "name": "radiotherapy",
                        "category": "radiotherapy",
                        "start": "2019-01-01",
                        "end": "2019-02-01",
                    }
                ],
                "conditions": [{"name": "brain metastases", "status": "absent"}],
            },
            "pass",
        ),
    ],
)
def test_requiring_a_list(text: str, kind: str, record: dict[str, Any], expected: str) -> None:
    assert decide(text, kind, **record) == expected


def test_requiring_then_another_clause_is_not_read() -> None:
    # does "or hepatitis" join the infection, or what it requires?
    compiled = compile_criterion("Infection requiring antibiotics or hepatitis", "exclusion")
    assert compiled.status == "partial" and "needing_list" in compiled.flags


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        (
            "Histologically or cytologically confirmed advanced NSCLC",
            "advanced non-small cell lung cancer",
        ),
        ("Relapsed or refractory multiple myeloma", "relapsed or refractory multiple myeloma"),
        ("Unresectable melanoma", "unresectable melanoma"),
        ("Locally advanced pancreatic cancer", "locally advanced pancreatic cancer"),
    ],
)
def test_the_course_of_a_cancer_is_a_qualifier(text: str, canonical: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


def test_advanced_is_told_by_stage_iv_or_metastases_now() -> None:
    text = "Histologically or cytologically confirmed advanced NSCLC"
    nsclc = {"name": "non-small cell lung cancer", "status": "active"}
    assert decide(text, "inclusion", conditions=[{**nsclc, "stage": "IV"}]) == "pass"
    # the stage on record may be the stage at diagnosis: an earlier one does not say
    assert decide(text, "inclusion", conditions=[{**nsclc, "stage": "II"}]) == "unknown"
    brain = {"name": "brain metastases", "status": "active"}
    assert decide(text, "inclusion", conditions=[nsclc, brain]) == "pass"
    assert decide(text, "inclusion", conditions=[{**nsclc, "status": "absent"}]) == "fail"
    # refractory: the record does not say
    myeloma = {"name": "multiple myeloma", "status": "active", "stage": "III"}
    refractory = "Relapsed or refractory multiple myeloma"
    assert decide(refractory, "inclusion", conditions=[myeloma]) == "unknown"


def test_metastases_of_another_cancer_do_not_make_this_one_advanced() -> None:
    text = "Advanced breast cancer"
    breast = {"name": "breast cancer", "status": "active", "stage": "II"}
    melanoma = {"name": "melanoma", "status": "active"}
    brain = {"name": "brain metastases", "status": "active"}
    assert decide(text, "inclusion", conditions=[breast, melanoma, brain]) == "unknown"
    past = {"name": "liver metastases", "status": "history"}
    assert decide(text, "inclusion", conditions=[breast, past]) == "unknown"


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        ("Clinical evidence of pneumonitis.", "exclusion", "pneumonitis"),
        ("No clinical evidence of AIDS", "inclusion", "no (aids)"),
        ("Radiographic evidence of brain metastases", "exclusion", "brain metastases"),
        (
            "Clinical diagnosis of Alzheimer's Disease",
            "exclusion",
            "history of alzheimer's disease",
        ),
        # a window's reference point still wins over "prior" (REFPOINT before HISTORY)
        (
            "Major surgery within 28 days prior to the first dose of study drug.",
            "exclusion",
            "major surgery within 4 weeks",
        ),
    ],
)
def test_how_a_thing_is_known_says_nothing_more(text: str, kind: str, canonical: str) -> None:
    compiled = compile_criterion(text, kind)  # type: ignore[arg-type]
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)
