"""The patient record: the JSON contract users write and the FHIR importer produces."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from trialscreen.lexicon import biomarkers

Comparator = Literal["<", "<=", ">=", ">"]
ConditionStatus = Literal["active", "resolved", "absent", "history", "suspected"]
TreatmentCategory = Literal[
    "drug",
    "chemotherapy",
    "immunotherapy",
    "hormonal",
    "targeted",
    "radiotherapy",
    "surgery",
    "procedure",
    "biopsy",
    "transplant",
    "dialysis",
    "investigational",
    "other",
]
# absent: known never received; planned: not received yet (no evidence either way)
TreatmentStatus = Literal["active", "completed", "stopped", "planned", "absent", "unknown"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReferenceRange(_Record):
    """The patient's own normal range for one test: `high` is the ULN, `low` the LLN."""

    low: float | None = None
    high: float | None = None


class Observation(_Record):
    """A lab value, vital sign or score. Scores (ECOG, Karnofsky, NYHA) carry no unit."""

    name: str | None = None
    code: str | None = None  # LOINC
    value: float | str | bool | None = None
    unit: str | None = None
    comparator: Comparator | None = None  # a FHIR "<0.5" keeps its comparator
    date: dt.date | None = None
    reference_range: ReferenceRange | None = None
    source: str | None = None  # e.g. "Observation/1234" when imported from FHIR


class Condition(_Record):
    """A diagnosis; `status: absent` means known absent, anything unmentioned is unknown."""

    name: str
    code: str | None = None
    system: str | None = None  # "snomed", "icd10", ...
    status: ConditionStatus = "active"
    onset: dt.date | None = None
    end: dt.date | None = None
    source: str | None = None


class Treatment(_Record):
    """A drug, radiotherapy course, surgery or other procedure."""

    name: str
    code: str | None = None
    system: str | None = None  # "rxnorm", "snomed", ...
    category: TreatmentCategory = "drug"
    status: TreatmentStatus | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    date: dt.date | None = None
    major: bool | None = None  # surgery: major or not
    reason: str | None = None  # the condition it was given for ("metastatic breast cancer")
    source: str | None = None


class AdverseEvent(_Record):
    """An adverse event with its CTCAE grade."""

    term: str
    grade: int | None = Field(default=None, ge=1, le=5)
    date: dt.date | None = None
    status: Literal["active", "resolved"] | None = None
    source: str | None = None


class Biomarker(_Record):
    """A tumour-marker result: HER2 negative (IHC 1+), ER positive 90%, EGFR exon 19 deletion,
    PD-L1 TPS 60%, MSI-high. `result` is positive, negative or equivocal (also written
    "detected", "wild-type", "amplified", "MSI-H", ... : see `lexicon.biomarkers`); a value
    (PD-L1 %, TMB mut/Mb, Ki-67 %) may stand with it or alone."""

    name: str
    code: str | None = None  # LOINC
    result: biomarkers.RecordResult | None = None
    value: float | None = Field(default=None, ge=0)
    unit: str | None = None
    method: str | None = None  # "IHC 1+", "FISH", "NGS", "TPS", "CPS"
    variant: str | None = None  # "exon 19 deletion", "L858R", "V600E", "EML4-ALK fusion"
    origin: Literal["germline", "somatic"] | None = None
    date: dt.date | None = None
    source: str | None = None

    @field_validator("result", mode="before")
    @classmethod
    def _result_word(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        read = biomarkers.record_result(value)
        if read is None:
            raise ValueError(
                f"result {value!r} is not one of positive, negative, equivocal (or "
                "detected, not detected, wild-type, amplified, high, deficient, ...)"
            )
        return read


class Patient(_Record):
    """One patient's screening record."""

    id: str
    as_of: dt.date = Field(default_factory=dt.date.today)
    birth_date: dt.date | None = None
    age: float | None = Field(default=None, ge=0, le=130)
    sex: Literal["female", "male", "other", "unknown"] | None = None
    observations: list[Observation] = []
    conditions: list[Condition] = []
    treatments: list[Treatment] = []
    adverse_events: list[AdverseEvent] = []
    biomarkers: list[Biomarker] = []
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    childbearing_potential: bool | None = None
    menopausal_status: Literal["premenopausal", "perimenopausal", "postmenopausal"] | None = None
    life_expectancy_months: float | None = Field(default=None, ge=0)
    healthy_volunteer: bool | None = None
    # how many regimens (lines of treatment) of a kind the patient has had before the screening
    # date, counted completely: {"chemotherapy": 2, "lines of therapy": 3}; a key is a treatment
    # name the lexicon knows, or "lines of therapy" (every line of treatment for the disease
    # under study, whatever its kind)
    prior_regimens: dict[str, Annotated[int, Field(ge=0, le=50)]] = {}
    provenance: dict[str, str] = {}  # field path -> source resource, kept from a FHIR import
    # dates written as a year or a month ("1961", "2019-05"), by field path; the field itself is
    # left empty (see trialscreen.dates): filled by the record reader and the FHIR importer
    _partial_dates: dict[str, str] = PrivateAttr(default_factory=dict)

    @property
    def partial_dates(self) -> dict[str, str]:
        """Field path -> the partial date written there ("birth_date" -> "1961")."""
        return self._partial_dates
