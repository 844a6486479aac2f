"""NCI-style waits: "At least 4 weeks since prior chemotherapy (6 weeks for nitrosoureas) and
recovered", and placeholders run into the sentences of a run-on piece."""

from __future__ import annotations

from typing import Any

import pytest
from tests.language.test_durations import both
from tests.language.test_results import reads

from trialscreen.language.compiler import compile_criterion
from trialscreen.language.runon import split_run_on

RECOVERED = "At least 4 weeks since prior chemotherapy and recovered"
NITROSOUREAS = "At least 4 weeks since prior chemotherapy (6 weeks for nitrosoureas)"


def _chemo(end: str, name: str = "paclitaxel") -> dict[str, Any]:
    return {"treatments": [{"name": name, "category": "chemotherapy", "status": "completed",
                            "start": "2026-01-01", "end": end}]}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        (RECOVERED, ">= 4 weeks since chemotherapy, and recovered from it"),
        (
            "Greater than 4 weeks since prior immunotherapy and recovered from all toxic effects.",
            "> 4 weeks since immunotherapy, and recovered from it",
        ),
        (NITROSOUREAS, ">= 4 weeks since chemotherapy and also >= 6 weeks since nitrosourea"),
        (
            "At least 3 weeks since prior chemotherapy (6 weeks since nitrosoureas or mitomycin)",
            ">= 3 weeks since chemotherapy and also >= 6 weeks since nitrosourea and also"
            " >= 6 weeks since mitomycin",
        ),
    ],
)
def test_the_wait_and_the_recovery_are_read(text: str, canonical: str) -> None:
    reads(text, "inclusion", "compiled", canonical)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (_chemo("2026-10-20"), "fail"),  # 12 days ago: too recent, recovered or not
        (_chemo("2026-06-01"), "unknown"),  # long enough ago: recovered? not recorded
        (
            {"conditions": [{"name": "chemotherapy", "status": "absent"}]},
            "pass",
        ),  # none to wait for
        ({}, "unknown"),
    ],
)
def test_recovered_is_a_second_requirement(record: dict[str, Any], expected: str) -> None:
    assert both(RECOVERED, "inclusion", **record) == expected


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (_chemo("2026-09-25", "carmustine"), "fail"),  # 5 weeks: a nitrosourea needs 6
        (_chemo("2026-09-25"), "unknown"),  # 5 weeks since paclitaxel; a nitrosourea since?
        (
            {**_chemo("2026-09-25"), "conditions": [{"name": "nitrosourea", "status": "absent"}]},
            "pass",  # 4 weeks are enough for paclitaxel, and there was no nitrosourea
        ),
        (_chemo("2026-09-01", "carmustine"), "pass"),  # 8 weeks
        (_chemo("2026-10-20"), "fail"),
    ],
)
def test_a_longer_wait_in_brackets(record: dict[str, Any], expected: str) -> None:
    assert both(NITROSOUREAS, "inclusion", **record) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Less than 4 weeks since prior chemotherapy and recovered",  # recovered from what?
        "At least 4 weeks since prior chemotherapy (less than 6 weeks for nitrosoureas)",
        "At least 4 weeks since prior radiotherapy (6 weeks for extensive radiotherapy)",
        "At least 3 weeks since prior surgery and recovered from surgery",
    ],
)
def test_odd_waits_are_not_read(text: str) -> None:
    assert compile_criterion(text, "inclusion").status == "partial"


def test_placeholders_inside_a_run_on_piece_constrain_nobody() -> None:
    text = (
        "Biologic therapy: Not specified Chemotherapy: See Disease Characteristics At least 4 "
        "weeks since prior chemotherapy No concurrent chemotherapy Surgery: Not specified"
    )
    pieces = split_run_on(text)
    assert pieces is not None
    assert [p.text for p in pieces] == [
        "Not specified",
        "At least 4 weeks since prior chemotherapy",  # two criteria run together: cut
        "No concurrent chemotherapy",
        "Not specified",
    ]
    assert all(text[p.start : p.start + len(p.text)] == p.text for p in pieces)
    compiled = compile_criterion(text, "inclusion")
    assert compiled.status == "compiled"
    assert compiled.canonical == ">= 4 weeks since chemotherapy and also no (current chemotherapy)"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Age: Any age", "no_constraint"),
        ("Menopausal status: Any status", "no_constraint"),
        ("Either sex", "no_constraint"),
        ("Performance status: WHO 0-2", "compiled"),
        ("Performance status: SWOG 0-1", "compiled"),
        ("Registered on CALGB 9581", "unparsed"),  # a protocol number, not a score
    ],
)
def test_nci_labels_and_placeholders(text: str, status: str) -> None:
    assert compile_criterion(text, "inclusion").status == status


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"conditions": [{"name": "surgery", "status": "absent"}]}, "pass"),  # nothing to recover from
        ({"treatments": [{"name": "nephrectomy", "category": "surgery", "status": "completed",
                          "date": "2026-03-01"}]}, "unknown"),  # recovered? not recorded
        ({}, "unknown"),
    ],
)  # fmt: skip
def test_recovered_from_prior_surgery(record: dict[str, Any], expected: str) -> None:
    assert both("Recovered from prior surgery", "inclusion", **record) == expected


def test_recovered_from_is_read_only_as_a_requirement() -> None:
    assert compile_criterion("Recovered from prior surgery", "inclusion").status == "compiled"
    assert compile_criterion("Recovered from prior surgery", "exclusion").status == "partial"
    read = compile_criterion(
        "Recovered from all toxicities of prior chemotherapy or radiotherapy", "inclusion"
    )
    assert read.canonical == (
        "recovered from chemotherapy (if any) and also recovered from radiotherapy (if any)"
    )


@pytest.mark.parametrize(
    "text",
    [
        # a shorter wait is an exception to the longer one, not a second requirement (review A1)
        "At least 4 weeks since prior chemotherapy (1 day for hydroxyurea)",
        "At least 4 weeks since prior radiotherapy (7 days since stereotactic radiosurgery)",
        "At least 2 weeks since prior chemotherapy (4 weeks for intravenous chemotherapy)",  # A2
        "At least 4 weeks since prior chemotherapy (6 weeks if prior radiotherapy)",  # A3
        "At least 4 weeks since prior chemotherapy (6 weeks for nitrosoureas) or radiotherapy",
        # recovery from every prior therapy, not only the one timed (A6)
        "At least 4 weeks since prior chemotherapy and recovered from all toxic effects of prior"
        " therapy",
        "More than 4 weeks since any prior therapy and recovered.",  # "any" is no concept (B1)
    ],
)
def test_review_findings_on_waits_are_not_read(text: str) -> None:
    assert compile_criterion(text, "inclusion").status == "partial"


def test_a_shorter_wait_in_brackets_never_fails_the_drug_it_names() -> None:
    text = "At least 4 weeks since prior chemotherapy (1 day for hydroxyurea)"
    assert both(text, "inclusion", **_chemo("2026-10-28", "hydroxyurea")) == "unknown"
