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
