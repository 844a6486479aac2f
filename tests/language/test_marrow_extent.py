"""How much of the marrow a radiotherapy reached ("No prior radiotherapy to more than 25% of bone
marrow"): a qualifier the record cannot check — radiotherapy on record is unknown, none is none."""

from __future__ import annotations

from typing import Any

import pytest
from tests.language.test_durations import both
from tests.language.test_results import reads

NO_PRIOR = "No prior radiotherapy to more than 25% of bone marrow"
WAIT = "At least 4 weeks since prior radiotherapy to greater than 25% of bone marrow"


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        (NO_PRIOR, "inclusion", "no (history of radiotherapy to more than 25% of bone marrow)"),
        ("No prior irradiation of more than 25% of the marrow", "inclusion",
         "no (history of radiotherapy to more than 25% of bone marrow)"),
        ("Radiotherapy to more than 30% of the bone marrow", "exclusion",
         "radiotherapy to more than 30% of bone marrow"),
        (WAIT, "inclusion", ">= 4 weeks since radiotherapy to more than 25% of bone marrow"),
    ],
)  # fmt: skip
def test_the_extent_is_kept_as_a_qualifier(text: str, kind: str, canonical: str) -> None:
    reads(text, kind, "compiled", canonical)


def test_a_smaller_share_is_a_limit_not_read() -> None:
    reads("Prior radiotherapy must have been to less than 25% of bone marrow", "inclusion",
          "partial")  # fmt: skip


def _rt(end: str) -> dict[str, Any]:
    return {"treatments": [{"name": "radiotherapy", "category": "radiotherapy",
                            "status": "completed", "start": "2026-01-01", "end": end}]}  # fmt: skip


NONE = {"conditions": [{"name": "radiotherapy", "status": "absent"}]}


@pytest.mark.parametrize(
    ("text", "kind", "record", "expected"),
    [
        (NO_PRIOR, "inclusion", NONE, "pass"),
        (NO_PRIOR, "inclusion", _rt("2026-02-01"), "unknown"),  # how much marrow? not recorded
        (NO_PRIOR, "inclusion", {}, "unknown"),
        ("Radiotherapy to more than 30% of the bone marrow", "exclusion", NONE, "pass"),
        ("Radiotherapy to more than 30% of the bone marrow", "exclusion", _rt("2026-02-01"),
         "unknown"),
        (WAIT, "inclusion", NONE, "pass"),
        (WAIT, "inclusion", _rt("2026-02-01"), "pass"),  # long ago, whatever it reached
        (WAIT, "inclusion", _rt("2026-10-20"), "unknown"),  # recent: was it that extensive?
    ],
)  # fmt: skip
def test_radiotherapy_on_record_does_not_say_how_much_marrow_it_reached(
    text: str, kind: str, record: dict[str, Any], expected: str
) -> None:
    assert both(text, kind, **record) == expected


def test_an_extent_after_a_list_is_not_read() -> None:
    # does "to more than 25% of bone marrow" qualify both, or the last item only?
    reads("No prior pelvic radiotherapy or radiotherapy to more than 25% of bone marrow",
          "inclusion", "partial")  # fmt: skip


def test_a_list_after_an_extent_is_not_read() -> None:
    # does the "no" reach the nitrosoureas? (read as "no X or Y" it passed a patient who had them)
    reads("No prior radiotherapy to more than 30% of bone marrow or prior nitrosoureas",
          "inclusion", "partial")  # fmt: skip


def test_a_qualifier_after_examples_is_not_given_to_the_last_example_only() -> None:
    # "requiring systemic therapy" (or "to more than 25% of bone marrow") may qualify the head
    # too: read as "any infection, or TB requiring systemic therapy" it excluded a plain UTI
    reads("Active infection including tuberculosis requiring systemic therapy", "exclusion",
          "partial")  # fmt: skip
    reads("Prior radiotherapy including pelvic radiotherapy to more than 25% of bone marrow",
          "exclusion", "partial")  # fmt: skip


def test_a_planned_course_is_no_evidence_either_way() -> None:
    planned = {"treatments": [{"name": "radiotherapy", "category": "radiotherapy",
                               "status": "planned"}]}  # fmt: skip
    assert both("No prior radiotherapy", "inclusion", **planned) == "unknown"
    assert both(NO_PRIOR, "inclusion", **planned) == "unknown"
