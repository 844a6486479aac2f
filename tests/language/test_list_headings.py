"""Headings that only restate their list's kind, and diagnoses listed one per bullet in an
inclusion list (all required, or alternatives?)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.language.test_meaning_rules import read_list

from trialscreen.facts import build_facts
from trialscreen.fastpath import criterion_plan
from trialscreen.language.structure import restates_kind
from trialscreen.records import load_patient
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
        ("For inclusion in the study subjects should fulfill the following criteria:",
         "inclusion", True),
        ("Patients must fulfil one of the following:", "inclusion", False),  # an OR
        ("All patients must have:", "inclusion", True),
        # ALL is acute lymphoblastic leukaemia: a group, not "all"
        ("Patients with ALL must have:", "inclusion", False),
        ("Patients with ALL are not eligible if they have:", "exclusion", False),
        # frames said of every bullet (corpus headings)
        ("In order to be eligible to participate in this study, an individual must meet all of "
         "the following criteria:", "inclusion", True),
        ("An individual who meets any of the following criteria will be excluded from "
         "participation in this study:", "exclusion", True),
        ("A participant will be eligible for entry into the study if all of the following "
         "criteria are met:", "inclusion", True),
        ("A participant will not be eligible for study entry if any of the following criteria "
         "are met:", "exclusion", True),
        ("Patients will be excluded from the study if they meet any of the following criteria:",
         "exclusion", True),
        ("Patients must meet the following criteria for study entry:", "inclusion", True),
        ("Subjects eligible for enrollment in the study must meet all of the following criteria:",
         "inclusion", True),
        ("Patients with any one of the following criteria are excluded:", "exclusion", True),
        ("Other exclusion criteria:", "exclusion", True),
        # ... but not a group, an OR in an inclusion list, or another kind of thing
        ("A participant will be eligible for entry into the study if any of the following "
         "criteria are met:", "inclusion", False),  # an OR
        ("Patients who meet any of the following criteria are eligible:", "inclusion", False),
        ("A participant will not be eligible for study entry if all of the following criteria "
         "are met:", "exclusion", False),  # all together
        ("Patients with the following complications are excluded:", "exclusion", False),
        ("Women will not be eligible for this study if they:", "exclusion", False),  # a group
        ("Other: patients must have", "inclusion", False),
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


def _judged(text: str, **record: Any) -> list[tuple[str, str]]:
    facts = build_facts(load_patient({"id": "p", "as_of": "2026-11-01", **record}))
    return [(t, judge(c, facts)[1]) for _, t, c in read_list(text)]


def test_the_bullets_under_an_option_of_a_heading_group_are_the_options_own() -> None:
    # "ECOG 0-1" belongs to the option "Age 18-69 years" only: a 76-year-old with ECOG 2 who
    # meets the other option must not fail it
    text = (
        "Inclusion Criteria:\n\n"
        "Patients must meet one of the following:\n\n"
        "  - Age 18-69 years\n"
        "      - ECOG 0-1\n"
        "  - Age 70 years or older\n"
        "      - ECOG 0-2\n"
    )
    got = dict(_judged(text, age=76, observations=[
        {"name": "ECOG", "value": 2, "date": "2026-10-25"}]))  # fmt: skip
    assert got["ECOG 0-1"] != "fail"


def test_an_age_over_its_own_list_is_not_a_requirement_for_everyone() -> None:
    # "Patients >= 18 years" over "ECOG 0-1", "Patients < 18 years" over "Lansky >= 50": two
    # age groups, not two requirements that no one meets
    text = (
        "Inclusion Criteria:\n\n"
        "  - Patients >= 18 years\n"
        "      - ECOG 0-1\n"
        "  - Patients < 18 years\n"
        "      - Lansky >= 50\n"
    )
    got = _judged(text, age=40, observations=[{"name": "ECOG", "value": 1, "date": "2026-10-25"}])
    assert all(outcome != "fail" for _, outcome in got)


def test_a_partly_read_age_over_its_own_list_scopes_it() -> None:
    text = (
        "Inclusion Criteria:\n\n"
        "  - Women 50 years of age or older who have had a screening mammogram\n"
        "      - Mammogram within the past 12 months\n"
    )
    got = _judged(text, age=45, sex="female")
    assert all(outcome != "fail" for _, outcome in got)


def test_a_negated_all_of_heading_does_not_negate_each_bullet() -> None:
    # "must not have all of the following": both together exclude, one alone does not
    text = (
        "Inclusion Criteria:\n\n"
        "Patients must not have all of the following:\n\n"
        "  - Diabetes mellitus\n"
        "  - Hypertension\n"
    )
    got = _judged(text, conditions=[{"name": "diabetes mellitus", "status": "active"},
                                    {"name": "hypertension", "status": "absent"}])  # fmt: skip
    assert all(outcome != "fail" for _, outcome in got)
