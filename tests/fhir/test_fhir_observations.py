"""Observation mapping rules, each pinned on a hand-made bundle in data/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from trialscreen.fhir import FhirImport, import_fhir
from trialscreen.model.patient import Observation, ReferenceRange

DATA = Path(__file__).parent / "data"
AS_OF = dt.date(2024, 6, 1)
MARCH_1 = dt.date(2024, 3, 1)


@pytest.fixture(scope="module")
def labs() -> FhirImport:
    return import_fhir(DATA / "observations.json", as_of=AS_OF)


@pytest.fixture(scope="module")
def scores() -> FhirImport:
    return import_fhir(DATA / "scores.json", as_of=AS_OF)


def one(result: FhirImport, rid: str) -> Observation:
    found = [o for o in result.patient.observations if o.source == f"Observation/{rid}"]
    assert len(found) == 1, f"Observation/{rid}: {len(found)} observations"
    return found[0]


def absent(result: FhirImport, rid: str) -> bool:
    return all(o.source != f"Observation/{rid}" for o in result.patient.observations)


def test_quantity_with_comparator_unit_date_and_reference_range(labs: FhirImport) -> None:
    assert one(labs, "lt") == Observation(
        name="Creatinine [Mass/volume] in Serum or Plasma",
        code="2160-0",
        value=0.5,
        unit="mg/dL",
        comparator="<",
        date=MARCH_1,
        reference_range=ReferenceRange(low=0.6, high=1.1),
        source="Observation/lt",
    )


@pytest.mark.parametrize(("rid", "comparator"), [("le", "<="), ("ge", ">="), ("gt", ">")])
def test_comparators_are_kept(labs: FhirImport, rid: str, comparator: str) -> None:
    assert one(labs, rid).comparator == comparator


def test_comparator_ad_is_dropped_with_a_warning(labs: FhirImport) -> None:
    assert (one(labs, "ad").value, one(labs, "ad").comparator) == (1.2, None)
    assert "Observation/ad: comparator 'ad' dropped; value 1.2 kept" in labs.warnings


@pytest.mark.parametrize(
    ("rid", "unit"),
    [
        ("lt", "mg/dL"),  # UCUM code (same as unit here)
        ("unit-text-only", "g/dl"),  # no code: the free-text unit
        ("unit-not-ucum", "x10^9/L"),  # a non-UCUM code: the free-text unit
        ("unit-code-only", "10*3/uL"),  # UCUM code without unit text
        ("no-unit", None),  # INR: no unit, no warning
    ],
)
def test_units_prefer_the_ucum_code(labs: FhirImport, rid: str, unit: str | None) -> None:
    assert one(labs, rid).unit == unit
    assert not any(w.startswith(f"Observation/{rid}:") for w in labs.warnings)


def test_data_absent_reason_keeps_the_observation_without_value(labs: FhirImport) -> None:
    alt = one(labs, "absent")
    assert (alt.code, alt.value, alt.date) == ("1742-6", None, MARCH_1)


def test_tumour_marker_tests_are_marker_results(labs: FhirImport) -> None:
    """ER and HER2 by LOINC are marker results, not observations: the SNOMED CT answer code
    ("10828004" positive), else the answer's text ("Equivocal")."""
    found = {b.source: b for b in labs.patient.biomarkers}
    er, her2 = found["Observation/er"], found["Observation/her2-text"]
    assert (er.name, er.code, er.result, er.date) == (
        "Estrogen receptor",
        "16112-5",
        "positive",
        MARCH_1,
    )
    assert (her2.name, her2.result) == ("HER2", "equivocal")
    assert not [o for o in labs.patient.observations if o.source in found]


def test_blood_pressure_components(labs: FhirImport) -> None:
    bp = [o for o in labs.patient.observations if o.source == "Observation/bp"]
    assert [(o.name, o.code, o.value, o.unit, o.date) for o in bp] == [
        ("systolic blood pressure", "8480-6", 128.0, "mm[Hg]", MARCH_1),
        ("diastolic blood pressure", "8462-4", 82.0, "mm[Hg]", MARCH_1),
    ]


@pytest.mark.parametrize(
    ("rid", "date"),
    [
        ("period", dt.date(2024, 2, 1)),  # effectivePeriod.start
        ("issued", dt.date(2024, 2, 2)),  # issued only
        ("partial-date", None),  # "2023-07": no day, so the value's age is not known
    ],
)
def test_dates(labs: FhirImport, rid: str, date: dt.date | None) -> None:
    assert one(labs, rid).date == date


def test_partial_date_is_warned(labs: FhirImport) -> None:
    warning = (
        "Observation/partial-date: effectiveDateTime '2023-07' is a partial date; "
        "timing to the day is not known"
    )
    assert warning in labs.warnings


def test_string_and_boolean_values(labs: FhirImport) -> None:
    assert one(labs, "string").value == "Never smoker"
    assert one(labs, "boolean").value is True


@pytest.mark.parametrize(
    ("rid", "reason"),
    [
        (
            "preliminary",
            "skipped: status 'preliminary' (only final, amended and corrected results count)",
        ),
        (
            "in-error",
            "skipped: status 'entered-in-error' (only final, amended and corrected results count)",
        ),
        ("no-code", "skipped: no code"),
        ("range", "skipped: valueRange is not read"),
        ("no-value", "skipped: no value and no dataAbsentReason"),
        (
            "invalid",
            "skipped: invalid valueQuantity.value "
            "(Input should be a valid number, unable to parse string as a number)",
        ),
        ("other-patient", "skipped: its subject 'Patient/p2' is not Patient/p1"),
    ],
)
def test_skipped_with_one_warning(labs: FhirImport, rid: str, reason: str) -> None:
    assert absent(labs, rid)
    assert [w for w in labs.warnings if w.startswith(f"Observation/{rid}:")] == [
        f"Observation/{rid}: {reason}"
    ]


def test_a_grouping_panel_is_left_silently(labs: FhirImport) -> None:
    assert absent(labs, "panel")
    assert not any("panel" in w for w in labs.warnings)


def test_no_other_warnings(labs: FhirImport) -> None:
    assert len(labs.warnings) == 9


@pytest.mark.parametrize(
    ("rid", "code", "value"),
    [
        ("ecog-integer", "89247-1", 1.0),
        ("ecog-answer", "89247-1", 0.0),  # LA9622-7 "Fully active..."
        ("ecog-interpretation", "89247-1", 2.0),  # no value; interpretation LA9624-3
        ("ecog-snomed", "89247-1", 3.0),  # SNOMED ECOG grade 3
        ("kps-answer", "89243-0", 80.0),  # LA29177-5
        ("kps-integer", "89243-0", 70.0),
        ("kps-text", "89243-0", 60.0),  # "KPS 60: ..."
        ("kps-dead", "89243-0", 0.0),  # LA9627-6
        ("kps-quantity", "89243-0", 90.0),  # valueQuantity {score}: the unit is dropped
    ],
)
def test_performance_status_scores(scores: FhirImport, rid: str, code: str, value: float) -> None:
    observation = one(scores, rid)
    assert (observation.code, observation.value, observation.unit) == (code, value, None)


def test_performance_status_problems(scores: FhirImport) -> None:
    assert absent(scores, "ecog-out-of-range")
    assert one(scores, "ecog-unknown-answer").value == "could not assess"
    assert [w for w in scores.warnings if "ecog" in w] == [
        "Observation/ecog-out-of-range: skipped: ECOG score 7 is outside 0-5",
        "Observation/ecog-unknown-answer: ECOG answer 'could not assess' not recognised; "
        "kept as text",
    ]


def test_pregnancy_status_latest_answer_wins(scores: FhirImport) -> None:
    assert scores.patient.pregnant is True
    assert scores.provenance["pregnant"] == "Observation/pregnancy-new"
    assert one(scores, "pregnancy-old").value == "Not pregnant"  # still an observation


def test_not_pregnant_and_preliminary_answers_do_not_count() -> None:
    result = import_fhir(DATA / "not_pregnant.json", as_of=AS_OF)
    assert result.patient.pregnant is False
    assert result.provenance["pregnant"] == "Observation/pregnancy-no"


def test_no_pregnancy_observation_leaves_pregnant_unknown(labs: FhirImport) -> None:
    assert labs.patient.pregnant is None
    assert "pregnant" not in labs.provenance


def _ast(*ranges: dict[str, object]) -> dict[str, object]:
    obs = {
        "resourceType": "Observation",
        "id": "ast",
        "status": "final",
        "subject": {"reference": "Patient/p"},
        "effectiveDateTime": "2024-05-20",
        "code": {"coding": [{"system": "http://loinc.org", "code": "1920-8"}], "text": "AST"},
        "valueQuantity": {
            "value": 40,
            "unit": "U/L",
            "system": "http://unitsofmeasure.org",
            "code": "U/L",
        },
        "referenceRange": list(ranges),
    }
    patient = {"resourceType": "Patient", "id": "p", "gender": "female", "birthDate": "1960-01-01"}
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": patient}, {"resource": obs}],
    }


def _limit(value: float, code: str) -> dict[str, object]:
    return {"value": value, "unit": code, "system": "http://unitsofmeasure.org", "code": code}


def test_a_reference_range_in_another_unit_or_one_of_several_is_not_read() -> None:
    as_of = dt.date(2024, 6, 1)
    same = import_fhir(_ast({"high": _limit(35, "U/L")}), as_of=as_of)
    assert same.patient.observations[0].reference_range is not None
    other = import_fhir(_ast({"high": _limit(0.58, "ukat/L")}), as_of=as_of)
    assert other.patient.observations[0].reference_range is None
    two = import_fhir(_ast({"high": _limit(35, "U/L")}, {"high": _limit(45, "U/L")}), as_of=as_of)
    assert two.patient.observations[0].reference_range is None
