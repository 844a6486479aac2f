"""Reading FHIR input: detection, Bundle types, NDJSON, bulk folders, and file-level errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from trialscreen.fhir import FhirError, import_fhir, is_fhir, read_fhir_file, to_record_json
from trialscreen.model.patient import Patient

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
AS_OF = dt.date(2024, 6, 1)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not_json.txt", "not JSON (Expecting value at line 1 column 1)"),
        ("truncated.json", "not JSON (Expecting value at line 2 column 1)"),
        ("empty.json", "empty, not JSON"),
        ("bundle.xml", "XML, not JSON (trialscreen reads FHIR JSON and NDJSON)"),
        ("bad_line.ndjson", "NDJSON line 2 is not JSON (Expecting value)"),
        ("not_fhir.json", "JSON but not FHIR (no resourceType)"),
        ("stu3_version.json", "FHIR version 3.0.2 (STU3); trialscreen reads FHIR R4"),
        (
            "dstu2_condition.json",
            "not FHIR R4: Condition/c1.clinicalStatus is a plain code (DSTU2/STU3 shape)",
        ),
        ("dstu2_medication_order.json", "not FHIR R4: MedicationOrder is a DSTU2 resource type"),
        ("no_patient.json", "no Patient resource"),
        ("two_patients.json", "2 Patient resources (p1, p2); import one patient per file"),
    ],
)
def test_bad_input_is_one_line_naming_the_file(name: str, message: str) -> None:
    path = BAD / name
    with pytest.raises(FhirError) as caught:
        read_fhir_file(path)
    assert str(caught.value) == f"{path}: {message}"
    with pytest.raises(FhirError) as again:
        import_fhir(path)
    assert str(again.value) == str(caught.value)
    assert "\n" not in str(caught.value)


def test_fhir_error_is_a_value_error() -> None:
    assert issubclass(FhirError, ValueError)


def test_missing_file() -> None:
    path = DATA / "absent.json"
    with pytest.raises(FhirError, match=r"absent\.json: no such file"):
        read_fhir_file(path)


def test_parsed_input_errors_name_input() -> None:
    with pytest.raises(FhirError, match=r"^input: JSON but not FHIR \(no resourceType\)$"):
        import_fhir({"id": "p1"})
    with pytest.raises(FhirError, match=r"^input: FHIR version 1\.0\.2 \(DSTU2\); "):
        import_fhir({"resourceType": "Bundle", "fhirVersion": "1.0.2", "entry": []})
    with pytest.raises(FhirError, match=r"^input: no Patient resource$"):
        import_fhir({"resourceType": "Bundle", "type": "collection"})


def test_r4b_version_marker_is_read() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "meta": {"fhirVersion": "4.3.0"},
        "entry": [{"resource": {"resourceType": "Patient", "id": "p", "gender": "male"}}],
    }
    assert import_fhir(bundle, as_of=AS_OF).patient.sex == "male"


def test_the_same_patient_twice_is_one_patient() -> None:
    patient = {"resourceType": "Patient", "id": "p"}
    bundle = {"resourceType": "Bundle", "type": "batch", "entry": [{"resource": patient}] * 2}
    assert import_fhir(bundle, as_of=AS_OF).patient.id == "p"


def test_is_fhir_by_content() -> None:
    bundle = json.loads((DATA / "observations.json").read_text())
    assert is_fhir(bundle)
    assert is_fhir({"resourceType": "Patient", "id": "p"})
    assert is_fhir([{"resourceType": "Patient"}, {"resourceType": "Observation"}])
    assert is_fhir((DATA / "export.ndjson").read_text())
    assert is_fhir((DATA / "export.ndjson").read_bytes())
    assert not is_fhir({"id": "p1", "observations": []})  # a trialscreen patient record
    assert not is_fhir([])
    assert not is_fhir([{"resourceType": "Patient"}, {"id": "x"}])
    assert not is_fhir("not json at all")
    assert not is_fhir(42)


def test_ndjson_export() -> None:
    result = import_fhir(DATA / "export.ndjson", as_of=AS_OF)
    patient = result.patient
    assert (patient.id, patient.sex, patient.birth_date) == ("bulk-1", "male", None)
    assert patient.partial_dates == {"birth_date": "1958"}  # an age interval, not 1 January
    assert [(o.code, o.value, o.unit) for o in patient.observations] == [("718-7", 10.4, "g/dL")]
    assert [c.name for c in patient.conditions] == ["Malignant neoplasm of colon"]
    assert [(t.name, t.category) for t in patient.treatments] == [
        ("oxaliplatin 5 MG/ML Injectable Solution", "drug"),
        ("Right hemicolectomy", "surgery"),
    ]
    assert result.warnings == [
        "Patient/bulk-1: birthDate '1958' is a partial date; ages are read as an interval"
    ]
    assert isinstance(read_fhir_file(DATA / "export.ndjson"), list)


def test_bulk_export_folder(tmp_path: Path) -> None:
    lines = (DATA / "export.ndjson").read_text().splitlines()
    (tmp_path / "Patient.ndjson").write_text(lines[0] + "\n")
    (tmp_path / "Observation.ndjson").write_text(lines[1] + "\n")
    (tmp_path / "README.txt").write_text("not read")
    patient = import_fhir(tmp_path, as_of=AS_OF).patient
    assert patient.id == "bulk-1"
    assert [o.code for o in patient.observations] == ["718-7"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FhirError, match=r"empty: a folder without \.ndjson files$"):
        import_fhir(empty, as_of=AS_OF)


def test_searchset_reads_matches_and_includes_not_outcomes() -> None:
    result = import_fhir(DATA / "searchset.json", as_of=AS_OF)
    assert [(o.code, o.value) for o in result.patient.observations] == [
        ("718-7", 11.9),
        ("777-3", 180.0),  # subject as an absolute URL ending in Patient/p1
    ]
    assert result.warnings == []


def test_unusual_bundle_type_and_entries_are_warned_not_fatal() -> None:
    bundle = {
        "resourceType": "Bundle",
        "id": "h",
        "type": "history",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "p"}},
            {"request": {"method": "DELETE", "url": "Observation/x"}},
            {"resource": {"id": "no-type"}},
        ],
    }
    result = import_fhir(bundle, as_of=AS_OF)
    assert result.warnings == [
        "Bundle/h: type 'history' read as a collection",
        "Bundle entry 3: resource without resourceType; skipped",
    ]


def test_resource_list_with_a_stray_item() -> None:
    result = import_fhir([{"resourceType": "Patient", "id": "p"}, "stray"], as_of=AS_OF)
    assert result.warnings == ["item 2: not a FHIR resource (no resourceType); skipped"]


def test_patient_fields_and_provenance() -> None:
    result = import_fhir(DATA / "observations.json", as_of=AS_OF)
    patient = result.patient
    assert (patient.id, patient.sex, patient.birth_date) == ("p1", "female", dt.date(1970, 5, 2))
    assert patient.as_of == AS_OF
    for name in ("id", "sex", "birth_date"):
        assert result.provenance[name] == "Patient/p1"
    for index, observation in enumerate(patient.observations):
        assert result.provenance[f"observations[{index}]"] == observation.source


def test_as_of_defaults_to_today() -> None:
    assert import_fhir(DATA / "export.ndjson").patient.as_of == dt.date.today()


def test_patient_without_id_gender_unknown_value_and_deceased() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:abc-1",
                "resource": {
                    "resourceType": "Patient",
                    "gender": "F",
                    "deceasedBoolean": True,
                    "birthDate": "19xx",
                },
            }
        ],
    }
    result = import_fhir(bundle, as_of=AS_OF)
    assert (result.patient.id, result.patient.sex, result.patient.birth_date) == (
        "abc-1",
        None,
        None,
    )
    assert result.warnings == [
        "Patient/abc-1: no id; the record is named 'abc-1'",
        "Patient/abc-1: gender 'F' not known; left out",
        "Patient/abc-1: birthDate '19xx' is not a FHIR date; left out",
    ]
    assert (result.patient.deceased, result.patient.death_date) == (True, None)


def test_record_json_round_trips_with_provenance() -> None:
    result = import_fhir(DATA / "medications.json", as_of=AS_OF)
    record = to_record_json(result)
    assert record["provenance"] == result.provenance
    assert record["as_of"] == "2024-06-01"
    assert record["treatments"][0]["source"] == "MedicationRequest/active"
    json.dumps(record)  # plain JSON
    body = {key: value for key, value in record.items() if key != "provenance"}
    assert Patient.model_validate(body) == result.patient


@pytest.mark.parametrize(
    ("gender", "birth_sex", "sex", "warned"),
    [
        ("female", "F", "female", False),
        ("female", None, "female", False),
        (None, "M", "male", False),
        ("unknown", "F", "female", False),
        ("other", "UNK", "other", False),
        # administrative gender and birth sex differ: which one a trial means is a person's call
        ("male", "F", None, True),
        ("female", "M", None, True),
    ],
)
def test_sex_from_gender_and_us_core_birth_sex(
    gender: str | None, birth_sex: str | None, sex: str | None, warned: bool
) -> None:
    patient: dict[str, object] = {"resourceType": "Patient", "id": "p1"}
    if gender:
        patient["gender"] = gender
    if birth_sex:
        patient["extension"] = [
            {
                "url": "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex",
                "valueCode": birth_sex,
            }
        ]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": patient}]}
    result = import_fhir(bundle, as_of=AS_OF)
    assert result.patient.sex == sex
    assert any("birth sex" in w for w in result.warnings) == warned
