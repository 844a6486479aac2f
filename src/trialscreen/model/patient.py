"""The patient record: the JSON contract users write and the FHIR importer produces."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
)

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


def _date_written(value: object) -> object:
    """A date in a record is text ("2026-10-28") or a date, never a number: pydantic would
    read 20261028 as seconds since 1970, and text of digits alone ("2026") the same way."""
    if isinstance(value, str) and value.strip().isdigit():
        raise ValueError(
            f"{value!r} is not a day: write YYYY-MM-DD (a year or a month is a partial date, "
            "read only where the README says)"
        )
    if isinstance(value, (str, dt.date)) or value is None:
        return value
    raise ValueError(f"a date is written as text, YYYY-MM-DD (not {type(value).__name__})")


RecordDate = Annotated[dt.date, BeforeValidator(_date_written)]

_DATE = "YYYY-MM-DD; a year (YYYY) or a month (YYYY-MM) is a partial date: see the README"

# What each field means, with examples, for `trialscreen schema` (one place for the words).
FIELD_DOCS: dict[str, dict[str, tuple[str, list[Any]]]] = {
    "ReferenceRange": {
        "low": ("the lower limit of normal (LLN), in the observation's unit", [3.5]),
        "high": ("the upper limit of normal (ULN), in the observation's unit", [55]),
    },
    "Observation": {
        "name": (
            "the test: any name `trialscreen names analytes` lists (synonym, LOINC long or "
            "short name, 'Name (ABBR)')",
            ["ANC", "Hemoglobin [Mass/volume] in Blood", "ECOG"],
        ),
        "code": ("its LOINC code (wins over the name)", ["751-8", "718-7"]),
        "value": ("the result: a number (scores too), or text", [1.8, 61, "Never smoker"]),
        "unit": (
            "the unit (UCUM or as labs write it); none for scores, INR, ratios",
            ["10^9/L", "g/dL", "umol/L", "mm[Hg]"],
        ),
        "comparator": ("a result written with a bound (FHIR '<0.5')", ["<"]),
        "date": (f"when it was measured ({_DATE}); undated values decide nothing", ["2026-10-28"]),
        "reference_range": ("the patient's own normal range for this test", [{"high": 55}]),
        "source": ("where it came from (set by the FHIR import)", ["Observation/abc"]),
    },
    "Condition": {
        "name": (
            "the diagnosis: any name `trialscreen names concepts` lists",
            ["liver metastases", "HIV infection", "type 2 diabetes mellitus"],
        ),
        "code": ("a code in `system`", ["C22.9", "86406008"]),
        "system": ("the code system", ["icd10", "snomed"]),
        "status": (
            "active; resolved; history (had it before); suspected; absent (known not to "
            "have it; anything unmentioned is unknown)",
            ["active", "absent"],
        ),
        "stage": (
            "its stage in the disease's usual system (TNM/AJCC, FIGO, Ann Arbor): 0, I-IV "
            "with an optional letter, or 1-4",
            ["IIIB", "IV"],
        ),
        "onset": (f"when it began ({_DATE})", ["2025-03-01", "2019"]),
        "end": (f"when it resolved ({_DATE})", ["2026-01-15"]),
        "source": ("where it came from (set by the FHIR import)", ["Condition/abc"]),
    },
    "Treatment": {
        "name": (
            "the drug, course or procedure: any name `trialscreen names concepts` lists",
            ["letrozole", "liver resection", "whole brain radiotherapy"],
        ),
        "code": ("a code in `system`", ["72965"]),
        "system": ("the code system", ["rxnorm", "snomed"]),
        "category": ("what kind of treatment it is", ["drug", "surgery", "radiotherapy"]),
        "status": (
            "active; completed; stopped; planned (not received yet: no evidence either way); "
            "absent (known never received; that treatment only, not its category); unknown. "
            "Default: completed when it has an end or a date, else active",
            ["completed", "absent"],
        ),
        "start": (f"first day ({_DATE})", ["2025-01-10"]),
        "end": (f"last day ({_DATE})", ["2025-06-30"]),
        "date": (f"the day of a procedure or a single dose ({_DATE})", ["2026-10-15"]),
        "major": ("surgery: major or not", [True]),
        "reason": ("the condition it was given for", ["metastatic breast cancer"]),
        "source": ("where it came from (set by the FHIR import)", ["MedicationStatement/abc"]),
    },
    "AdverseEvent": {
        "term": ("the event (a CTCAE term or any concept name)", ["peripheral neuropathy"]),
        "grade": ("its CTCAE grade, 1-5", [2]),
        "date": (f"when it was graded ({_DATE})", ["2026-09-20"]),
        "status": ("active or resolved", ["active"]),
        "source": ("where it came from", ["AdverseEvent/abc"]),
    },
    "Biomarker": {
        "name": (
            "the marker: any name `trialscreen names biomarkers` lists",
            ["HER2", "ER", "EGFR", "PD-L1", "MSI"],
        ),
        "code": ("its LOINC code", ["48676-1"]),
        "result": (
            "positive, negative or equivocal (also as reports write them: detected, not "
            "detected, wild-type, amplified, MSI-H, deficient, ...)",
            ["negative", "positive"],
        ),
        "value": ("a number: PD-L1 %, TMB mut/Mb, Ki-67 %, ER %", [60]),
        "unit": ("the value's unit", ["%", "mut/Mb"]),
        "method": ("how it was tested or scored", ["IHC 1+", "FISH", "NGS", "TPS", "CPS"]),
        "variant": ("the alteration found", ["exon 19 deletion", "L858R", "V600E"]),
        "origin": ("germline or somatic", ["germline"]),
        "date": (f"when it was tested ({_DATE})", ["2026-05-02"]),
        "source": ("where it came from (set by the FHIR import)", ["Observation/abc"]),
    },
    "Patient": {
        "id": ("the patient's identifier", ["pt-0001"]),
        "as_of": ("the screening date (default: today)", ["2026-11-01"]),
        "birth_date": (f"date of birth ({_DATE}; a year gives an age interval)", ["1961-04-02"]),
        "age": ("age in years, when there is no birth date (a whole number: that year)", [65]),
        "sex": ("female, male, other or unknown", ["female"]),
        "deceased": (
            "true when the patient has died: not screened as of a day on or after death",
            [True],
        ),
        "death_date": (
            f"the day the patient died ({_DATE}); screening as of an earlier day is allowed",
            ["2026-03-01"],
        ),
        "observations": ("labs, vital signs and scores", []),
        "conditions": ("diagnoses, with those known absent", []),
        "treatments": ("drugs, radiotherapy, surgery and procedures", []),
        "adverse_events": ("adverse events with CTCAE grades", []),
        "biomarkers": ("tumour-marker results", []),
        "pregnant": ("currently pregnant", [False]),
        "breastfeeding": ("currently breastfeeding", [False]),
        "childbearing_potential": ("of childbearing potential", [False]),
        "menopausal_status": (
            "premenopausal, perimenopausal or postmenopausal",
            ["postmenopausal"],
        ),
        "life_expectancy_months": ("the treating physician's estimate, in months", [12]),
        "healthy_volunteer": ("enrolling as a healthy volunteer", [False]),
        "prior_regimens": (
            "complete counts of prior regimens by kind (a treatment name, or 'lines of therapy')",
            [{"chemotherapy": 2, "lines of therapy": 3}],
        ),
        "provenance": ("field path -> source resource (set by the FHIR import)", []),
    },
}


def _document(schema: dict[str, Any], cls: type[BaseModel]) -> None:
    """Fill each property's description and examples from FIELD_DOCS."""
    for name, (description, examples) in FIELD_DOCS.get(cls.__name__, {}).items():
        prop = schema.get("properties", {}).get(name)
        if prop is None:
            continue
        prop["description"] = description
        if examples:
            prop["examples"] = examples
        options = prop.get("anyOf", [])
        if {"format": "date", "type": "string"} in options:  # a partial date is accepted too
            options.insert(1, {"type": "string", "pattern": r"^\d{4}(-\d{2})?$"})


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_document)


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
    date: RecordDate | None = None
    reference_range: ReferenceRange | None = None
    source: str | None = None  # e.g. "Observation/1234" when imported from FHIR


class Condition(_Record):
    """A diagnosis; `status: absent` means known absent, anything unmentioned is unknown."""

    name: str
    code: str | None = None
    system: str | None = None  # "snomed", "icd10", ...
    status: ConditionStatus = "active"
    stage: str | None = None  # "IIIB", "IV", "2": in its usual system (TNM/AJCC, FIGO, Ann Arbor)
    onset: RecordDate | None = None
    end: RecordDate | None = None
    source: str | None = None


class Treatment(_Record):
    """A drug, radiotherapy course, surgery or other procedure."""

    name: str
    code: str | None = None
    system: str | None = None  # "rxnorm", "snomed", ...
    category: TreatmentCategory = "drug"
    status: TreatmentStatus | None = None
    start: RecordDate | None = None
    end: RecordDate | None = None
    date: RecordDate | None = None
    major: bool | None = None  # surgery: major or not
    reason: str | None = None  # the condition it was given for ("metastatic breast cancer")
    source: str | None = None


class AdverseEvent(_Record):
    """An adverse event with its CTCAE grade."""

    term: str
    grade: int | None = Field(default=None, ge=1, le=5)
    date: RecordDate | None = None
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
    date: RecordDate | None = None
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
    as_of: RecordDate = Field(default_factory=dt.date.today)
    birth_date: RecordDate | None = None
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
    # a patient who died on or before as_of is not screened (trialscreen.screening.not_screened);
    # death_date implies deceased; a FHIR import fills both from Patient.deceased[x]
    deceased: bool | None = None
    death_date: RecordDate | None = None
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
