"""Wrong decisions an outside probe with hand-written patients found (2026-12-04), each now
unknown or decided the right way: a cured infection against test wording, children's limits,
active brain metastases, requirements filed as exclusions, venous vs arterial thromboembolism,
degrees of heart block."""

from __future__ import annotations

from typing import Any

import pytest

from trialscreen.api import evaluate, load_patient

AS_OF = "2026-11-01"


def outcome(text: str, record: dict[str, Any], kind: str = "inclusion") -> str:
    from trialscreen.api import compile_criterion

    patient = load_patient({"id": "probe", "as_of": AS_OF, **record})
    return evaluate(compile_criterion(text, kind), patient).outcome  # type: ignore[arg-type]


CURED_HCV = {
    "sex": "female",
    "birth_date": "1962-02-02",
    "conditions": [
        {"name": "hepatitis C", "status": "resolved", "onset": "2008", "end": "2019-05-01"}
    ],
}
ACTIVE_HCV = {
    "sex": "female",
    "age": 64,
    "conditions": [{"name": "hepatitis C", "status": "active"}],
}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("HCV negative", "inclusion"),
        ("Negative hepatitis C test", "inclusion"),
        ("No hepatitis C", "inclusion"),
        ("HCV positive", "exclusion"),
        ("Known hepatitis C infection", "exclusion"),
    ],
)
def test_a_cured_infection_does_not_settle_test_wording(text: str, kind: str) -> None:
    assert outcome(text, CURED_HCV, kind) == "unknown"
    assert outcome(text, ACTIVE_HCV, kind) == "fail"


def test_children_get_no_adult_limits() -> None:
    child = {
        "sex": "male",
        "birth_date": "2016-03-03",
        "observations": [
            {"name": "creatinine", "value": 1.1, "unit": "mg/dL", "date": "2026-10-28"}
        ],
    }
    assert outcome("Creatinine <= 1.5 x ULN", child) == "unknown"
    adult = {**child, "birth_date": "1960-03-03"}
    # assumed adult ULN 0.79-1.35 mg/dL: 1.1 <= 1.5 x 0.79 = 1.185 at either end
    assert outcome("Creatinine <= 1.5 x ULN", adult) == "pass"


def test_active_brain_metastases_are_not_just_recorded_ones() -> None:
    treated = {
        "sex": "female",
        "age": 60,
        "conditions": [
            {"name": "breast cancer", "status": "active"},
            {"name": "brain metastases", "status": "active", "onset": "2025-06-01"},
        ],
    }
    none = {
        "sex": "female",
        "age": 60,
        "conditions": [{"name": "brain metastases", "status": "absent"}],
    }
    assert outcome("Active brain metastases", treated, "exclusion") == "unknown"
    assert outcome("Active brain metastases", none, "exclusion") == "pass"
    assert outcome("Known brain metastases", treated, "exclusion") == "fail"


@pytest.mark.parametrize(
    "text",
    [
        "Must be at least 18 years old",
        "Patients must have ECOG 0-1",
        "Creatinine clearance >= 60 mL/min is required",
        "At least 28 days since prior chemotherapy",
        "Life expectancy > 3 months",
        "ECOG 0-1",
    ],
)
def test_a_requirement_in_an_exclusion_list_is_not_turned_round(text: str) -> None:
    patient = {
        "sex": "male",
        "age": 66,
        "observations": [
            {"name": "ECOG", "value": 1, "date": "2026-10-20"},
            {"name": "creatinine clearance", "value": 45, "unit": "mL/min", "date": "2026-10-29"},
        ],
        "treatments": [
            {"name": "docetaxel", "status": "completed", "start": "2026-06-01", "end": "2026-10-10"}
        ],
        "life_expectancy_months": 12,
    }
    assert outcome(text, patient, "exclusion") == "unknown"


def test_a_real_exclusion_of_poor_performance_still_decides() -> None:
    patient = {
        "sex": "male",
        "age": 66,
        "observations": [{"name": "ECOG", "value": 3, "date": "2026-10-20"}],
    }
    assert outcome("ECOG performance status 3 or 4", patient, "exclusion") == "fail"


def test_venous_and_arterial_thromboembolism_differ() -> None:
    arterial = {
        "age": 60,
        "conditions": [
            {"name": "arterial thromboembolism", "status": "resolved", "onset": "2026-08-01"}
        ],
    }
    dvt = {
        "age": 60,
        "conditions": [{"name": "deep vein thrombosis", "status": "active", "onset": "2026-09-01"}],
    }
    assert outcome("History of venous thromboembolism", arterial, "exclusion") != "fail"
    assert outcome("History of venous thromboembolism", dvt, "exclusion") == "fail"
    assert outcome("Arterial thromboembolic events within 6 months", dvt, "exclusion") != "fail"


def test_degrees_of_heart_block() -> None:
    first = {"age": 60, "conditions": [{"name": "first degree AV block", "status": "active"}]}
    complete = {"age": 60, "conditions": [{"name": "complete heart block", "status": "active"}]}
    assert outcome("Complete heart block", first, "exclusion") != "fail"
    assert outcome("Complete heart block", complete, "exclusion") == "fail"
    assert outcome("Heart block", first, "exclusion") == "fail"


@pytest.mark.parametrize(
    "text",
    [
        "Creatinine Clearance greater than or equal to 50.",
        "Platelet count of at least 100,000/mm3",
        "Total bilirubin <= 1.5 x ULN",
        "Has to be at least 18 years old",
        "Required: age 18 years or older",
    ],
)
def test_more_requirements_filed_as_exclusions(text: str) -> None:
    fit = {
        "sex": "female",
        "age": 50,
        "observations": [
            {"name": "creatinine clearance", "value": 90, "unit": "mL/min", "date": "2026-10-25"},
            {"name": "platelets", "value": 250, "unit": "10^9/L", "date": "2026-10-25"},
            {
                "name": "total bilirubin",
                "value": 0.6,
                "unit": "mg/dL",
                "date": "2026-10-25",
                "reference_range": {"low": 0.2, "high": 1.2},
            },
        ],
    }
    assert outcome(text, fit, "exclusion") == "unknown"


def test_real_lab_exclusions_still_decide() -> None:
    patient = {
        "sex": "male",
        "age": 40,
        "conditions": [{"name": "HIV infection", "status": "active"}],
        "observations": [
            {"name": "CD4 count", "value": 500, "unit": "cells/uL", "date": "2026-10-25"},
            {"name": "ANC", "value": 1.0, "unit": "10^9/L", "date": "2026-10-25"},
            {"name": "heart failure NYHA class", "value": 2, "date": "2026-10-25"},
        ],
    }
    assert (
        outcome("Absolute CD4 count of < 100 or > 350 cells/mm3.", patient, "exclusion") == "fail"
    )
    assert outcome("ANC < 1500/mm3", patient, "exclusion") == "fail"


def test_mobitz_and_renal_neoplasm_are_not_read_as_more_than_they_say() -> None:
    second = {
        "age": 60,
        "conditions": [{"name": "second degree atrioventricular block", "status": "active"}],
    }
    assert outcome("Mobitz type II", second, "exclusion") != "fail"
    superficial = {"age": 60, "conditions": [{"name": "venous thrombosis", "status": "active"}]}
    assert outcome("Deep vein thrombosis", superficial, "exclusion") != "fail"
