"""Bad patient records: exit 2 and exactly one line on stderr naming the file and the field.

Each case goes through the command line (`check "ANC >= 1500/mm3" FILE`) and through
`read_patient`. A record that cannot be used is refused whole: screening on part of a record
that is wrong somewhere would read as a verdict about this patient.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from trialscreen.cli import app
from trialscreen.records import PatientError, check_record, read_patient

runner = CliRunner()
CRITERION = "ANC >= 1500/mm3"
AS_OF = "2026-11-01"
ANC = {"name": "ANC", "value": 1.8, "unit": "10^9/L", "date": "2026-10-28"}


def record(*observations: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A valid record (birth 1961, as of 2026-11-01) with the given observations and fields."""
    base: dict[str, Any] = {"id": "pt-bad", "as_of": AS_OF, "birth_date": "1961-04-02"}
    return {**base, "observations": list(observations or [ANC]), **fields}


def obs(**changes: Any) -> dict[str, Any]:
    """The ANC observation with some fields changed."""
    return {**ANC, **changes}


def encode(data: object) -> bytes:
    return json.dumps(data).encode()


# id -> (file content, what the line must name besides the file)
BAD: dict[str, tuple[bytes, str]] = {
    # the file as a whole
    "empty": (b"", ""),
    "blank": (b"  \n \n", ""),
    "not-utf8": ('{"id": "pt-é"}'.encode("latin-1"), ""),
    "binary": (random.Random(7).randbytes(2048) + b"\x00" * 32, ""),
    "nul-bytes": (b"\x00" * 256, ""),
    "truncated": (encode(record())[:45], "line 1, column"),
    "list": (b"[1, 2, 3]", ""),
    "list-of-records": (encode([record(), record()]), ""),
    "string": (b'"pt-0001"', ""),
    "number": (b"42", ""),
    "null": (b"null", ""),
    "deep-lists": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "deep-unclosed": (b"[" * 100_000, ""),
    "deep-in-a-field": (
        b'{"id": "x", "observations": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "",
    ),
    # a field of the wrong type
    "value-abc": (encode(record(obs(value="abc"))), "observations[0].value"),
    "value-true": (encode(record(obs(value=True))), "observations[0].value"),
    "value-object": (encode(record(obs(value={"n": 1}))), "observations[0].value"),
    "observations-not-a-list": (encode(record(observations=5)), "observations"),
    "observation-not-an-object": (encode(record(observations=["ANC 1.8"])), "observations[0]"),
    "age-text": (encode(record(age="sixty")), "age"),
    "id-missing": (encode({"as_of": AS_OF}), "id"),
    "unknown-field": (encode(record(weight_kg=70)), "weight_kg"),
    "as-of-not-a-date": (encode(record(as_of="next tuesday")), "as_of"),
    "date-not-a-date": (encode(record(obs(date="28/10/2026"))), "observations[0].date"),
    # values no body has
    "negative-anc": (encode(record(obs(value=-5))), "observations[0].value"),
    "negative-platelets": (
        encode(record(obs(name="platelets", value=-100, unit="10^9/L"))),
        "observations[0].value",
    ),
    "nan-value": (
        b'{"id": "x", "as_of": "2026-11-01", "observations": [{"name": "ANC", "value": NaN, "unit": "10^9/L"}]}',
        "observations[0].value",
    ),
    "infinite-value": (
        b'{"id": "x", "as_of": "2026-11-01", "observations": [{"name": "ANC", "value": 1e999, "unit": "10^9/L"}]}',
        "observations[0].value",
    ),
    "ecog-9": (encode(record({"name": "ECOG", "value": 9})), "observations[0].value"),
    "karnofsky-250": (encode(record({"name": "Karnofsky", "value": 250})), "observations[0].value"),
    "negative-age": (encode(record(age=-3, birth_date=None)), "age"),
    # dates that cannot be
    "observation-after-as-of": (encode(record(obs(date="2027-01-05"))), "observations[0].date"),
    "observation-before-birth": (encode(record(obs(date="1950-01-01"))), "observations[0].date"),
    "condition-onset-after-as-of": (
        encode(record(conditions=[{"name": "HIV infection", "onset": "2030-01-01"}])),
        "conditions[0].onset",
    ),
    "treatment-before-birth": (
        encode(record(treatments=[{"name": "letrozole", "start": "1900-01-01"}])),
        "treatments[0].start",
    ),
    "birth-after-as-of": (encode(record(obs(date=None), birth_date="2030-01-01")), "birth_date"),
    # units and analytes
    "unit-furlongs": (encode(record(obs(unit="furlongs"))), "observations[0].unit"),
    "unit-of-another-analyte": (encode(record(obs(unit="mg/dL"))), "observations[0].unit"),
    "unit-missing": (encode(record(obs(unit=None))), "observations[0].unit"),
    # text that must be shown as it is
    "key-with-newline": (encode(record(**{"weight\nkg": 70})), "weight\\nkg"),
}


@pytest.fixture(params=list(BAD), ids=list(BAD))
def bad_file(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    content, names = BAD[request.param]
    path = tmp_path / f"{request.param}.json"
    path.write_bytes(content)
    return path, names


def test_cli_refuses_with_one_line_naming_file_and_field(bad_file: tuple[Path, str]) -> None:
    path, names = bad_file
    result = runner.invoke(app, ["check", CRITERION, str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert (result.exit_code, result.stdout) == (2, ""), (result.exit_code, result.stdout[:300])
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, result.stderr
    assert line.startswith(f"error: {path}: "), line
    assert names in line, line


def test_read_patient_raises_patient_error_naming_file_and_field(
    bad_file: tuple[Path, str],
) -> None:
    path, names = bad_file
    with pytest.raises(PatientError) as caught:
        read_patient(path)
    message = str(caught.value)
    assert "\n" not in message, message
    assert message.startswith(f"{path}: ") and names in message.replace("(line", "line"), message


# names no lexicon knows: the record loads, each name is a warning naming its field (shown as
# written, markup and all), and `validate` lists them
UNREAD = {
    "analyte-misspelt": (
        record(obs(name="hemoglobn", value=12, unit="g/dL")),
        "observations[0].name: unknown analyte 'hemoglobn' (did you mean hemoglobin",
    ),
    "analyte-unknown": (record(obs(name="flux capacitance")), "observations[0].name"),
    "analyte-with-markup": (
        record(obs(name="[bold]hemoglobn", value=12, unit="g/dL")),
        "'[bold]hemoglobn'",
    ),
    "analyte-with-closing-tag": (
        record(obs(name="[/]", value=12, unit="g/dL")),
        "observations[0].name: unknown analyte '[/]'",
    ),
}


@pytest.mark.parametrize("case", list(UNREAD))
def test_an_unknown_name_is_a_warning_on_every_path(case: str, tmp_path: Path) -> None:
    data, names = UNREAD[case]
    check = check_record(data)
    assert check.errors == [] and check.patient is not None
    assert any(w.startswith(names) or names in w for w in check.warnings), check.warnings
    read_patient(data)  # loads
    path = tmp_path / f"{case}.json"
    path.write_bytes(encode(data))
    result = runner.invoke(app, ["check", CRITERION, str(path)])
    assert result.exit_code == 0, result.stderr
    assert f"warning: {path}: " in result.stderr and names in " ".join(result.stderr.split())
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0 and names in " ".join(result.stderr.split())


def test_validate_lists_every_error_and_exits_2(tmp_path: Path) -> None:
    data = record(
        obs(unit="furlongs"),
        age="old",
        conditions=[{"name": "diabetes", "status": "maybe"}],
    )
    path = tmp_path / "many.json"
    path.write_bytes(encode(data))
    result = runner.invoke(app, ["validate", "--json", str(path)])
    assert result.exit_code == 2
    doc = json.loads(result.stdout)["files"][0]
    assert [e.split(": ")[1] for e in doc["errors"]] == ["age", "conditions[0].status"]
    with pytest.raises(PatientError, match=r"age: .*\(and 1 more: `trialscreen validate`"):
        read_patient(path)
    # pydantic first, then the checks that need a valid record: the unit shows once age is fixed
    path.write_bytes(encode({**data, "age": 60, "conditions": []}))
    doc = json.loads(runner.invoke(app, ["validate", "--json", str(path)]).stdout)["files"][0]
    assert doc["errors"] == [f"{path}: observations[0].unit: 'furlongs' cannot be a unit of ANC"]


def test_read_patient_on_a_dict_names_the_field() -> None:
    with pytest.raises(PatientError, match=r"^observations\[0\]\.unit: 'furlongs' cannot be"):
        read_patient(record(obs(unit="furlongs")))


def test_read_patient_on_a_folder_is_a_patient_error(tmp_path: Path) -> None:
    with pytest.raises(PatientError, match=r"^" + str(tmp_path) + r": "):
        read_patient(tmp_path)


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    result = runner.invoke(app, ["check", CRITERION, str(missing)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip() == f"error: {missing}: no such file"


def test_a_folder_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", CRITERION, str(tmp_path)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip() == f"error: {tmp_path}: is a directory, not a patient file"


# ---- FHIR: one bad resource is skipped with a warning; a bad Patient refuses the file ------

PATIENT = {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1961-04-02"}


def fhir_anc(**quantity: Any) -> dict[str, Any]:
    value = {
        "value": 1.8,
        "unit": "10*9/L",
        "system": "http://unitsofmeasure.org",
        "code": "10*9/L",
    }
    return {
        "resourceType": "Observation",
        "id": "o1",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "751-8"}]},
        "effectiveDateTime": quantity.pop("date", "2026-10-28"),
        "valueQuantity": {**value, **quantity},
    }


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    entries = [{"resource": r} for r in resources]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


BAD_RESOURCES = {
    "observation-after-as-of": fhir_anc(date="2099-01-01"),
    "negative-anc": fhir_anc(value=-5),
    "unit-furlongs": fhir_anc(unit="furlongs", code="furlongs"),
}


@pytest.mark.parametrize("resource", list(BAD_RESOURCES.values()), ids=list(BAD_RESOURCES))
def test_fhir_bad_observation_is_skipped_with_a_warning(
    tmp_path: Path, resource: dict[str, Any]
) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle(PATIENT, resource)))
    result = runner.invoke(app, ["check", CRITERION, str(path), "--as-of", AS_OF, "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["outcome"] == "unknown", result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Observation/o1" in lines[0], result.stderr


def test_fhir_birth_date_after_as_of_refuses_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle({**PATIENT, "birthDate": "2099-01-01"}, fhir_anc())))
    result = runner.invoke(app, ["check", CRITERION, str(path), "--as-of", AS_OF])
    assert (result.exit_code, result.stdout) == (2, ""), (result.exit_code, result.stdout[:200])
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith(f"error: {path}: ") and "birth" in line.lower()
