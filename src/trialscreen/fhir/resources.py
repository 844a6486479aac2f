"""Small pydantic models of just the FHIR R4 fields the importer reads.

Why not `fhir.resources`: it would be a heavy extra dependency, it validates every field of every
resource (slow on a 1 MB bundle, and one bad field rejects the whole resource), and it is strict
about the extensions and profiles real exports bend. These models declare only what the mapping
uses, ignore everything else (`extra="ignore"`), are validated one resource at a time (a bad
resource is skipped with a warning, the rest is kept), and keep dates as text so partial FHIR
dates ("2019", "2019-05") are read by `fhir_date` rather than rejected.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"

SYSTEM_NAMES = {
    SNOMED: "snomed",
    "http://hl7.org/fhir/sid/icd-10-cm": "icd10",
    "http://hl7.org/fhir/sid/icd-10": "icd10",
    "http://hl7.org/fhir/sid/icd-9-cm": "icd9",
    LOINC: "loinc",
    RXNORM: "rxnorm",
    "http://hl7.org/fhir/sid/ndc": "ndc",
}


Integer = Annotated[int, Field(strict=True, ge=-(2**31), le=2**31 - 1)]  # FHIR integer: 32 bits


class _Fhir(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        frozen=True,
        alias_generator=to_camel,
        populate_by_name=True,
        allow_inf_nan=False,  # FHIR decimals are finite
    )


class Coding(_Fhir):
    system: str | None = None
    code: str | None = None
    display: str | None = None


class CodeableConcept(_Fhir):
    coding: list[Coding] = []
    text: str | None = None

    def pick(self, *systems: str, any_system: bool = False) -> Coding | None:
        """The first coding (with a code) of the first listed system that has one.

        With `any_system`, fall back to the first coding with a code.
        """
        for system in systems:
            for coding in self.coding:
                if coding.system == system and coding.code:
                    return coding
        if any_system:
            return next((c for c in self.coding if c.code), None)
        return None

    def label(self, chosen: Coding | None = None) -> str | None:
        """A human name: the chosen coding's display, the text, any display, or a bare code."""
        if chosen is not None and chosen.display:
            return chosen.display
        if self.text:
            return self.text
        for coding in self.coding:
            if coding.display:
                return coding.display
        return next((c.code for c in self.coding if c.code), None)

    def codes(self) -> list[str]:
        return [c.code for c in self.coding if c.code]


class Quantity(_Fhir):
    value: float | None = None
    comparator: str | None = None
    unit: str | None = None
    system: str | None = None
    code: str | None = None

    def ucum_unit(self) -> str | None:
        """Prefer the UCUM `code` (what unit software can read) over the free-text `unit`."""
        if self.code and self.system in (None, UCUM):
            return self.code
        return self.unit or self.code


class Period(_Fhir):
    start: str | None = None
    end: str | None = None


class Reference(_Fhir):
    reference: str | None = None
    display: str | None = None


class ReferenceRange(_Fhir):
    low: Quantity | None = None
    high: Quantity | None = None


class Resource(_Fhir):
    resource_type: str
    id: str | None = None
    subject: Reference | None = None


class ObservationComponent(_Fhir):
    code: CodeableConcept | None = None
    value_quantity: Quantity | None = None
    value_codeable_concept: CodeableConcept | None = None
    value_string: str | None = None
    value_boolean: bool | None = None
    value_integer: Integer | None = None
    value_date_time: str | None = None
    value_time: str | None = None
    value_range: Any = None
    value_ratio: Any = None
    value_sampled_data: Any = None
    value_period: Any = None
    data_absent_reason: CodeableConcept | None = None
    interpretation: list[CodeableConcept] = []
    reference_range: list[ReferenceRange] = []


class Observation(Resource, ObservationComponent):
    status: str | None = None
    effective_date_time: str | None = None
    effective_period: Period | None = None
    effective_instant: str | None = None
    issued: str | None = None
    component: list[ObservationComponent] = []
    has_member: list[Reference] = []


class ConditionStage(_Fhir):
    summary: CodeableConcept | None = None
    type: CodeableConcept | None = None


class Condition(Resource):
    clinical_status: CodeableConcept | None = None
    verification_status: CodeableConcept | None = None
    code: CodeableConcept | None = None
    stage: list[ConditionStage] = []
    onset_date_time: str | None = None
    onset_period: Period | None = None
    abatement_date_time: str | None = None
    abatement_period: Period | None = None
    # abatement without a day: it ended, when is not read
    abatement_boolean: bool | None = None
    abatement_string: str | None = None
    abatement_age: dict[str, Any] | None = None
    abatement_range: dict[str, Any] | None = None

    def abated(self) -> bool:
        """Whether any abatement[x] says the condition has ended."""
        return bool(
            self.abatement_date_time
            or self.abatement_period
            or self.abatement_boolean
            or (self.abatement_string or "").strip()
            or self.abatement_age
            or self.abatement_range
        )


class Medication(Resource):
    code: CodeableConcept | None = None


class MedicationUse(Resource):
    """MedicationRequest, MedicationStatement and MedicationAdministration: the shared fields."""

    status: str | None = None
    intent: str | None = None  # MedicationRequest: proposal, plan, order, ...
    do_not_perform: bool | None = None  # MedicationRequest: an order NOT to give it
    reason_code: list[CodeableConcept] = []
    reason_reference: list[Reference] = []
    medication_codeable_concept: CodeableConcept | None = None
    medication_reference: Reference | None = None
    contained: list[dict[str, Any]] = []
    authored_on: str | None = None
    effective_date_time: str | None = None
    effective_period: Period | None = None


class Procedure(Resource):
    status: str | None = None
    reason_code: list[CodeableConcept] = []
    reason_reference: list[Reference] = []
    code: CodeableConcept | None = None
    performed_date_time: str | None = None
    performed_period: Period | None = None


BIRTH_SEX = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex"


class Patient(Resource):
    gender: str | None = None
    extension: list[dict[str, Any]] = []
    birth_date: str | None = None
    deceased_boolean: bool | None = None
    deceased_date_time: str | None = None

    def birth_sex(self) -> str | None:
        """US Core birth sex (valueCode F, M, UNK), when the extension is there."""
        for item in self.extension:
            if isinstance(item, dict) and item.get("url") == BIRTH_SEX:
                code = item.get("valueCode")
                return code if isinstance(code, str) else None
        return None


_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T[0-9:.+\-Z]*)?")


def fhir_date(text: str | None) -> tuple[dt.date | None, bool]:
    """A FHIR date/dateTime/instant as the calendar date written (no time-zone shift).

    Returns (date, exact): partial dates ("2019", "2019-05") read as the first day, exact=False.
    Text that is not a FHIR date gives (None, False).
    """
    if not text:
        return None, True
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return None, False
    year, month, day = match.groups()
    try:
        date = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None, False
    return date, day is not None


def read_date(text: str | None, where: str, warn: Callable[[str], None]) -> dt.date | None:
    """`fhir_date`, warning about unreadable dates and partial ones: a partial date ("2019",
    "2019-05") is no day, so it is left out (the entry counts, its timing to the day is not known;
    see trialscreen.dates)."""
    date, exact = fhir_date(text)
    if date is None and text:
        warn(f"{where} {text!r} is not a FHIR date; left out")
    elif date is not None and not exact:
        warn(f"{where} {text!r} is a partial date; timing to the day is not known")
        return None
    return date
