"""A second malignancy in a trial of some cancer: "No other malignancy within the past 5 years"
in a breast cancer trial. Besides an entry that says "second malignancy", any cancer of another
site beside the studied cancer on record is one (evaluate.concept_facts); what may be the
studied cancer itself (a broader class, a histology, a metastasis, a neighbouring site that
trials treat as one disease) is not."""

from __future__ import annotations

from typing import Any

import pytest

from trialscreen.facts import build_facts
from trialscreen.model.predicate import HasConcept, leaves
from trialscreen.model.trial import Criterion, Trial
from trialscreen.records import load_patient
from trialscreen.screening import compiled_bullets, judge

NO_OTHER = "No other malignancy within the past 5 years except nonmelanoma skin cancer"


def decide(text: str, conditions: list[str], *entries: dict[str, Any]) -> tuple[str, str]:
    bullet = Criterion(index=0, kind="inclusion", text=text, span=(0, len(text)))
    trial = Trial(id="t", format="ctgov_xml", bullets=[bullet], conditions=conditions)
    compiled = compiled_bullets(trial)[0]
    patient = load_patient({"id": "p", "as_of": "2026-11-01", "conditions": list(entries)})
    return judge(compiled, build_facts(patient))[1], compiled.canonical


BREAST = {"name": "breast cancer", "status": "active", "onset": "2026-09-01"}


def test_the_trial_s_cancers_go_with_the_reading() -> None:
    bullet = Criterion(index=0, kind="inclusion", text=NO_OTHER, span=(0, len(NO_OTHER)))
    trial = Trial(id="t", format="ctgov_xml", bullets=[bullet], conditions=["Breast Cancer"])
    found = [
        leaf
        for leaf in leaves(compiled_bullets(trial)[0].predicate)
        if isinstance(leaf, HasConcept)
    ]
    assert [(leaf.concept, leaf.studied) for leaf in found] == [
        ("second_malignancy", ("breast_cancer",))
    ]


@pytest.mark.parametrize(
    ("other", "outcome"),
    [
        (
            {"name": "melanoma", "status": "resolved", "onset": "2024-01-01", "end": "2024-03-01"},
            "fail",
        ),
        ({"name": "prostate cancer", "status": "active", "onset": "2025-01-01"}, "fail"),
        # an excepted kind: another cancer may be unrecorded
        ({"name": "basal cell carcinoma", "status": "resolved", "onset": "2025-01-01"}, "unknown"),
        # may be the breast cancer itself
        ({"name": "cancer", "status": "active", "onset": "2026-09-01"}, "unknown"),
        ({"name": "brain metastases", "status": "active", "onset": "2026-09-01"}, "unknown"),
        # outside the five years: whether another is inside, the record does not say
        (
            {"name": "melanoma", "status": "resolved", "onset": "2010-01-01", "end": "2010-03-01"},
            "unknown",
        ),
    ],
)
def test_a_cancer_of_another_site_is_a_second_malignancy(
    other: dict[str, Any], outcome: str
) -> None:
    assert decide(NO_OTHER, ["Breast Cancer"], BREAST, other)[0] == outcome


def test_only_beside_the_studied_cancer_on_record() -> None:
    melanoma = {"name": "melanoma", "status": "active", "onset": "2025-01-01"}
    # which cancer does the trial study? without it on record, the melanoma may be it
    assert decide(NO_OTHER, ["Breast Cancer"], melanoma)[0] == "unknown"
    # a trial of no one site: any cancer may be the one under study
    assert decide(NO_OTHER, ["Solid Tumors"], BREAST, melanoma)[0] == "unknown"


def test_neighbouring_sites_trials_treat_as_one_disease() -> None:
    ovary = {"name": "ovarian cancer", "status": "active", "onset": "2026-09-01"}
    tube = {"name": "fallopian tube cancer", "status": "active", "onset": "2026-09-01"}
    assert decide(NO_OTHER, ["Ovarian Cancer"], ovary, tube)[0] == "unknown"
