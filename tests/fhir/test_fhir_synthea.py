"""The 32 Synthea mCODE breast-cancer bundles in ../shared: all import; three are pinned."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import FHIR_BUNDLES, need_shared
from trialscreen.fhir import FhirImport, import_fhir, to_record_json
from trialscreen.model.patient import Biomarker, Condition, Observation, Patient, Treatment

BUNDLES = sorted(FHIR_BUNDLES.glob("*.json")) if FHIR_BUNDLES.is_dir() else []
AS_OF = dt.date(2024, 6, 1)


def bundle(prefix: str) -> FhirImport:
    need_shared(FHIR_BUNDLES)
    (path,) = FHIR_BUNDLES.glob(f"{prefix}_*.json")
    return import_fhir(path, as_of=AS_OF)


def by_source(
    patient: Patient, source: str
) -> list[Observation | Condition | Treatment | Biomarker]:
    items: list[Observation | Condition | Treatment | Biomarker] = []
    items += patient.observations
    items += patient.biomarkers
    items += patient.conditions
    items += patient.treatments
    return [item for item in items if item.source == source]


def test_all_32_bundles_are_there() -> None:
    need_shared(FHIR_BUNDLES)
    assert len(BUNDLES) == 32


@pytest.mark.parametrize("path", BUNDLES or [FHIR_BUNDLES], ids=lambda p: Path(p).name[:20])
def test_every_bundle_imports(path: Path) -> None:
    need_shared(path)
    result = import_fhir(path, as_of=AS_OF)
    patient = result.patient
    assert patient.sex == "female" and patient.birth_date is not None
    assert any(c.code == "254837009" or c.system == "snomed" for c in patient.conditions)
    assert patient.treatments
    # Synthea R4 bundles are clean; a deceased patient is a field of the record, not a warning
    assert result.warnings == []
    assert patient.deceased in (None, True)
    assert (patient.death_date is not None) == bool(patient.deceased)
    for field in ("observations", "conditions", "treatments"):
        for index, item in enumerate(getattr(patient, field)):
            assert result.provenance[f"{field}[{index}]"] == item.source
    assert (
        Patient.model_validate(
            {k: v for k, v in to_record_json(result).items() if k != "provenance"}
        )
        == patient
    )


def test_sherilyn_labs_receptors_and_medication_reference() -> None:
    result = bundle("Sherilyn598_McClure239")
    patient = result.patient
    assert (patient.id, patient.birth_date) == (
        "d9d62bad-720b-01af-5433-e4ba88dbb22a",
        dt.date(2018, 3, 9),
    )
    assert by_source(patient, "Observation/eac549c4-b7f5-4594-0956-c6280ff6a089") == [
        Observation(
            name="Hemoglobin [Mass/volume] in Blood",
            code="718-7",
            value=17.45,
            unit="g/dL",
            date=dt.date(2018, 3, 9),
            source="Observation/eac549c4-b7f5-4594-0956-c6280ff6a089",
        )
    ]
    (platelets,) = by_source(patient, "Observation/65648c99-d9f7-d45a-753d-71a8cfae8951")
    assert isinstance(platelets, Observation)
    assert (platelets.code, platelets.value, platelets.unit) == ("777-3", 258.64, "10*3/uL")
    (er,) = by_source(patient, "Observation/c410514a-4698-591c-e3cf-6be4ca7a4a0b")
    assert isinstance(er, Biomarker)  # a tumour-marker test: a marker result
    assert (er.name, er.code, er.result, er.date) == (
        "Estrogen receptor",
        "16112-5",
        "positive",
        dt.date(2020, 1, 31),
    )
    (cancer,) = by_source(patient, "Condition/0cd85200-1242-ff44-4512-de2a6e8d7808")
    assert isinstance(cancer, Condition)
    assert (cancer.code, cancer.status, cancer.onset) == (
        "254837009",
        "active",
        dt.date(2020, 1, 29),
    )
    # MedicationRequest with medicationReference → the Medication resource in the bundle
    (levofloxacin,) = by_source(patient, "MedicationRequest/1d997ed9-0c78-eeb0-10c3-85ae6b503005")
    assert isinstance(levofloxacin, Treatment)
    assert (levofloxacin.name, levofloxacin.code, levofloxacin.system) == (
        "levofloxacin 500 MG Oral Tablet",
        "199885",
        "rxnorm",
    )
    (given,) = by_source(patient, "MedicationAdministration/6aebf058-0594-1db7-6b5a-3c27b73f7973")
    assert isinstance(given, Treatment)
    assert (given.code, given.status, given.start) == ("199885", "completed", dt.date(2020, 3, 8))
    (excision,) = by_source(patient, "Procedure/c31dfdc3-87cc-f6ae-f358-422734bc10ba")
    assert isinstance(excision, Treatment)
    assert (excision.name, excision.category, excision.date) == (
        "Excision of breast tissue (procedure)",
        "surgery",
        dt.date(2020, 2, 5),
    )


def test_santos_neutrophils_her2_and_brachytherapy() -> None:
    patient = bundle("Santos184_Jaskolski867").patient
    (neutrophils,) = by_source(patient, "Observation/b6f6f4e6-0aac-50a0-bb3c-4e181410cbf4")
    assert isinstance(neutrophils, Observation)
    assert (neutrophils.code, neutrophils.value, neutrophils.unit, neutrophils.date) == (
        "751-8",
        395.61,
        "10*3/uL",
        dt.date(2021, 7, 30),
    )
    (her2,) = by_source(patient, "Observation/b7c766c3-edce-47a0-158f-7c52fc1754d3")
    assert isinstance(her2, Biomarker)
    assert (her2.name, her2.code, her2.result) == ("HER2", "48676-1", "positive")
    (tumour,) = by_source(patient, "Observation/fd71811f-52df-ce2d-ed94-56a78d30ef5a")
    assert isinstance(tumour, Observation)
    assert (tumour.code, tumour.value, tumour.unit) == ("33728-7", 5.4538, "cm")  # a component
    (neutropenia,) = by_source(patient, "Condition/297e3c5f-878b-4049-b0da-199a1b8d07a6")
    assert isinstance(neutropenia, Condition)
    assert (neutropenia.name, neutropenia.status, neutropenia.end) == (
        "Febrile neutropenia (disorder)",
        "resolved",
        dt.date(2021, 7, 30),
    )
    (trastuzumab,) = by_source(patient, "MedicationRequest/2069986c-f875-609a-ee8b-9f9d2669481e")
    assert isinstance(trastuzumab, Treatment)
    assert (trastuzumab.code, trastuzumab.status, trastuzumab.start) == (
        "2119714",
        "completed",
        dt.date(2020, 7, 17),
    )
    (brachy,) = by_source(patient, "Procedure/6b0aef73-8169-7ee4-d4cc-efe1be90ddd0")
    assert isinstance(brachy, Treatment)
    assert (brachy.category, brachy.date) == ("radiotherapy", dt.date(2020, 6, 20))
    (biopsy,) = by_source(patient, "Procedure/dbccd33b-816d-9987-3c1b-fe0588566c51")
    assert isinstance(biopsy, Treatment)
    assert (biopsy.name, biopsy.category) == ("Sentinel lymph node biopsy (procedure)", "biopsy")


def test_shiloh_biggest_bundle_deceased_radiotherapy_course() -> None:
    result = bundle("Shiloh191_Weber641")
    patient = result.patient
    assert result.warnings == []
    # deceasedDateTime 2011-01-19T21:13:29-05:00: the day written, no time-zone shift
    assert (patient.deceased, patient.death_date) == (True, dt.date(2011, 1, 19))
    assert result.provenance["death_date"] == "Patient/3bcf032e-f315-2fc2-e533-a646de882a7e"
    (hb,) = by_source(patient, "Observation/f0ec474d-8d5c-92c8-3591-2c8c79fdcf53")
    assert isinstance(hb, Observation)
    assert (hb.code, hb.value, hb.unit, hb.date) == ("718-7", 14.426, "g/dL", dt.date(2003, 8, 18))
    (cancer,) = by_source(patient, "Condition/00c28b9a-1083-a334-f93f-5bf7d8e92e5b")
    assert isinstance(cancer, Condition)
    assert (cancer.name, cancer.status, cancer.onset) == (
        "Malignant neoplasm of breast (disorder)",
        "active",
        dt.date(2009, 8, 7),
    )
    (sinusitis,) = by_source(patient, "Condition/d8cc3cd4-c78e-0393-33da-977c662107fd")
    assert isinstance(sinusitis, Condition)
    assert (sinusitis.status, sinusitis.end) == ("resolved", dt.date(2010, 8, 29))
    radiotherapy = [t for t in patient.treatments if t.category == "radiotherapy"]
    assert len(radiotherapy) == 34
    assert radiotherapy[0].name == "Radiotherapy Course of Treatment (regime/therapy)"
    assert radiotherapy[0].date == dt.date(2010, 2, 15)
    (epirubicin,) = by_source(patient, "MedicationRequest/e526643b-4cd5-d2ae-9d74-34eb0bf9bfad")
    assert isinstance(epirubicin, Treatment)
    assert (epirubicin.name, epirubicin.code, epirubicin.start) == (
        "100 ML Epirubicin Hydrochloride 2 MG/ML Injection",
        "1732186",
        dt.date(2009, 8, 11),
    )
    (tamoxifen,) = by_source(patient, "MedicationRequest/2ebc72d5-babb-4e77-1a55-396f2a8fd69d")
    assert isinstance(tamoxifen, Treatment)
    assert (tamoxifen.name, tamoxifen.status) == ("Tamoxifen 10 MG Oral Tablet", "completed")


def test_what_a_treatment_was_given_for_comes_from_its_reason_reference() -> None:
    # Synthea points MedicationRequest and Procedure at the Condition they treat
    patient = bundle("Sherilyn598_McClure239").patient
    reasons = {t.reason for t in patient.treatments if t.reason}
    assert "Malignant neoplasm of breast (disorder)" in reasons
    assert all(t.reason is None or t.reason.strip() for t in patient.treatments)


def test_a_refuted_condition_is_no_reason() -> None:
    bundle_json = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:p",
                "resource": {"resourceType": "Patient", "id": "p", "gender": "female"},
            },
            {
                "fullUrl": "urn:uuid:c1",
                "resource": {
                    "resourceType": "Condition",
                    "id": "c1",
                    "verificationStatus": {"coding": [{"code": "refuted"}]},
                    "code": {"text": "metastatic breast cancer"},
                },
            },
            {
                "fullUrl": "urn:uuid:m1",
                "resource": {
                    "resourceType": "MedicationRequest",
                    "id": "m1",
                    "status": "completed",
                    "medicationCodeableConcept": {"text": "docetaxel"},
                    "authoredOn": "2024-01-01",
                    "reasonReference": [
                        {"reference": "urn:uuid:c1", "display": "metastatic breast cancer"}
                    ],
                },
            },
        ],
    }
    import json
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(bundle_json, handle)
    patient = import_fhir(Path(handle.name), as_of=AS_OF).patient
    (drug,) = [t for t in patient.treatments if t.name == "docetaxel"]
    assert drug.reason is None


SNOMED_RESULT = {"10828004": "positive", "260385009": "negative"}
RECEPTORS = {"16112-5": "er", "16113-3": "pr", "48676-1": "her2"}


def _receptors(path: Path) -> dict[str, set[str]]:
    """Each receptor's results as the bundle codes them (read here without trialscreen)."""
    import json

    found: dict[str, set[str]] = {}
    for entry in json.loads(path.read_text(encoding="utf-8"))["entry"]:
        res = entry["resource"]
        if res["resourceType"] != "Observation":
            continue
        code = res["code"]["coding"][0]["code"]
        answer = res.get("valueCodeableConcept", {}).get("coding", [{}])[0].get("code")
        if code in RECEPTORS and answer in SNOMED_RESULT:
            found.setdefault(RECEPTORS[code], set()).add(SNOMED_RESULT[answer])
    return found


@pytest.mark.parametrize("path", BUNDLES, ids=lambda p: p.name.split("_")[0])
def test_receptor_criteria_decide_from_the_bundles(path: Path) -> None:
    """mCODE receptor observations decide marker criteria as their codes say: HER2-negative,
    hormone receptor positive (ER or PR), triple-negative."""
    from trialscreen.facts import build_facts
    from trialscreen.fastpath import criterion_plan
    from trialscreen.language.compiler import compile_criterion

    coded = _receptors(path)
    if not coded or any(len(v) > 1 for v in coded.values()):
        pytest.skip("no receptor results, or results that change over time")
    facts = build_facts(import_fhir(path, as_of=AS_OF).patient)
    status = {k: v.pop() for k, v in coded.items()}

    def outcome(text: str) -> bool | None:
        got = criterion_plan(compile_criterion(text, "inclusion"))(facts)[0]
        return {"pass": True, "fail": False}.get(got)

    if "her2" in status:
        assert outcome("HER2-negative") is (status["her2"] == "negative")
    if "positive" in (status.get("er"), status.get("pr")):
        assert outcome("Hormone receptor positive") is True
    if {status.get("er"), status.get("pr"), status.get("her2")} == {"negative"}:
        assert outcome("triple-negative") is True
    elif "positive" in status.values():
        assert outcome("triple-negative") is False


def _coded_stage(path: Path) -> set[str]:
    """The AJCC stage groups the bundle's breast-cancer Condition.stage codes ("c3A" -> "3A")."""
    import json

    found: set[str] = set()
    for entry in json.loads(path.read_text(encoding="utf-8"))["entry"]:
        res = entry["resource"]
        if res["resourceType"] != "Condition":
            continue
        for stage in res.get("stage", []):
            for coding in stage.get("summary", {}).get("coding", []):
                if coding.get("system") == "http://cancerstaging.org":
                    found.add(coding["code"][1:].upper())
    return found


@pytest.mark.parametrize("path", BUNDLES, ids=lambda p: p.name.split("_")[0])
def test_stage_criteria_decide_from_the_bundles(path: Path) -> None:
    """mCODE Condition.stage (AJCC stage group) decides stage criteria as its code says."""
    from trialscreen.facts import build_facts
    from trialscreen.fastpath import criterion_plan
    from trialscreen.language.compiler import compile_criterion
    from trialscreen.language.stages import stage_key

    coded = _coded_stage(path)
    keys = {stage_key(s) for s in coded}
    if not coded or len({k[0] for k in keys if k}) != 1:
        pytest.skip("no stage, or stages of different groups")
    group = next(k[0] for k in keys if k)
    facts = build_facts(import_fhir(path, as_of=AS_OF).patient)

    def outcome(text: str) -> bool | None:
        got = criterion_plan(compile_criterion(text, "inclusion"))(facts)[0]
        return {"pass": True, "fail": False}.get(got)

    assert outcome("Histologically confirmed stage I-III breast cancer") is (group <= 3)
    assert outcome("Stage IV breast cancer") in (None, group == 4)  # the lexicon's metastatic
