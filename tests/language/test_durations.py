"""How long a condition or a treatment lasted ("type 2 diabetes for at least 6 months",
"corticosteroids for more than 2 weeks"): one episode, from onset or start to its end or now.
A negated one is a washout, not read; "current X for N" where X is a class is the regimen's time,
not read; "at least N since <route> X" keeps the route as a qualifier."""

from __future__ import annotations

from typing import Any

import pytest
from test_meaning_rules import read_list
from test_results import decide

from trialscreen.facts import build_facts
from trialscreen.fastpath import criterion_plan
from trialscreen.language.compiler import compile_criterion
from trialscreen.model.predicate import ConceptDuration
from trialscreen.records import load_patient

DIABETES = "Type 2 diabetes mellitus for at least 6 months"
STEROIDS = "Systemic corticosteroids for more than 2 weeks."


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        (DIABETES, "current type 2 diabetes mellitus for >= 6 months"),
        ("Insomnia for more than 1 month", "current insomnia for > 1 month"),
        ("Chronic diarrhea for 30 days or more", "chronic current diarrhea for >= 30 days"),
        ("History of asthma for at least 6 months", "asthma for >= 6 months"),
        ("Zidovudine therapy for = or > 13 months.", "zidovudine for >= 13 months"),
        (STEROIDS, "systemic corticosteroids for > 2 weeks"),
    ],
)
def test_compiled(text: str, canonical: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert compiled.status == "compiled", compiled.uncovered_text()
    assert compiled.canonical == canonical
    assert any(isinstance(n, ConceptDuration) for n in [compiled.predicate])


@pytest.mark.parametrize(
    "text",
    [
        "No seizures for at least 1 year",  # seizure-free, while epilepsy stays on the record
        "No prior treatment with corticosteroids for at least 3 months",  # no such course
        "Have never received corticosteroids for at least 2 weeks",
        "Have not used any anti-HIV therapy for more than 2 days",  # a cap on a course?
        "Corticosteroids for less than 2 weeks",  # all courses short, or one?
        "Systemic steroids for more than 7 days within the past 4 weeks",
        "Have been on their current HAART for at least 6 weeks.",  # the regimen, not a drug
        "No chemotherapy for metastatic disease for at least 6 months",
    ],
)
def test_not_read(text: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert compiled.status != "compiled"
    assert not any(isinstance(n, ConceptDuration) for n in [compiled.predicate])


def both(text: str, kind: str, **record: Any) -> str:
    """The outcome from the reference evaluator, checked against the hot path."""
    got = decide(text, kind, **record)
    facts = build_facts(load_patient({"id": "p", "as_of": "2026-11-01", **record}))
    fast = criterion_plan(compile_criterion(text, kind))(facts)[0]  # type: ignore[arg-type]
    assert fast == got
    return got


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"conditions": [{"name": "type 2 diabetes", "onset": "2024-01-01"}]}, "pass"),
        ({"conditions": [{"name": "type 2 diabetes", "onset": "2026-08-01"}]}, "fail"),
        ({"conditions": [{"name": "type 2 diabetes"}]}, "unknown"),  # since when?
        ({"conditions": [{"name": "type 2 diabetes", "status": "absent"}]}, "fail"),
        ({}, "unknown"),
        (  # ended: it lasted from onset to end
            {"conditions": [{"name": "type 2 diabetes", "status": "resolved",
                             "onset": "2025-01-01", "end": "2025-03-01"}]},
            "fail",
        ),
    ],
)  # fmt: skip
def test_a_condition_lasting(record: dict[str, Any], expected: str) -> None:
    assert both(DIABETES, "inclusion", **record) == expected


def test_a_condition_lasting_is_one_going_on_now() -> None:
    """ "Insomnia for more than 1 month": insomnia now, not a year-long episode that ended."""
    past = {"name": "insomnia", "status": "resolved", "onset": "2024-01-15", "end": "2025-02-01"}
    assert both("Insomnia for more than 1 month", "inclusion", conditions=[past]) == "fail"
    now = {"name": "insomnia", "status": "active", "onset": "2026-08-01"}
    assert both("Insomnia for more than 1 month", "inclusion", conditions=[now]) == "pass"


@pytest.mark.parametrize(
    ("treatments", "expected"),
    [
        ([{"name": "zidovudine", "start": "2025-01-01", "end": "2026-03-01"}], "fail"),
        ([{"name": "zidovudine", "start": "2026-10-01"}], "pass"),  # ongoing, one month
        ([{"name": "zidovudine", "start": "2025-01-01"}], "fail"),  # ongoing since 2025
        # two short courses that together are longer: one course, or several? unknown
        (
            [
                {"name": "zidovudine", "start": "2025-01-01", "end": "2025-08-01"},
                {"name": "zidovudine", "start": "2026-01-01", "end": "2026-08-01"},
            ],
            "unknown",
        ),
        # ended on a date not recorded: at most until now, which is long enough to be unknown
        ([{"name": "zidovudine", "start": "2025-01-01", "status": "completed"}], "unknown"),
        # ended on a date not recorded, started a month ago: shorter than 13 months
        ([{"name": "zidovudine", "start": "2026-10-01", "status": "completed"}], "pass"),
    ],
)
def test_a_drug_lasting(treatments: list[dict[str, str]], expected: str) -> None:
    text = "Zidovudine therapy for = or > 13 months."
    assert both(text, "exclusion", treatments=treatments) == expected


def test_a_drug_dated_by_one_day_has_no_known_course() -> None:
    """A `date` alone says when, not for how long (review F7)."""
    dated = [{"name": "zidovudine", "date": "2026-03-01", "status": "active"}]
    assert both("Zidovudine (AZT) for at least 8 weeks.", "inclusion", treatments=dated) == (
        "unknown"
    )
    steroid = [{"name": "prednisone", "date": "2026-09-01"}]
    assert both("Corticosteroids for more than 2 weeks.", "exclusion", treatments=steroid) == (
        "unknown"
    )


def test_a_route_word_keeps_a_duration_unknown() -> None:
    long_course = [{"name": "prednisone", "start": "2026-06-01", "end": "2026-09-01"}]
    assert both(STEROIDS, "exclusion", treatments=long_course) == "unknown"  # systemic?
    short = [{"name": "prednisone", "start": "2026-06-01", "end": "2026-06-05"}]
    assert both(STEROIDS, "exclusion", treatments=short) == "pass"


SINCE = "At least 4 weeks since prior systemic corticosteroids"


@pytest.mark.parametrize(
    ("treatments", "expected"),
    [
        ([{"name": "prednisone", "start": "2026-01-01", "end": "2026-02-01"}], "pass"),
        # recent, but perhaps eye drops: the route decides
        ([{"name": "prednisolone", "start": "2026-10-01", "end": "2026-10-20"}], "unknown"),
    ],
)
def test_time_since_keeps_the_route(treatments: list[dict[str, str]], expected: str) -> None:
    compiled = compile_criterion(SINCE, "inclusion")
    assert compiled.canonical == ">= 4 weeks since systemic corticosteroids"
    assert both(SINCE, "inclusion", treatments=treatments) == expected


def test_less_than_since_an_absent_condition_is_not_met() -> None:
    text = "Less than 6 months since myocardial infarction"
    record = {"conditions": [{"name": "myocardial infarction", "status": "absent"}]}
    assert both(text, "inclusion", **record) == "fail"
    assert both("At least 6 months since myocardial infarction", "inclusion", **record) == "pass"


ONSET_CASES = [
    # it happened, and long enough ago
    ("Had chickenpox at least 6 months prior to study entry.", "inclusion",
     {"conditions": [{"name": "chickenpox", "status": "resolved", "onset": "2019-05-01",
                      "end": "2019-05-20"}]}, "pass"),
    ("Had chickenpox at least 6 months prior to study entry.", "inclusion",
     {"conditions": [{"name": "chickenpox", "status": "resolved", "onset": "2026-09-01",
                      "end": "2026-09-20"}]}, "fail"),
    # from the earliest entry: a chronic condition recorded again, or progressing, has not
    # begun again (review 3)
    ("Diagnosis of HIV infection at least 6 months prior to study entry", "inclusion",
     {"conditions": [{"name": "HIV infection", "onset": "2010-01-01"},
                     {"name": "AIDS", "onset": "2026-10-01"}]}, "pass"),
    ("Diagnosis of CMV retinitis more than 4 months prior to study entry.", "exclusion",
     {"conditions": [{"name": "CMV retinitis", "status": "resolved", "onset": "2026-02-01"},
                     {"name": "CMV retinitis", "onset": "2026-10-01"}]}, "fail"),
    ("Had chickenpox at least 6 months prior to study entry.", "inclusion",
     {"conditions": [{"name": "chickenpox", "status": "resolved"}]}, "unknown"),
    ("Had chickenpox at least 6 months prior to study entry.", "inclusion",
     {"conditions": [{"name": "chickenpox", "status": "absent"}]}, "fail"),
    ("Diagnosis of CMV retinitis more than 4 months prior to study entry.", "exclusion",
     {"conditions": [{"name": "CMV retinitis", "onset": "2025-01-01"}]}, "fail"),
    ("Diagnosis of CMV retinitis more than 4 months prior to study entry.", "exclusion",
     {"conditions": [{"name": "CMV retinitis", "onset": "2026-10-01"}]}, "pass"),
    ("Bilateral tubal ligation at least six months prior to study enrollment.", "inclusion",
     {"treatments": [{"name": "tubal ligation", "category": "surgery", "date": "2026-08-01"}]},
     "fail"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind", "record", "expected"), ONSET_CASES)
def test_how_long_ago_it_began(text: str, kind: str, record: dict[str, Any], expected: str) -> None:
    assert both(text, kind, **record) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Cytotoxic chemotherapy more than 30 days prior to entry.",  # its start, or its end?
        "No myocardial infarction more than 6 months prior to entry",
        "Diagnosis of Parkinson's disease less than 5 years prior to screening",
    ],
)
def test_how_long_ago_not_read(text: str) -> None:
    assert compile_criterion(text, "inclusion").status != "compiled"


WASHOUT = "No use of Hormone Replacement Therapy for at least one year"
HRT = "hormone replacement therapy"


@pytest.mark.parametrize(
    ("treatments", "expected"),
    [
        ([{"name": HRT, "start": "2024-01-01", "end": "2026-04-01"}], "fail"),  # 7 months ago
        ([{"name": HRT, "start": "2024-01-01"}], "fail"),  # still taking it
        ([{"name": HRT, "start": "2018-01-01", "end": "2022-06-01"}], "pass"),
    ],
)
def test_a_negated_duration_is_a_washout(treatments: list[dict[str, str]], expected: str) -> None:
    """ "No use of X for at least one year": none within a year (not "no long course")."""
    assert compile_criterion(WASHOUT, "inclusion").canonical == (
        "no (hormone replacement therapy within 1 year)"
    )
    assert both(WASHOUT, "inclusion", treatments=treatments) == expected
    text = "Must have not received any cancer treatment for at least 2 weeks."
    assert compile_criterion(text, "inclusion").canonical == (
        "no (history of anticancer therapy within 2 weeks)"
    )


def test_a_washout_in_an_exclusion_is_not_read() -> None:
    """ "Patients who have not been on antiretroviral therapy for at least 3 months" excluded:
    a requirement of ART, not a washout (review 3)."""
    text = "Patients who have not been on antiretroviral therapy for at least 3 months"
    assert compile_criterion(text, "exclusion").status != "compiled"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        (
            "Participants with low back pain for a duration of at least six months",
            "current low back pain for >= 6 months",
        ),
        (
            "Chronic low back pain for at least the past 6 months",
            "chronic current low back pain for >= 6 months",
        ),
        (
            "Type 2 diabetes for a minimum of 6 months",
            "current type 2 diabetes mellitus for >= 6 months",
        ),
        (
            "Type 2 diabetes of at least 6 months' duration",
            "current type 2 diabetes mellitus for >= 6 months",
        ),
        ("Diabetes duration of at least 1 year", "current diabetes mellitus for >= 1 year"),
        (
            "Receiving metformin for at least 3 months prior to screening",
            "current metformin for >= 3 months",
        ),
    ],
)
def test_more_wordings_of_how_long(text: str, canonical: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


@pytest.mark.parametrize(("onset", "expected"), [("2020-01-01", "pass"), ("2026-08-01", "fail")])
def test_a_duration_of_at_least_decides_from_the_onset(onset: str, expected: str) -> None:
    text = "Type 2 diabetes of at least 6 months' duration"
    had = [{"name": "type 2 diabetes mellitus", "status": "active", "onset": onset}]
    assert decide(text, "inclusion", conditions=had) == expected


@pytest.mark.parametrize(
    "text",
    [
        "QRS duration > 99 msec",  # a measurement's name, not how long
        "Radiation therapy within 6 weeks prior to study drug administration.",
        "Severe infection within 4 weeks before the first dose of medication;",
        "HIV infected",
        "Pleural/pericardial effusions",
    ],
)
def test_names_and_reference_points_read(text: str) -> None:
    assert compile_criterion(text, "exclusion").status == "compiled"


def test_a_minimum_of_years_of_age_stays_an_age() -> None:
    text = "All participants must be a minimum of 21 years of age."
    assert compile_criterion(text, "inclusion").canonical == "age >= 21 years"


@pytest.mark.parametrize(
    "text",
    [
        # review 25: the course up to entry, or any course that long?
        "Have been on antiretroviral therapy for at least 7 days prior to study entry.",
        "AZT for at least 1 year prior to study entry.",
        # this course (which may go on), this episode (persistent AF)?
        "Metformin treatment duration of at least 3 months",
        "Atrial fibrillation of at least 7 days duration",
        "Steroid therapy of more than 6 weeks duration",
    ],
)
def test_a_duration_whose_course_is_not_said_is_not_read(text: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert compiled.status != "compiled" and "duration_unread" in compiled.flags


def test_for_at_least_the_past_months_is_up_to_now() -> None:
    text = "Metformin for at least the past 3 months"
    ended = [{"name": "metformin", "start": "2010-01-01", "end": "2012-01-01"}]
    assert decide(text, "inclusion", treatments=ended) == "fail"
    going = [{"name": "metformin", "start": "2025-01-01", "status": "active"}]
    assert decide(text, "inclusion", treatments=going) == "pass"


def test_a_course_under_concurrent_medication_is_not_timed() -> None:
    rows = read_list(
        "Exclusion Criteria:\n\nConcurrent Medication:\n\nExcluded:\n\n"
        "  -  Acyclovir therapy of more than 21 days duration.\n"
    )
    assert [c.status for _, _, c in rows] != ["compiled"]
