"""Headings that only restate their list's kind, and diagnoses listed one per bullet in an
inclusion list (all required, or alternatives?)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.language.test_meaning_rules import read_list

from trialscreen.facts import build_facts, load_patient
from trialscreen.fastpath import criterion_plan
from trialscreen.language.structure import restates_kind
from trialscreen.screening import judge


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("Patients must:", "inclusion", True),
        ("Patients must have normal organ and marrow function as defined below:", "inclusion",
         True),
        ("Patients will be excluded from the study if they have any of the following:",
         "exclusion", True),
        ("A subject is not eligible to participate in this study if:", "exclusion", True),
        ("Patients must have one of the following:", "inclusion", False),  # an OR
        ("Patients must not have:", "inclusion", False),  # switches the kind
        ("Patients must have:", "exclusion", False),
        ("Children will not be eligible for this study if they:", "exclusion", False),  # a group
        ("Diseases to be included:", "inclusion", False),  # alternatives, maybe
        ("Patients must have received within 14 days:", "inclusion", False),
    ],
)  # fmt: skip
def test_headings_that_restate_the_kind(text: str, kind: str, expected: bool) -> None:
    assert restates_kind(text, kind) is expected


def test_a_restating_heading_leaves_its_bullets_deciding() -> None:
    text = (
        "Inclusion Criteria:\n\n"
        "Patients must have normal organ and marrow function as defined below:\n\n"
        "  -  Absolute neutrophil count >= 1,500/mcL\n\n"
        "  -  Platelets >= 100,000/mcL\n"
    )
    read = read_list(text)
    assert [c.status for _, _, c in read] == ["compiled", "compiled"]


ALTERNATIVES = (
    "Inclusion Criteria:\n\n"
    "  -  Rheumatoid Arthritis\n"
    "  -  Crohn's disease\n"
    "  -  Psoriasis\n"
    "  -  Age >= 18 years\n"
)


def _outcomes(record: dict[str, Any]) -> list[str]:
    """Each bullet's outcome; the hot path must agree with the reference evaluator."""
    facts = build_facts(load_patient({"id": "p", "as_of": "2026-11-01", **record}))
    out = []
    for _, _, c in read_list(ALTERNATIVES):
        outcome = judge(c, facts)[1]
        assert criterion_plan(c)(facts)[0] == outcome
        out.append(outcome)
    return out


def test_diagnoses_listed_one_per_bullet_may_be_alternatives() -> None:
    # rheumatoid arthritis only: Crohn's disease and psoriasis are not failed (alternatives?)
    ra = {"age": 50, "conditions": [{"name": "rheumatoid arthritis"},
                                    {"name": "Crohn's disease", "status": "absent"},
                                    {"name": "psoriasis", "status": "absent"}]}  # fmt: skip
    assert _outcomes(ra) == ["pass", "unknown", "unknown", "pass"]
    # none of them: every reading fails
    none = {"age": 50, "conditions": [{"name": n, "status": "absent"} for n in
                                      ("rheumatoid arthritis", "Crohn's disease", "psoriasis")]}  # fmt: skip
    assert _outcomes(none) == ["fail", "fail", "fail", "pass"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Patients with known liver disease must have:", "inclusion"),  # a group, a condition
        ("Patients with kidney disease will not be eligible if they have:", "exclusion"),
    ],
)
def test_a_heading_for_some_patients_is_no_restatement(text: str, kind: str) -> None:
    assert restates_kind(text, kind) is False
