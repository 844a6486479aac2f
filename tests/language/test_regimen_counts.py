"""Counts of prior treatment: "No more than 2 prior chemotherapy regimens", "At least 1 prior line
of systemic therapy", "2 or fewer prior regimens" — read as RegimenCount, decided from the
record's `prior_regimens` (a complete count), a never-received entry (none) or a completed
course (at least one)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.language.test_durations import both
from tests.language.test_results import reads

from trialscreen.evaluate import count_met
from trialscreen.facts import build_facts, regimens_between
from trialscreen.language.compiler import compile_criterion
from trialscreen.records import load_patient


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("No more than 2 prior chemotherapy regimens", "<= 2 prior chemotherapy regimens"),
        ("No more than two prior chemotherapy regimens", "<= 2 prior chemotherapy regimens"),
        ("No more than 2 prior lines of chemotherapy", "<= 2 prior chemotherapy regimens"),
        ("2 or fewer prior regimens", "<= 2 prior regimens"),
        ("No more than 2 prior therapies", "<= 2 prior regimens"),
        ("Must have received at least 2 prior treatment regimens.", ">= 2 prior regimens"),
        (
            "At least 1 prior line of systemic therapy",
            ">= 1 prior systemic anticancer therapy regimens",
        ),
        (
            "No more than 3 prior systemic regimens",
            "<= 3 prior systemic anticancer therapy regimens",
        ),
        (
            "At least 1, but no more than 3, prior chemotherapy regimens",
            ">= 1 prior chemotherapy regimens and <= 3 prior chemotherapy regimens",
        ),
        ("Between 1 and 3 prior regimens", ">= 1 prior regimens and <= 3 prior regimens"),
        (
            "Patient has received greater than 3 prior cytotoxic regimens for metastatic disease.",
            "> 3 prior chemotherapy regimens for metastatic disease",
        ),
        ("No more than 1 prior biologic therapy", "<= 1 prior biologic therapy regimens"),
    ],
)
def test_counts_of_prior_regimens_are_read(text: str, canonical: str) -> None:
    reads(text, "inclusion", "compiled", canonical)


@pytest.mark.parametrize(
    "text",
    [
        # not counts of regimens
        "Visual acuity in affected eye 3 or more lines on the Early Treatment Diabetic "
        "Retinopathy Study chart",
        "MDS with life threatening cytopenias in at least 2 cell lines",
        "No more than 200 mg prior oral melphalan",
        "at least 2 cycles of lenalidomide",
        # counts of some regimens only: which ones the record does not say
        "No more than 1 prior regimen for metastatic or recurrent disease",
        "At least 1 prior standard regimen",
        "Received at least 2 prior salvage chemotherapy regimens",
        "No more than 1 prior chemotherapy regimen containing an alkylating agent",
        # two kinds in one count, a count under a condition
        "No more than 1 prior biological response modifier therapy or immunotherapy",
        "At least 1 prior regimen if HIV positive",
    ],
)
def test_other_counts_and_narrowed_counts_do_not_compile(text: str) -> None:
    assert compile_criterion(text, "inclusion").status != "compiled"


def _chemo() -> dict[str, Any]:
    return {"name": "paclitaxel", "category": "chemotherapy", "status": "completed",
            "start": "2025-01-01", "end": "2025-05-01"}  # fmt: skip


AT_MOST_ONE = "No more than 1 prior chemotherapy regimen"
AT_LEAST_TWO = "Must have received at least 2 prior treatment regimens."
FOR_METASTATIC = "No more than 1 prior regimen of chemotherapy for metastatic disease"
BETWEEN = "At least 1, but no more than 3, prior chemotherapy regimens"


@pytest.mark.parametrize(
    ("text", "kind", "record", "expected"),
    [
        (AT_MOST_ONE, "inclusion", {"prior_regimens": {"chemotherapy": 1}}, "pass"),
        (AT_MOST_ONE, "inclusion", {"prior_regimens": {"chemotherapy": 2}}, "fail"),
        (AT_MOST_ONE, "inclusion", {"prior_regimens": {"chemotherapy": 0}}, "pass"),
        # a completed course is at least one regimen: at most one? it may have been more
        (AT_MOST_ONE, "inclusion", {"treatments": [_chemo()]}, "unknown"),
        (AT_MOST_ONE, "inclusion", {}, "unknown"),
        # never had chemotherapy: none
        (AT_MOST_ONE, "inclusion", {"conditions": [{"name": "chemotherapy", "status": "absent"}]},
         "pass"),
        # another kind's count says nothing of chemotherapy
        (AT_MOST_ONE, "inclusion", {"prior_regimens": {"immunotherapy": 3}}, "unknown"),
        # lines of any kind: a total of 3 does not say how many were chemotherapy
        (AT_MOST_ONE, "inclusion", {"prior_regimens": {"lines of therapy": 3}}, "unknown"),
        # a planned course says nothing of earlier ones
        (AT_MOST_ONE, "inclusion",
         {"treatments": [{"name": "chemotherapy", "category": "chemotherapy",
                          "status": "planned"}]}, "unknown"),
        (AT_LEAST_TWO, "inclusion", {"prior_regimens": {"lines of therapy": 2}}, "pass"),
        (AT_LEAST_TWO, "inclusion", {"prior_regimens": {"lines of therapy": 1}}, "fail"),
        # one chemotherapy course on record: at least one line, two? unknown
        (AT_LEAST_TWO, "inclusion", {"treatments": [_chemo()]}, "unknown"),
        ("More than 3 prior chemotherapy regimens", "exclusion",
         {"prior_regimens": {"chemotherapy": 4}}, "fail"),
        ("More than 3 prior chemotherapy regimens", "exclusion",
         {"prior_regimens": {"chemotherapy": 3}}, "pass"),
        ("At least 1 prior chemotherapy regimen", "inclusion", {"treatments": [_chemo()]},
         "pass"),
        # only those for metastatic disease count: some of the regimens, between none and all
        (FOR_METASTATIC, "inclusion", {"prior_regimens": {"chemotherapy": 1}}, "pass"),
        (FOR_METASTATIC, "inclusion", {"prior_regimens": {"chemotherapy": 2}}, "unknown"),
        (FOR_METASTATIC, "inclusion", {"prior_regimens": {"chemotherapy": 0}}, "pass"),
        (BETWEEN, "inclusion", {"prior_regimens": {"chemotherapy": 0}}, "fail"),
        (BETWEEN, "inclusion", {"prior_regimens": {"chemotherapy": 3}}, "pass"),
        (BETWEEN, "inclusion", {"prior_regimens": {"chemotherapy": 4}}, "fail"),
        # an ongoing first course is not yet a prior regimen
        ("At least 1 prior chemotherapy regimen", "inclusion",
         {"treatments": [{**_chemo(), "status": "active", "end": None}]}, "unknown"),
    ],
)  # fmt: skip
def test_a_count_is_decided_from_the_record(
    text: str, kind: str, record: dict[str, Any], expected: str
) -> None:
    assert both(text, kind, **record) == expected


def test_counts_of_other_kinds_and_planned_courses_bound_nothing() -> None:
    # the lexicon's parents are looser than a count needs (low-dose methotrexate is filed under
    # chemotherapy, photodynamic therapy under systemic therapy): a count of one kind says
    # nothing of another; a planned course says nothing of earlier ones
    patient = load_patient(
        {
            "id": "p",
            "as_of": "2026-11-01",
            "prior_regimens": {"anticancer therapy": 2, "photodynamic therapy": 2},
            "treatments": [
                {"name": "methotrexate", "status": "completed", "start": "2025-01-01",
                 "end": "2025-06-01", "reason": "rheumatoid arthritis"},
                {"name": "chemotherapy", "category": "chemotherapy", "status": "planned"},
            ],
        }
    )  # fmt: skip
    facts = build_facts(patient)
    assert regimens_between(facts, "anticancer_therapy", False)[:2] == (2, 2)
    # "standard regimens" are some of them: between none and all
    assert regimens_between(facts, "anticancer_therapy", True)[:2] == (0, 2)
    assert regimens_between(facts, "systemic_therapy", False)[:2] == (0, float("inf"))
    assert regimens_between(facts, "chemotherapy", False)[:2] == (0, float("inf"))


def test_a_zero_count_beside_a_completed_course_is_a_warning() -> None:
    patient = load_patient(
        {"id": "p", "prior_regimens": {"chemotherapy": 0}, "treatments": [_chemo()]}
    )
    assert any("prior_regimens: 'chemotherapy' is 0" in w for w in build_facts(patient).warnings)


@pytest.mark.parametrize(
    ("text", "kind", "status", "canonical"),
    [
        # a treatment label over a count of lines of any kind names the kind
        ("Endocrine therapy: No more than 1 prior regimen", "inclusion", "compiled",
         "<= 1 prior endocrine therapy regimens"),
        ("Other: No more than 2 prior regimens", "inclusion", "partial", None),
        ("Prior chemotherapy: no more than 2 regimens", "inclusion", "partial", None),
        # agents, drugs and treatments are not regimens; lines only as prior ones
        ("No more than 2 prior cytotoxic agents", "inclusion", "partial", None),
        ("Received at least 5 radiation treatments", "inclusion", "partial", None),
        ("Received at least 2 treatments", "inclusion", "unparsed", None),
        ("Decrease in visual acuity of more than 2 lines", "exclusion", "unparsed", None),
        # a limit in an exclusion list: excluded with fewer, or written in the wrong list?
        ("No more than 2 prior chemotherapy regimens", "exclusion", "partial", None),
    ],
)  # fmt: skip
def test_what_a_count_counts_comes_from_its_words(
    text: str, kind: str, status: str, canonical: str | None
) -> None:
    reads(text, kind, status, canonical)


@pytest.mark.parametrize(
    ("low", "high", "op", "bound", "met"),
    [
        (1, float("inf"), ">=", 1, True),
        (1, float("inf"), "<=", 1, None),
        (0, 2, "<=", 2, True),
        (3, 3, "<", 3, False),
        (0, 4, "==", 5, False),
        (0, 4, "==", 2, None),
    ],
)
def test_count_met_decides_only_where_the_whole_interval_agrees(
    low: int, high: float, op: str, bound: int, met: bool | None
) -> None:
    assert count_met(low, high, op, bound) is met


def test_an_unknown_key_is_a_warning_not_a_silent_drop() -> None:
    patient = load_patient({"id": "p", "prior_regimens": {"wibble therapy": 2}})
    warnings = build_facts(patient).warnings
    assert any("prior_regimens" in w and "wibble" in w for w in warnings)
