"""'Fertile patients must use effective contraception' (NCI records, often inside a run-on
bullet): a woman of childbearing potential uses contraception; a woman without it is not
concerned; a man may be fertile (the record cannot say), so only contraception on record passes
him. 'Fertile women ...' concerns women only. A requirement: never read in an exclusion."""

from __future__ import annotations

from typing import Any

import pytest
from test_results import decide

from trialscreen.language.compiler import compile_criterion

RULE = "Fertile patients must use effective contraception"
PILL = [{"name": "oral contraceptive", "start": "2025-01-01"}]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"sex": "female", "menopausal_status": "postmenopausal"}, "pass"),
        ({"sex": "female", "childbearing_potential": False}, "pass"),
        ({"sex": "female", "childbearing_potential": True}, "unknown"),
        ({"sex": "female", "childbearing_potential": True, "treatments": PILL}, "pass"),
        ({"sex": "female"}, "unknown"),
        ({"sex": "male"}, "unknown"),
        # a man's fertility is not in the record: no contraception on record does not fail him
        ({"sex": "male", "conditions": [{"name": "contraception", "status": "absent"}]}, "unknown"),
        ({"sex": "male", "conditions": [{"name": "infertility"}]}, "pass"),
        # contraception often starts at enrolment: stopped is not a fail
        (
            {
                "sex": "female",
                "childbearing_potential": True,
                "treatments": [
                    {"name": "oral contraceptive", "start": "2020-01-01", "end": "2025-01-01"}
                ],
            },
            "unknown",
        ),
        (
            {
                "sex": "female",
                "childbearing_potential": True,
                "conditions": [{"name": "agrees to use contraception"}],
            },
            "pass",
        ),
        ({"sex": "male", "treatments": PILL}, "pass"),  # contraception on record either way
    ],
)
def test_fertile_patients(record: dict[str, Any], expected: str) -> None:
    assert decide(RULE, "inclusion", **record) == expected


def test_fertile_women_leaves_men_alone() -> None:
    text = "Fertile women must use effective contraception"
    assert decide(text, "inclusion", sex="male") == "pass"
    assert decide(text, "inclusion", sex="female", childbearing_potential=True) == "unknown"


def test_inside_a_run_on_bullet() -> None:
    text = (
        "Age: 18 and over Performance status: ECOG 0-2 Other: Not pregnant Fertile patients "
        "must use effective contraception"
    )
    compiled = compile_criterion(text, "inclusion")
    assert compiled.status == "compiled"
    record = {"age": 60, "sex": "female", "menopausal_status": "postmenopausal"}
    record["pregnant"] = False
    record["observations"] = [{"name": "ECOG", "value": 1, "date": "2026-10-20"}]
    assert decide(text, "inclusion", **record) == "pass"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (RULE, "exclusion"),  # "excluded if ... must use"? not read
        (
            "Fertile patients must use effective contraception during and for 3 months after",
            "inclusion",
        ),
    ],
)
def test_not_read(text: str, kind: str) -> None:
    assert compile_criterion(text, kind).status != "compiled"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        # the pill is effective contraception but not a barrier method
        "Fertile patients must use effective barrier contraception",
        # a barrier method is effective but not highly effective
        "Fertile women must use highly effective contraception",
    ],
)
def test_a_kind_of_contraception_is_not_any_contraception(text: str) -> None:
    assert compile_criterion(text, "inclusion").status != "compiled"
