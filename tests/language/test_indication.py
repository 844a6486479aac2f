"""A treatment for an indication: "No prior chemotherapy for metastatic disease" is chemotherapy
given for metastatic disease, not "no chemotherapy and no metastatic disease". Only a treatment
for it counts: by the record's `reason`, or, without one, ruled out where the patient never had
the condition or the treatment ended before it began."""

from __future__ import annotations

from typing import Any

import pytest
from test_results import decide

from trialscreen.language.compiler import compile_criterion

RULE = "No prior chemotherapy for metastatic disease"
CHEMO = {
    "name": "doxorubicin",
    "category": "chemotherapy",
    "start": "2020-01-01",
    "end": "2020-06-01",
}


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        (RULE, "inclusion", "no (history of chemotherapy for metastatic disease)"),
        (
            "Prior chemotherapy for NSCLC",
            "exclusion",
            "history of chemotherapy for non-small cell lung cancer",
        ),
        (
            "No prior chemotherapy or radiotherapy for metastatic breast cancer",
            "inclusion",
            "no (history of chemotherapy for metastatic breast cancer or else history of "
            "radiotherapy for metastatic breast cancer)",
        ),
    ],
)
def test_a_treatment_for_a_condition(text: str, kind: str, canonical: str) -> None:
    compiled = compile_criterion(text, kind)  # type: ignore[arg-type]
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


@pytest.mark.parametrize(
    "text",
    [
        "Chemotherapy if metastatic disease",  # a condition, not what it was given for
        "Aspirin for patients with diabetes",  # a group
        "Diabetes for 5 years",  # a duration
        "No prior chemotherapy for the current cancer",  # "current": which one?
        "No prior chemotherapy for breast cancer patients",  # a population
    ],
)
def test_other_fors_are_not_an_indication(text: str) -> None:
    assert compile_criterion(text, "exclusion").status != "compiled"


@pytest.mark.parametrize("text", ["Insulin for diabetes", "Diuretics for renal insufficiency"])
def test_a_treatment_for_an_indication_as_a_requirement_is_not_read(text: str) -> None:
    # more often an example cut from a list ("No other medication such as:") than a rule
    compiled = compile_criterion(text, "inclusion")
    assert compiled.status == "partial" and "indication_unread" in compiled.flags


@pytest.mark.parametrize(
    ("treatment", "conditions", "expected"),
    [
        # adjuvant chemotherapy years before the metastases: not for them
        (CHEMO, [{"name": "metastatic disease", "onset": "2025-01-01"}], "pass"),
        # recorded as given for metastatic breast cancer: a kind of metastatic disease
        (
            {**CHEMO, "reason": "metastatic breast cancer"},
            [{"name": "metastatic disease", "onset": "2019-01-01"}],
            "fail",
        ),
        # given for "breast cancer" while metastatic since 2019: may well be for it
        (
            {**CHEMO, "reason": "breast cancer"},
            [{"name": "metastatic disease", "onset": "2019-01-01"}],
            "unknown",
        ),
        (CHEMO, [{"name": "metastatic disease", "status": "absent"}], "pass"),
        (CHEMO, [{"name": "metastatic disease", "onset": "2019-01-01"}], "unknown"),
        (CHEMO, [], "unknown"),  # never said whether metastatic
    ],
)
def test_what_the_treatment_was_given_for_decides(
    treatment: dict[str, Any], conditions: list[dict[str, Any]], expected: str
) -> None:
    assert decide(RULE, "inclusion", treatments=[treatment], conditions=conditions) == expected


def test_a_reason_the_lexicon_does_not_know_is_a_warning_not_a_guess() -> None:
    from trialscreen.facts import build_facts
    from trialscreen.records import load_patient

    record = {"id": "p", "treatments": [{**CHEMO, "reason": "zzz syndrome"}]}
    warnings = build_facts(load_patient(record)).warnings
    assert any("treatments[0].reason" in w and "zzz syndrome" in w for w in warnings)


@pytest.mark.parametrize(
    "text",
    [
        "Prior hormonal therapy for metastatic disease allowed",
        "Prior or concurrent megestrol for hot flashes allowed",
    ],
)
def test_a_treatment_for_something_allowed_is_a_permission(text: str) -> None:
    assert compile_criterion(text, "inclusion").status == "no_constraint"


def test_allowed_for_a_group_is_not_a_permission() -> None:
    text = "Prior radiotherapy allowed for patients with bone metastases"
    assert compile_criterion(text, "inclusion").status == "partial"


@pytest.mark.parametrize(
    "text",
    [
        "No prior chemotherapy for myelodysplastic syndrome or AML",  # for either? both?
        "Prior chemotherapy for breast cancer or lymphoma",
    ],
)
def test_several_indications_are_not_read(text: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert compiled.status == "partial" and "indication_unread" in compiled.flags


def test_a_later_narrower_form_does_not_date_the_condition() -> None:
    # tamoxifen 2015-2020 was adjuvant therapy for this breast cancer; 2025 is when it spread
    tamoxifen = {"name": "tamoxifen", "start": "2015-03-01", "end": "2020-03-01"}
    spread = [{"name": "metastatic breast cancer", "onset": "2025-01-01"}]
    text = "No prior hormonal therapy for breast cancer"
    assert decide(text, "inclusion", treatments=[tamoxifen], conditions=spread) == "unknown"


def test_a_reason_of_prevention_is_not_the_condition() -> None:
    pci = {
        "name": "prophylactic cranial irradiation",
        "category": "radiotherapy",
        "date": "2024-01-01",
        "reason": "prevention of brain metastases",
    }
    text = "No prior radiotherapy for brain metastases"
    assert decide(text, "inclusion", treatments=[pci]) == "unknown"


def test_a_procedure_before_the_diagnosis_may_have_made_it() -> None:
    # the resection came days before the pathology date it established
    craniotomy = {"name": "craniotomy", "category": "surgery", "date": "2024-03-01"}
    found = [{"name": "brain metastases", "onset": "2024-03-05"}]
    text = "No prior surgery for brain metastases"
    assert decide(text, "inclusion", treatments=[craniotomy], conditions=found) == "unknown"
