"""FHIR Observation → trialscreen Observations (one per value; a panel gives one per component).

The LOINC code is kept so the screening engine resolves the analyte through its lexicon; the unit
is the UCUM code; a FHIR comparator ("<0.5") is kept; `dataAbsentReason` keeps the observation
with no value ("measured, but absent"). ECOG and Karnofsky answers coded as LOINC answer codes
become their numeric scores.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from enum import Enum
from typing import get_args

from pydantic.alias_generators import to_camel

from trialscreen.fhir import resources as fr
from trialscreen.lexicon import biomarkers
from trialscreen.model.patient import Biomarker, Comparator, Observation, ReferenceRange

Warn = Callable[[str], None]
Value = float | str | bool | None
Read = tuple[Value, str | None, Comparator | None]  # value, unit, comparator


class _Missing(Enum):
    NO_VALUE = "no value[x]"


NO_VALUE = _Missing.NO_VALUE  # the part carries no value at all (neither read nor refused)

COUNTED_STATUSES = ("final", "amended", "corrected")
ECOG = "89247-1"
KARNOFSKY = "89243-0"
PREGNANCY_STATUS = "82810-3"
_NAMES = {"8480-6": "systolic blood pressure", "8462-4": "diastolic blood pressure"}
_COMPARATORS: tuple[Comparator, ...] = get_args(Comparator)

# LOINC answer lists LL529-9 (ECOG) and LL4986-7 (Karnofsky): LA9627-6 "Dead" ends both.
# ECOG also comes as the SNOMED grades of mCODE's ECOGPerformanceStatusVS.
_ECOG_ANSWERS = {
    "LA9622-7": 0.0,
    "LA9623-5": 1.0,
    "LA9624-3": 2.0,
    "LA9625-0": 3.0,
    "LA9626-8": 4.0,
    "LA9627-6": 5.0,
    "425389002": 0.0,
    "422512005": 1.0,
    "422894000": 2.0,
    "423053003": 3.0,
    "423237006": 4.0,
    "423409001": 5.0,
}
_KARNOFSKY_ANSWERS = {
    "LA29175-9": 100.0,
    "LA29176-7": 90.0,
    "LA29177-5": 80.0,
    "LA29178-3": 70.0,
    "LA29179-1": 60.0,
    "LA29180-9": 50.0,
    "LA29181-7": 40.0,
    "LA29182-5": 30.0,
    "LA29183-3": 20.0,
    "LA29184-1": 10.0,
    "LA9627-6": 0.0,
}
_SCORES: dict[str, tuple[str, dict[str, float], float]] = {
    ECOG: ("ECOG", _ECOG_ANSWERS, 5.0),
    KARNOFSKY: ("Karnofsky", _KARNOFSKY_ANSWERS, 100.0),
}
_LEADING_NUMBER = re.compile(r"\s*(?:[A-Za-z]+\s+){0,2}(\d{1,3})\b")  # "KPS 70", "ECOG Grade 0"
_PREGNANCY_ANSWERS = {"77386006": True, "60001007": False}  # SNOMED: pregnant / not pregnant
_UNREAD_VALUES = ("value_range", "value_ratio", "value_sampled_data", "value_period")


def map_observation(obs: fr.Observation, source: str, warn: Warn) -> list[Observation]:
    """The trialscreen observations of one FHIR Observation (none if it does not count)."""
    if obs.status not in COUNTED_STATUSES:
        status = "no status" if obs.status is None else f"status {obs.status!r}"
        warn(f"skipped: {status} (only final, amended and corrected results count)")
        return []
    if obs.code is None or not (obs.code.coding or obs.code.text):
        warn("skipped: no code")
        return []
    date = _date(obs, warn)
    out: list[Observation] = []
    own = _part(obs, obs.code, date, source, warn, "")
    if isinstance(own, Observation):
        out.append(own)
    elif own is NO_VALUE and not obs.component and not obs.has_member:
        warn("skipped: no value and no dataAbsentReason")  # a grouping panel is left silently
    for number, component in enumerate(obs.component):
        where = f"component {number}: "
        if component.code is None or not (component.code.coding or component.code.text):
            warn(f"{where}skipped: no code")
            continue
        item = _part(component, component.code, date, source, warn, where)
        if isinstance(item, Observation):
            out.append(item)
        elif item is NO_VALUE:
            warn(f"{where}skipped: no value and no dataAbsentReason")
    return out


# SNOMED CT qualifier values for tumour-marker results (mCODE TumorMarkerTest)
_MARKER_ANSWERS: dict[str, biomarkers.RecordResult] = {
    "10828004": "positive",
    "260385009": "negative",
    "42425007": "equivocal",
    "260373001": "positive",  # detected
    "260415000": "negative",  # not detected
    "82334004": "equivocal",  # indeterminate
}


def map_marker(obs: fr.Observation, source: str, warn: Warn) -> Biomarker | None:
    """A tumour-marker test (HER2, ER, PR by LOINC) as a marker result, or None when the
    observation is no such test (it is then read as an observation)."""
    if obs.code is None or obs.status not in COUNTED_STATUSES:
        return None
    loinc = obs.code.pick(fr.LOINC)
    marker = biomarkers.by_loinc(loinc.code) if loinc and loinc.code else None
    if marker is None:
        return None
    result: biomarkers.RecordResult | None = None
    value: float | None = None
    unit: str | None = None
    answer = obs.value_codeable_concept
    if answer is not None:
        result = next((_MARKER_ANSWERS[c] for c in answer.codes() if c in _MARKER_ANSWERS), None)
        said = answer.label(answer.pick(any_system=True)) or ""
        if result is None and said:
            result = biomarkers.record_result(said.split("(")[0].strip())
    elif obs.value_quantity is not None and obs.value_quantity.value is not None:
        value, unit = obs.value_quantity.value, obs.value_quantity.ucum_unit()
    if result is None and value is None:
        warn(f"{marker.name} result not read; skipped")
        return None
    return Biomarker(
        name=marker.name,
        code=loinc.code if loinc else None,
        result=result,
        value=value,
        unit=unit,
        method=obs.code.label(loinc),
        date=_date(obs, warn),
        source=source,
    )


def pregnancy(obs: fr.Observation) -> bool | None:
    """The answer of a pregnancy-status observation (LOINC 82810-3): pregnant, not, or unknown."""
    if obs.code is None or obs.value_codeable_concept is None:
        return None
    if PREGNANCY_STATUS not in obs.code.codes():
        return None
    for code in obs.value_codeable_concept.codes():
        if code in _PREGNANCY_ANSWERS:
            return _PREGNANCY_ANSWERS[code]
    return None


def _date(obs: fr.Observation, warn: Warn) -> dt.date | None:
    """effectiveDateTime, else effectivePeriod.start, else effectiveInstant, else issued."""
    for where, text in (
        ("effectiveDateTime", obs.effective_date_time),
        ("effectivePeriod.start", obs.effective_period.start if obs.effective_period else None),
        ("effectiveInstant", obs.effective_instant),
        ("issued", obs.issued),
    ):
        if text:
            return fr.read_date(text, where, warn)
    return None


def _part(
    part: fr.ObservationComponent,
    code: fr.CodeableConcept,
    date: dt.date | None,
    source: str,
    warn: Warn,
    where: str,
) -> Observation | _Missing | None:
    """One observation from an Observation or one of its components (None after a warning)."""
    loinc = code.pick(fr.LOINC)
    loinc_code = loinc.code if loinc else None
    read = _value(part, loinc_code, warn, where)
    if read is NO_VALUE:
        if part.data_absent_reason is None:
            return NO_VALUE
        read = (None, None, None)
    elif read is None:
        return None
    value, unit, comparator = read
    return Observation(
        name=_NAMES.get(loinc_code or "") or code.label(loinc),
        code=loinc_code,
        value=value,
        unit=unit,
        comparator=comparator,
        date=date,
        reference_range=_range(part),
        source=source,
    )


def _value(
    part: fr.ObservationComponent, loinc: str | None, warn: Warn, where: str
) -> Read | _Missing | None:
    """(value, unit, comparator); None after a warning; NO_VALUE when there is no value[x]."""
    if loinc is not None and loinc in _SCORES:
        return _score(part, loinc, warn, where)
    if part.value_quantity is not None:
        return _quantity(part.value_quantity, warn, where)
    concept = part.value_codeable_concept
    if concept is not None:
        return concept.label(concept.pick(any_system=True)), None, None
    if part.value_integer is not None:
        return float(part.value_integer), None, None
    for simple in (part.value_string, part.value_boolean, part.value_date_time, part.value_time):
        if simple is not None:
            return simple, None, None
    for name in _UNREAD_VALUES:
        if getattr(part, name) is not None:
            warn(f"{where}skipped: {to_camel(name)} is not read")
            return None
    return NO_VALUE


def _quantity(quantity: fr.Quantity, warn: Warn, where: str) -> Read | _Missing | None:
    """A Quantity's value, UCUM unit and comparator ("ad" and unknown ones dropped, warned)."""
    if quantity.value is None:
        if quantity.unit or quantity.code:
            warn(f"{where}skipped: valueQuantity without a value")
            return None
        return NO_VALUE
    comparator = next((c for c in _COMPARATORS if c == quantity.comparator), None)
    if quantity.comparator is not None and comparator is None:
        warn(f"{where}comparator {quantity.comparator!r} dropped; value {quantity.value:g} kept")
    return quantity.value, quantity.ucum_unit(), comparator


def _score(
    part: fr.ObservationComponent, loinc: str, warn: Warn, where: str
) -> Read | _Missing | None:
    """ECOG/Karnofsky, unitless: valueInteger or valueQuantity, or a coded answer
    (valueCodeableConcept, else interpretation) by its LOINC answer code."""
    label, answers, top = _SCORES[loinc]
    quantity = part.value_quantity.value if part.value_quantity else None
    if part.value_integer is not None:
        score = float(part.value_integer)
    elif quantity is not None:
        score = quantity
    else:
        concepts = [part.value_codeable_concept] if part.value_codeable_concept else []
        concepts = concepts or part.interpretation
        if not concepts:
            return NO_VALUE
        found = next((s for c in concepts if (s := _answer(c, answers)) is not None), None)
        if found is None:
            text = concepts[0].label(concepts[0].pick(any_system=True))
            warn(f"{where}{label} answer {text!r} not recognised; kept as text")
            return text, None, None
        score = found
    if not 0 <= score <= top:
        warn(f"{where}skipped: {label} score {score:g} is outside 0-{top:g}")
        return None
    return score, None, None


def _answer(concept: fr.CodeableConcept, answers: dict[str, float]) -> float | None:
    """A known answer code, a short numeric code, or a display/text that starts with the number."""
    for code in concept.codes():
        if code in answers:
            return answers[code]
        if code.isdigit() and len(code) <= 3:
            return float(code)
    for text in [c.display for c in concept.coding] + [concept.text]:
        match = _LEADING_NUMBER.match(text or "")
        if match:
            return float(match.group(1))
    return None


def _range(part: fr.ObservationComponent) -> ReferenceRange | None:
    """The one reference range of the value, in the value's unit. Several ranges (by sex,
    age, population: which applies is not read) or a range in another unit (an AST range
    in ukat/L beside a value in U/L) give none: the limit is then unknown, not wrong."""
    if not part.reference_range or len(part.reference_range) > 1:
        return None
    first = part.reference_range[0]
    unit = part.value_quantity.ucum_unit() if part.value_quantity else None
    for bound in (first.low, first.high):
        if bound is not None and bound.ucum_unit() not in (None, unit):
            return None
    low = first.low.value if first.low else None
    high = first.high.value if first.high else None
    return None if low is None and high is None else ReferenceRange(low=low, high=high)
