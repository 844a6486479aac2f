"""Hypothesis: the importer is total; any JSON in a resource's fields is imported or FhirError."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trialscreen.fhir import FhirError, import_fhir

TYPES = [
    "Observation",
    "Condition",
    "MedicationRequest",
    "MedicationStatement",
    "MedicationAdministration",
    "Procedure",
    "Medication",
    "Patient",
]
FIELDS = [
    "id",
    "status",
    "code",
    "subject",
    "valueQuantity",
    "valueCodeableConcept",
    "valueInteger",
    "valueString",
    "dataAbsentReason",
    "component",
    "referenceRange",
    "interpretation",
    "effectiveDateTime",
    "effectivePeriod",
    "issued",
    "clinicalStatus",
    "verificationStatus",
    "onsetDateTime",
    "abatementDateTime",
    "medicationCodeableConcept",
    "medicationReference",
    "contained",
    "authoredOn",
    "performedDateTime",
    "performedPeriod",
    "birthDate",
    "gender",
    "meta",
]
EDGES = st.sampled_from([10**400, -(2**31) - 1, float("nan"), float("inf"), -0.0, "", "\n"])
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | EDGES
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
CODING = st.fixed_dictionaries(
    {},
    optional={
        "system": st.sampled_from(["http://loinc.org", "http://snomed.info/sct", "x"]),
        "code": st.sampled_from(["89247-1", "89243-0", "82810-3", "85354-9", "LA9622-7", "1"]),
        "display": st.text(max_size=12),
    },
)
CONCEPT = st.fixed_dictionaries(
    {}, optional={"coding": st.lists(CODING, max_size=2), "text": st.text(max_size=12)}
)
VALUE = JSON | CONCEPT | st.sampled_from(["2024", "2024-02-30", "2024-01-01T10:00:00Z", "final"])


@st.composite
def resources(draw: st.DrawFn) -> dict[str, Any]:
    resource: dict[str, Any] = {"resourceType": draw(st.sampled_from(TYPES))}
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=6, unique=True)):
        resource[name] = draw(VALUE)
    return resource


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(resources(), max_size=5))
def test_import_is_total(items: list[dict[str, Any]]) -> None:
    patient = {"resourceType": "Patient", "id": "p"}
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": patient}] + [{"resource": r} for r in items],
    }
    try:
        result = import_fhir(bundle, as_of=dt.date(2024, 1, 1))
    except FhirError as err:
        assert "\n" not in str(err)
        return
    assert all("\n" not in w for w in result.warnings)
