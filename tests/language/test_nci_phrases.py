"""Phrases of older (NCI PDQ-era) records: transfusions allowed, "and under", "or worse",
"acute or chronic", severity words the record cannot check, "ddI", measurable disease, and
cross-references to another section."""

from __future__ import annotations

from typing import Any

import pytest
from tests.language.test_durations import both
from tests.language.test_results import reads

from trialscreen.language.compiler import compile_criterion


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        ("Hemoglobin at least 10 g/dL (transfusion allowed)", "inclusion", "Hemoglobin >= 10 g/dL"),
        ("Hemoglobin >= 9 g/dL (RBC transfusions allowed)", "inclusion", "Hemoglobin >= 9 g/dL"),
        ("Age: 75 and under", "inclusion", "age <= 75 years"),
        ("History of acute or chronic pancreatitis", "exclusion",
         "acute or chronic history of pancreatitis"),
        ("Intractable diarrhea", "exclusion", "intractable diarrhea"),
        ("Moderate or severe liver disease", "exclusion", "moderate or severe liver disease"),
        ("Didanosine (ddI)", "exclusion", "didanosine"),
        ("Any prior ddC, d4T, 3TC, or ddI.", "exclusion",
         "history of zalcitabine or else history of stavudine or else history of lamivudine"
         " or else history of didanosine"),
        ("Measurable or evaluable disease", "inclusion", "evaluable disease"),
        ("Barbiturates", "exclusion", "barbiturate"),
    ],
)  # fmt: skip
def test_phrases_are_read(text: str, kind: str, canonical: str) -> None:
    reads(text, kind, "compiled", canonical)


@pytest.mark.parametrize(
    "text",
    [
        "Platelet count at least 100,000/mm3 (transfusion independent)",  # a requirement
        "Please contact site for information",  # the criteria are elsewhere: not read
        "Other protocol-defined inclusion/exclusion criteria may apply",
    ],
)
def test_phrases_that_are_not_permissions(text: str) -> None:
    assert compile_criterion(text, "inclusion").status != "compiled"
    assert compile_criterion(text, "inclusion").status != "no_constraint"


def test_a_cross_reference_constrains_nobody() -> None:
    assert compile_criterion("See Chemotherapy", "inclusion").status == "no_constraint"


def test_a_severity_the_record_cannot_check_decides_only_when_absent() -> None:
    text = "Intractable diarrhea"
    present = {"conditions": [{"name": "diarrhea", "onset": "2026-10-01"}]}
    absent = {"conditions": [{"name": "diarrhea", "status": "absent"}]}
    assert both(text, "exclusion", **present) == "unknown"
    assert both(text, "exclusion", **absent) == "pass"


def test_measurable_disease_is_a_kind_of_evaluable_disease() -> None:
    record = {"conditions": [{"name": "measurable disease"}]}
    assert both("Measurable or evaluable disease", "inclusion", **record) == "pass"
    assert both("Bidimensionally measurable disease", "inclusion", **record) == "unknown"


@pytest.mark.parametrize(
    ("text", "status", "canonical"),
    [
        ("SWOG 0-2", "compiled", "ECOG <= 2"),
        ("SWOG 9346 participants", "unparsed", None),  # a protocol number (review B3)
        ("Total T4 count > 200 cells/mm3", "compiled", "CD4 count > 200 cells/mm3"),  # B2
        ("At least 3 weeks since prior major abdominal surgery", "compiled",
         ">= 3 weeks since major abdominal surgery"),
        ("At least 2 weeks since prior laparoscopy", "compiled", ">= 2 weeks since laparoscopy"),
        ("No prior adjuvant chemotherapy", "compiled", "no (history of adjuvant chemotherapy)"),
        ("Performance status: Karnofsky 70-100% SWOG 0 or 1", "partial", None),  # equivalents?
        ("No prior or concurrent irinotecan and fluorouracil therapy", "partial", None),  # A5
    ],
)  # fmt: skip
def test_review_findings_on_names(text: str, status: str, canonical: str | None) -> None:
    reads(text, "inclusion", status, canonical)


def test_major_surgery_is_a_qualifier_the_record_cannot_check() -> None:
    text = "At least 3 weeks since prior major abdominal surgery"
    recent = {"treatments": [{"name": "laparotomy", "category": "surgery", "status": "completed",
                              "date": "2026-10-20"}]}  # fmt: skip
    old = {"treatments": [{"name": "laparotomy", "category": "surgery", "status": "completed",
                           "date": "2026-01-20"}]}  # fmt: skip
    assert both(text, "inclusion", **recent) == "unknown"  # major? not recorded
    assert both(text, "inclusion", **old) == "pass"


@pytest.mark.parametrize(
    ("text", "kind", "status", "canonical"),
    [
        # "allowed" after "No ...": X is not allowed, in either list
        ("No prior treatment with an anti-VEGF agent allowed", "inclusion", "compiled",
         "no (history of vegf inhibitor)"),
        ("No prior treatment with an anti-VEGF agent allowed", "exclusion", "compiled",
         "history of vegf inhibitor"),
        # a negation in an exclusion list: does X exclude, or does its absence? Not read
        ("No prior chemotherapy", "exclusion", "partial", None),
        ("no pregnant or breast-feeding women", "exclusion", "partial", None),
        ("No prior chemotherapy allowed except hydroxyurea", "inclusion", "partial", None),
    ],
)  # fmt: skip
def test_negations_and_allowed(text: str, kind: str, status: str, canonical: str | None) -> None:
    reads(text, kind, status, canonical)


def test_a_negated_exclusion_never_warns() -> None:
    record = {"conditions": [{"name": "chemotherapy", "status": "absent"}]}
    assert both("No prior chemotherapy", "exclusion", **record) == "unknown"


@pytest.mark.parametrize(
    ("text", "kind", "status", "canonical"),
    [
        ("See Disease Characteristics No prior rituximab", "inclusion", "partial", None),
        ("Has laboratory values of: See protocol for specific details", "inclusion", "unparsed",
         None),
        # "acute or chronic": any form, but now or ever? A qualifier the record cannot check
        ("No acute or chronic infection", "inclusion", "compiled",
         "no (acute or chronic infection)"),
        ("History of acute or chronic pancreatitis", "exclusion", "compiled",
         "acute or chronic history of pancreatitis"),
        ("Congestive heart failure (New York Heart Association class III or IV heart disease)",
         "exclusion", "partial", None),
        ("Congestive heart failure NYHA class III or IV", "exclusion", "compiled",
         "congestive heart failure and also NYHA class >= 3 and NYHA class <= 4"),
        ("Karnofsky 60 or worse", "inclusion", "partial", None),  # worse is lower here
        ("Recovered from PCP", "inclusion", "partial", None),  # having had it is the point
        ("Aged 18 and under 65", "inclusion", "unparsed", None),
        ("Known DDI", "exclusion", "unparsed", None),  # a drug-drug interaction, not ddI
        ("Recovered from toxicity of any prior anticancer therapy.", "inclusion", "compiled",
         "recovered from anticancer therapy (if any)"),
    ],
)  # fmt: skip
def test_second_review_findings(text: str, kind: str, status: str, canonical: str | None) -> None:
    reads(text, kind, status, canonical)


def test_anticancer_therapy_is_not_read_from_its_parts() -> None:
    # radiotherapy and methotrexate may treat other things (hyperthyroidism, arthritis): a
    # record's entries are not taken for "anticancer therapy" (review 3, W3)
    record = {"treatments": [{"name": "radiotherapy", "category": "radiotherapy",
                              "status": "completed", "start": "2026-10-19", "end": "2026-10-26"}]}  # fmt: skip
    assert both("No prior anticancer therapy", "inclusion", **record) == "unknown"
    assert both("Recovered from toxicity of any prior anticancer therapy.", "inclusion",
                **record) == "unknown"  # fmt: skip


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"conditions": [{"name": "HIV-1 infection"}]}, "pass"),
        ({"conditions": [{"name": "HIV"}]}, "unknown"),  # type 1 or 2?
        ({"conditions": [{"name": "HIV-2 infection"}]}, "unknown"),  # not type 1
    ],
)
def test_hiv_1_is_a_type_of_hiv(record: dict[str, Any], expected: str) -> None:
    assert both("HIV-1 seropositivity.", "inclusion", **record) == expected
    assert both("HIV infection", "inclusion", **record) == "pass"  # either type is HIV


@pytest.mark.parametrize(
    "text",
    [
        "Age 5 years and under: Creatinine less than 1.2 mg/dL",  # for that age group only
        "Age 6 to 10 years: Creatinine less than 1.5 mg/dL",
        "HIV-1 or HIV-1 + HIV-2 infection",  # a pair written with "+", within an alternative
    ],
)
def test_group_labels_and_plus_are_not_read(text: str) -> None:
    reads(text, "inclusion", "partial")
    young = {"age": 12, "observations": [{"name": "creatinine", "value": 0.7, "unit": "mg/dL",
                                          "date": "2026-10-25"}]}  # fmt: skip
    assert both(text, "inclusion", **young) == "unknown"  # and never "likely fails"


def test_requiring_chemotherapy_is_a_qualifier() -> None:
    reads("Malignancy requiring chemotherapy.", "exclusion", "compiled",
          "cancer requiring chemotherapy")  # fmt: skip
    present = {"conditions": [{"name": "breast cancer"}]}
    absent = {"conditions": [{"name": "cancer", "status": "absent"}]}
    assert both("Malignancy requiring chemotherapy.", "exclusion", **present) == "unknown"
    assert both("Malignancy requiring chemotherapy.", "exclusion", **absent) == "pass"


def test_a_dipstick_plus_is_no_pair() -> None:
    text = "Creatinine no greater than 1.5 mg/dL Proteinuria less than 1+ No dialysis"
    assert "plus_unread" not in compile_criterion(text, "inclusion").flags
