"""Condition, medication and procedure mapping rules, pinned on hand-made bundles in data/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from trialscreen.fhir import FhirImport, import_fhir
from trialscreen.model.patient import Condition, Treatment

DATA = Path(__file__).parent / "data"
AS_OF = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def conditions() -> FhirImport:
    return import_fhir(DATA / "conditions.json", as_of=AS_OF)


@pytest.fixture(scope="module")
def medications() -> FhirImport:
    return import_fhir(DATA / "medications.json", as_of=AS_OF)


@pytest.fixture(scope="module")
def procedures() -> FhirImport:
    return import_fhir(DATA / "procedures.json", as_of=AS_OF)


def condition(result: FhirImport, rid: str) -> Condition:
    found = [c for c in result.patient.conditions if c.source == f"Condition/{rid}"]
    assert len(found) == 1
    return found[0]


def treatment(result: FhirImport, source: str) -> Treatment:
    found = [t for t in result.patient.treatments if t.source == source]
    assert len(found) == 1
    return found[0]


def warned(result: FhirImport, label: str) -> list[str]:
    return [w.split(": ", 1)[1] for w in result.warnings if w.startswith(f"{label}: ")]


def test_active_condition(conditions: FhirImport) -> None:
    assert condition(conditions, "active") == Condition(
        name="Malignant neoplasm of breast (disorder)",
        code="254837009",
        system="snomed",
        status="active",
        onset=dt.date(2021, 4, 1),
        source="Condition/active",
    )


@pytest.mark.parametrize(
    ("rid", "status"),
    [
        ("recurrence", "active"),
        ("relapse", "active"),
        ("remission", "resolved"),
        ("inactive", "resolved"),
        ("resolved", "resolved"),
        ("refuted", "absent"),
        ("provisional", "suspected"),
        ("no-clinical-status", "resolved"),  # no clinicalStatus, but an abatement date
        ("icd10", "active"),
    ],
)
def test_condition_status(conditions: FhirImport, rid: str, status: str) -> None:
    assert condition(conditions, rid).status == status


def test_condition_dates_and_systems(conditions: FhirImport) -> None:
    assert condition(conditions, "remission").end == dt.date(2022, 1, 15)
    assert condition(conditions, "onset-period").onset == dt.date(2015, 6, 1)
    resolved = condition(conditions, "resolved")
    assert (resolved.code, resolved.system) == ("C50.911", "icd10")
    assert condition(conditions, "icd10").system == "icd10"
    both = condition(conditions, "two-codings")  # SNOMED preferred over ICD-10
    assert (both.code, both.system, both.name) == ("44054006", "snomed", "Diabetes mellitus type 2")


def test_condition_skips(conditions: FhirImport) -> None:
    assert warned(conditions, "Condition/in-error") == [
        "skipped: verificationStatus 'entered-in-error'"
    ]
    assert warned(conditions, "Condition/no-code") == ["skipped: no code"]
    assert len(conditions.warnings) == 2
    assert len(conditions.patient.conditions) == 12


def test_medication_request(medications: FhirImport) -> None:
    assert treatment(medications, "MedicationRequest/active") == Treatment(
        name="Tamoxifen 10 MG Oral Tablet",
        code="198240",
        system="rxnorm",
        category="drug",
        status="active",
        start=dt.date(2023, 5, 1),
        source="MedicationRequest/active",
    )


@pytest.mark.parametrize(
    ("rid", "name", "code"),
    [
        ("by-full-url", "Paclitaxel 100 MG Injection", "583214"),
        ("by-type-id", "Paclitaxel 100 MG Injection", "583214"),
        ("contained", "carboplatin 10 MG/ML Injectable Solution", "224905"),
        ("by-display", "trastuzumab 150 MG Injection", None),
        ("text-only", "Investigational agent XYZ-123", None),
    ],
)
def test_medication_reference_and_text(
    medications: FhirImport, rid: str, name: str, code: str | None
) -> None:
    drug = treatment(medications, f"MedicationRequest/{rid}")
    assert (drug.name, drug.code, drug.category) == (name, code, "drug")


@pytest.mark.parametrize(
    ("source", "status"),
    [
        ("MedicationRequest/on-hold", "stopped"),
        ("MedicationRequest/stopped", "stopped"),
        ("MedicationRequest/draft", "planned"),
        ("MedicationRequest/by-full-url", "completed"),
        ("MedicationStatement/statement-active", "active"),
        ("MedicationStatement/statement-intended", "planned"),
        ("MedicationAdministration/given", "completed"),
        ("MedicationAdministration/infusing", "active"),
    ],
)
def test_medication_status(medications: FhirImport, source: str, status: str) -> None:
    assert treatment(medications, source).status == status


def test_medication_statement_with_effective_period(medications: FhirImport) -> None:
    drug = treatment(medications, "MedicationStatement/statement-period")
    assert (drug.name, drug.status, drug.start, drug.end) == (
        "letrozole 2.5 MG Oral Tablet",
        "completed",
        dt.date(2022, 1, 10),
        dt.date(2022, 6, 30),
    )


def test_medication_administration_dates(medications: FhirImport) -> None:
    assert treatment(medications, "MedicationAdministration/given").start == dt.date(2022, 2, 1)
    assert treatment(medications, "MedicationAdministration/infusing").start == dt.date(2024, 3, 1)


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("MedicationRequest/cancelled", "skipped: status 'cancelled'"),
        ("MedicationRequest/in-error", "skipped: status 'entered-in-error'"),
        ("MedicationStatement/statement-not-taken", "skipped: status 'not-taken'"),
        ("MedicationAdministration/not-done", "skipped: status 'not-done'"),
        ("MedicationRequest/no-medication", "skipped: no medication code"),
        (
            "MedicationRequest/missing-reference",
            "skipped: medicationReference 'Medication/elsewhere' is not in the input",
        ),
    ],
)
def test_medication_skips(medications: FhirImport, label: str, reason: str) -> None:
    assert warned(medications, label) == [reason]
    assert all(t.source != label for t in medications.patient.treatments)


def test_no_other_medication_warnings(medications: FhirImport) -> None:
    assert len(medications.warnings) == 6


@pytest.mark.parametrize(
    ("rid", "category"),
    [
        ("radiotherapy", "radiotherapy"),
        ("teleradiotherapy", "radiotherapy"),
        ("brachytherapy", "radiotherapy"),
        ("biopsy", "biopsy"),
        ("transplant", "transplant"),
        ("dialysis", "dialysis"),
        ("mastectomy", "surgery"),
        ("lumpectomy", "surgery"),
        ("laparotomy", "surgery"),
        ("excision", "surgery"),
        ("resection", "surgery"),
        ("surgical", "surgery"),
        ("chemotherapy", "chemotherapy"),
        ("phlebotomy", "procedure"),
        ("other", "procedure"),
        ("code-only", "surgery"),  # SNOMED 64368001 partial mastectomy, no text
    ],
)
def test_procedure_category(procedures: FhirImport, rid: str, category: str) -> None:
    assert treatment(procedures, f"Procedure/{rid}").category == category


def test_procedure_dates_and_status(procedures: FhirImport) -> None:
    course = treatment(procedures, "Procedure/radiotherapy")
    assert (course.status, course.date, course.start, course.end) == (
        "completed",
        dt.date(2022, 3, 1),
        dt.date(2022, 3, 1),
        dt.date(2022, 4, 12),
    )
    biopsy = treatment(procedures, "Procedure/biopsy")
    assert (biopsy.date, biopsy.start, biopsy.end) == (dt.date(2021, 3, 20), None, None)
    ongoing = treatment(procedures, "Procedure/in-progress")
    assert (ongoing.status, ongoing.category, ongoing.start) == (
        "active",
        "radiotherapy",
        dt.date(2024, 2, 26),
    )


@pytest.mark.parametrize("rid", ["not-done", "in-error", "preparation"])
def test_procedures_that_do_not_count(procedures: FhirImport, rid: str) -> None:
    status = {"in-error": "entered-in-error"}.get(rid, rid)
    assert warned(procedures, f"Procedure/{rid}") == [
        f"skipped: status {status!r} (only completed and in-progress procedures count)"
    ]


def test_procedure_without_code(procedures: FhirImport) -> None:
    assert warned(procedures, "Procedure/no-code") == ["skipped: no code"]
    assert len(procedures.warnings) == 4


def _bundle(*resources: dict[str, object]) -> dict[str, object]:
    patient = {"resourceType": "Patient", "id": "p", "gender": "female", "birthDate": "1960-01-01"}
    entries = [{"resource": r} for r in (patient, *resources)]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _request(rid: str, **fields: object) -> dict[str, object]:
    drug = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "224905",
                "display": "trastuzumab",
            }
        ],
        "text": "trastuzumab",
    }
    return {
        "resourceType": "MedicationRequest",
        "id": rid,
        "status": "active",
        "subject": {"reference": "Patient/p"},
        "authoredOn": "2024-05-01",
        "medicationCodeableConcept": drug,
        **fields,
    }


def test_a_planned_or_proposed_order_is_not_a_drug_taken() -> None:
    got = import_fhir(
        _bundle(_request("plan", intent="plan"), _request("proposal", intent="proposal")),
        as_of=AS_OF,
    )
    assert {t.source: t.status for t in got.patient.treatments} == {
        "MedicationRequest/plan": "planned",
        "MedicationRequest/proposal": "planned",
    }


def test_an_order_not_to_give_a_drug_is_left_out_with_a_warning() -> None:
    got = import_fhir(_bundle(_request("dnp", doNotPerform=True)), as_of=AS_OF)
    assert got.patient.treatments == []
    assert any("doNotPerform" in w for w in got.warnings)


@pytest.mark.parametrize(
    ("abatement", "clinical", "status"),
    [
        ({"abatementBoolean": True}, None, "resolved"),
        ({"abatementString": "in childhood"}, None, "resolved"),
        ({"abatementAge": {"value": 12, "unit": "a"}}, None, "resolved"),
        ({"abatementRange": {"low": {"value": 10, "unit": "a"}}}, None, "resolved"),
        ({"abatementBoolean": False}, None, "active"),
        ({"abatementString": "  "}, None, "active"),
        # FHIR con-4: an abated condition is not active; the two disagree, so it is open
        ({"abatementDateTime": "2020-01-01"}, "active", "suspected"),
        ({"abatementString": "2019"}, "resolved", "resolved"),
    ],
)
def test_any_abatement_ends_a_condition(
    abatement: dict[str, object], clinical: str | None, status: str
) -> None:
    """An abatement written as text, an age, a range or `true` ended the condition (it was
    read as active: "no active hepatitis" would have failed a patient cured in childhood)."""
    resource: dict[str, object] = {
        "resourceType": "Condition",
        "id": "c1",
        "subject": {"reference": "Patient/p1"},
        "code": {
            "coding": [{"system": "http://snomed.info/sct", "code": "66071002"}],
            "text": "Hepatitis B",
        },
        **abatement,
    }
    if clinical:
        resource["clinicalStatus"] = {"coding": [{"code": clinical}]}
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "p1", "gender": "male"}},
            {"resource": resource},
        ],
    }
    result = import_fhir(bundle, as_of=AS_OF)
    (cond,) = result.patient.conditions
    assert cond.status == status
    assert any("abatement" in w for w in result.warnings) == (status == "suspected")
