"""The patient normalised once: labs as floats in canonical units, ages, concept facts.

`load_patient` validates a record (JSON file, dict or Patient) and checks what pydantic cannot:
that every analyte is known and every unit can belong to it. `PatientFacts` is what evaluation
reads; building it is the only place patient values meet pint.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

from trialscreen.dates import partial_span
from trialscreen.language.stages import StageKey, stage_key
from trialscreen.lexicon import biomarkers, concepts
from trialscreen.model.patient import Biomarker, Observation, Patient
from trialscreen.model.predicate import LINES_OF_THERAPY
from trialscreen.units import analytes
from trialscreen.units.registry import UnitError, conversion, log_inner


@dataclass(frozen=True, slots=True)
class LabFact:
    """The newest observation of one analyte, converted to the analyte's canonical unit."""

    analyte: str
    value: float | None  # canonical unit; None for a non-numeric or absent value
    comparator: str | None
    raw_value: Any
    raw_unit: str | None
    unit: str  # canonical unit
    date: dt.date | None
    days_old: int | None
    uln: float | None  # from the patient's own reference range, canonical unit
    lln: float | None
    source: str


@dataclass(frozen=True, slots=True)
class ConceptFact:
    """One record entry (condition, treatment, adverse event, state) bearing on a concept."""

    concept: str
    status: str  # active / resolved / absent / history / completed / stopped / ...
    first: dt.date | None  # onset or start
    last: dt.date | None  # end, or the event date; None while ongoing or undated
    ongoing: bool
    grade: int | None
    source: str
    label: str
    reason: str | None = None  # a treatment: the concept of the condition it was given for
    # False for an entry dated by one `date` (a procedure, or a drug given on a day or taken
    # since): how long it lasted is not known
    course_known: bool = True
    stage: StageKey | None = None  # a condition's stage, read once ("IIIB" -> (3, "B"))


@dataclass(frozen=True, slots=True)
class MarkerFact:
    """One tumour-marker result, read once: what it says (positive / negative; None when
    equivocal, or a value between the cutoffs in use), of which kind of change, which variant
    (one spelling), how a value was scored (TPS, CPS, IC), and its field path."""

    item: Biomarker
    label: str
    result: str | None
    alteration: str | None
    variant: str | None
    scoring: str | None


@dataclass(slots=True)
class PatientFacts:
    """Everything evaluation needs about one patient, precomputed."""

    patient: Patient
    as_of: dt.date
    labs: dict[str, LabFact] = field(default_factory=dict)
    concepts: dict[str, list[ConceptFact]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    ages: dict[str, tuple[float, float] | None] = field(default_factory=dict)
    # complete counts of prior regimens by concept (record `prior_regimens`): (count, key)
    regimens: dict[str, tuple[int, str]] = field(default_factory=dict)
    # tumour-marker results by marker id (record `biomarkers`), with each one's field path
    markers: dict[str, list[MarkerFact]] = field(default_factory=dict)

    @property
    def adult(self) -> bool:
        """Known to be 18 or older: the usual adult laboratory ranges may stand in for the
        patient's own (children's limits differ: creatinine, alkaline phosphatase, AST)."""
        age = self.age_in("years")
        return age is not None and age[0] >= 18

    def age_in(self, unit: str) -> tuple[float, float] | None:
        """The patient's age in a unit, as (lowest, highest) it can be: exact from a birth
        date (calendar years and months); from a whole `age` in years, anywhere in that year.
        Worked out once per unit, not once per criterion."""
        if unit not in self.ages:
            self.ages[unit] = self._age_in(unit)
        return self.ages[unit]

    def _age_in(self, unit: str) -> tuple[float, float] | None:
        patient = self.patient
        if patient.birth_date is not None and unit == "hours":
            # a birth date and a screening date without times: the age in hours lies anywhere
            # within a day either side of the days between them
            days = (self.as_of - patient.birth_date).days
            return (max(days - 1, 0) * 24.0, (days + 1) * 24.0)
        if patient.birth_date is not None:
            value = _calendar_age(patient.birth_date, self.as_of, unit)
            return (value, value)
        span = partial_span(patient.partial_dates.get("birth_date"))
        if span is not None:  # born some day of a year or month: youngest to oldest
            latest = min(span[1], self.as_of)
            return (
                _calendar_age(latest, self.as_of, unit),
                _calendar_age(span[0], self.as_of, unit),
            )
        if patient.age is None:
            return None
        per_year = {"years": 1.0, "months": 12.0, "weeks": 365.25 / 7, "days": 365.25}
        k = per_year.get(unit, 365.25 * 24)
        low = patient.age * k
        if patient.age != int(patient.age):
            return (low, low)
        return (low, (patient.age + 1) * k - 1e-6)

    def add_concept(self, fact: ConceptFact) -> None:
        """File a fact under its concept and every ancestor ("letrozole" is a hormonal therapy).

        Absence is filed under the concept alone: no brain metastases says nothing about
        metastatic disease elsewhere; and the lexicon files some names too loosely for absence
        to reach every kind of a concept ("psychiatric illness" over alcohol abuse).
        """
        targets = (
            [fact.concept] if fact.status == "absent" else sorted(concept_ancestors(fact.concept))
        )
        for concept_id in targets:
            self.concepts.setdefault(concept_id, []).append(fact)


def concept_ancestors(concept_id: str) -> frozenset[str]:
    try:
        return concepts.ancestors(concept_id)
    except KeyError:
        return frozenset({concept_id})


def resolve_analyte(obs: Observation) -> str | None:
    """The analyte id of an observation, by LOINC code first, then by name."""
    if obs.code:
        found = analytes.by_loinc(obs.code)
        if found is not None:
            return found.id
    if obs.name:
        found = analytes.lookup(obs.name)
        if found is not None:
            return analytes.measured_as(found.id, obs.unit)[0]
    return None


def _lab_fact(obs: Observation, analyte: str, as_of: dt.date, index: int) -> LabFact:
    info = analytes.get(analyte)
    factor, offset = 1.0, 0.0  # offset: a temperature in degF
    inner = log_inner(obs.unit)  # "4.7 log10 copies/mL": 10^4.7 copies/mL

    def scale(x: float) -> float:
        return (10.0**x if inner is not None else x) * factor + offset

    unit = analytes.measured_as(analyte, inner or obs.unit)[1]
    if unit is not None and info.canonical_unit:
        try:
            factor, offset = conversion(unit, info.canonical_unit, analyte)
        except UnitError:
            factor = float("nan")
    value: float | None = None
    if isinstance(obs.value, (int, float)) and not isinstance(obs.value, bool):
        value = scale(float(obs.value))
    # a range beside a log10 value may be in either scale: not used ("<= ULN" stays unknown)
    rr = obs.reference_range if inner is None else None
    uln = scale(rr.high) if rr and rr.high is not None else None
    lln = scale(rr.low) if rr and rr.low is not None else None
    return LabFact(
        analyte=analyte,
        value=value,
        comparator=obs.comparator,
        raw_value=obs.value,
        raw_unit=obs.unit,
        unit=info.canonical_unit,
        date=obs.date,
        days_old=(as_of - obs.date).days if obs.date else None,
        uln=uln,
        lln=lln,
        source=obs.source or f"observations[{index}]",
    )


_CATEGORY_CONCEPTS: dict[str, tuple[str, ...]] = {
    "chemotherapy": ("chemotherapy",),
    "immunotherapy": ("immunotherapy",),
    "hormonal": ("endocrine_therapy",),
    "targeted": ("targeted_therapy",),
    "radiotherapy": ("radiotherapy",),
    "surgery": ("surgery",),
    "biopsy": ("biopsy",),
    "transplant": ("transplant",),
    "dialysis": ("dialysis",),
    "investigational": ("investigational_agent",),
}
_ACTIVE_TREATMENT = {"active", None}
STARTED = "started"  # a course begun, with no status or end: ongoing or not is unknown
_COURSES = frozenset({"radiotherapy", "surgery", "procedure", "biopsy"})


def _a_course(concept_id: str) -> bool:
    """Radiotherapy, a procedure, chemotherapy or immunotherapy: given in courses that end,
    not taken until stopped (dialysis goes on)."""
    if concepts.is_a(concept_id, "dialysis"):
        return False
    return concepts.category(concept_id) == "procedure" or any(
        concepts.is_a(concept_id, course)
        for course in ("radiotherapy", "chemotherapy", "immunotherapy")
    )


def concept_of(
    name: str,
    code: str | None = None,
    system: str | None = None,
    kinds: frozenset[str] | None = None,
) -> str | None:
    """The concept id of a record entry, by code first, then by its name; a concept found
    inside a longer name only of the entry's kind (`kinds`: categories): the chemotherapy in
    "chemotherapy-induced peripheral neuropathy", the platinum in "platinum-sensitive ovarian
    cancer" are not the condition, and were not given now."""
    if code and system:
        found = concepts.by_code(system, code)
        if found is not None:
            return found.id
    found = concepts.lookup(name)
    if found is not None:
        return found.id
    if _CHANGES_WHAT_IT_IS.search(name):  # "HBsAg negative", "aspirin intolerance", "no known
        return None  # drug allergies": a name inside them is not what the entry is
    hits = [h for h in concepts.find_in(name) if kinds is None or h[2].category in kinds]
    return hits[0][2].id if hits else None


CONDITION_KINDS = frozenset({"condition", "finding", "state"})  # what a condition entry may be


# words around a name in a record entry that make the entry something other than the name
_CHANGES_WHAT_IT_IS = re.compile(
    r"(?i)\b(?:negative|neg|non-?reactive|undetectable|positive|pos|no|not|none|without|denies|"
    r"denied|absent|ruled out|excluded|intolerance|intolerant|allerg\w*|hypersensitivity|"
    r"receptor|deficiency|resistance|resistant|family history|risk|screening|test|vaccin\w*|"
    r"exposure|contact|carrier|prevent\w*|prophyla\w*|preventive|preventative|non|staging|"
    r"rule out|suspected|suspicion|possible|probable|evaluation|work-?up|remission|withdrawal|"
    r"former|benign|in[\s-]situ)\b|[+-]\s*$"
)


def unknown_concept(path: str, name: str) -> str:
    """The warning for a record name no concept matches, with the closest known names."""
    close = concepts.suggest(name)
    hint = f" (closest: {', '.join(close)})" if close else ""
    return f"{path}: {name!r} matches no known concept{hint}; not read"


def _add_conditions(facts: PatientFacts) -> None:
    for i, cond in enumerate(facts.patient.conditions):
        cid = concept_of(cond.name, cond.code, cond.system, CONDITION_KINDS)
        label = f"conditions[{i}]"
        if cid is None:
            facts.warnings.append(unknown_concept(f"{label}.name", cond.name))
            continue
        status = cond.status
        if cond.end is not None and "status" not in cond.model_fields_set:
            status = "resolved"  # an end with no status written: it ended
        facts.add_concept(
            ConceptFact(
                concept=cid,
                status=status,
                first=cond.onset,
                last=cond.end,
                ongoing=status == "active",
                grade=None,
                source=cond.source or label,
                label=cond.name,
                stage=stage_key(cond.stage),
            )
        )


def _add_treatments(facts: PatientFacts) -> None:
    for i, item in enumerate(facts.patient.treatments):
        label = f"treatments[{i}]"
        ids = set(_CATEGORY_CONCEPTS.get(item.category, ()))
        cid = concept_of(item.name, item.code, item.system)
        if cid is not None:
            ids.add(cid)
        if item.category == "surgery" and item.major:
            ids.add("major_surgery")
        ids = {x for x in ids if concepts.known(x)} or ({cid} if cid else set())
        if not ids:
            facts.warnings.append(unknown_concept(f"{label}.name", item.name))
            continue
        status: str = item.status or ("completed" if (item.end or item.date) else "active")
        if item.status is None and item.start is not None and status == "active":
            # a course of radiotherapy or a procedure begun on a date with no status or end:
            # whether it still goes on is not known; a drug or therapy on a medication list
            # with its start date is taken as still taken
            if (item.category in _COURSES and cid != "dialysis") or any(_a_course(x) for x in ids):
                status = STARTED
        if status == "absent":  # never received: says so of the named treatment only, not of
            if cid is None:  # its category (no cisplatin is not no chemotherapy)
                facts.warnings.append(unknown_concept(f"{label}.name", item.name))
            else:
                facts.add_concept(
                    ConceptFact(
                        cid, "absent", None, None, False, None, item.source or label, item.name
                    )
                )
            continue
        if status == "planned":
            # not received yet; says nothing of earlier courses (a rechallenge is planned too),
            # so it is no evidence either way
            continue
        ongoing = status in _ACTIVE_TREATMENT and item.end is None and item.date is None
        last = item.end or item.date  # a finished course with only a start has no known end
        reason = None
        if item.reason is not None:
            reason = concept_of(item.reason)
            if reason is None:
                facts.warnings.append(
                    f"{label}.reason: {item.reason!r} matches no known concept (read as not "
                    "recorded)"
                )
        for concept_id in sorted(ids):
            facts.add_concept(
                ConceptFact(
                    concept=concept_id,
                    status=status,
                    first=item.start or item.date,
                    last=last,
                    ongoing=ongoing,
                    grade=None,
                    reason=reason,
                    source=item.source or label,
                    label=item.name,
                    course_known=item.date is None or item.start is not None,
                )
            )


def _add_adverse_events(facts: PatientFacts) -> None:
    for i, event in enumerate(facts.patient.adverse_events):
        label = f"adverse_events[{i}]"
        cid = concept_of(event.term)
        if cid is None:
            facts.warnings.append(unknown_concept(f"{label}.term", event.term))
            continue
        facts.add_concept(
            ConceptFact(
                concept=cid,
                status=event.status or "active",
                first=event.date,
                last=event.date,
                ongoing=event.status != "resolved",
                grade=event.grade,
                source=event.source or label,
                label=event.term,
            )
        )


def _add_states(facts: PatientFacts) -> None:
    p = facts.patient
    states = {
        "pregnancy": p.pregnant,
        "breastfeeding": p.breastfeeding,
        "childbearing_potential": p.childbearing_potential,
    }
    if p.sex in ("female", "male"):  # a threshold by sex branches on this (thresholds.by_sex)
        states[concepts.FEMALE_SEX] = p.sex == "female"
    if p.menopausal_status is not None:
        for status in ("premenopausal", "perimenopausal", "postmenopausal"):
            states[status] = p.menopausal_status == status
    # Documented inferences: a postmenopausal woman or a man has no childbearing potential, and
    # a man is neither pregnant nor breastfeeding.
    if p.childbearing_potential is None and (
        p.menopausal_status == "postmenopausal" or p.sex == "male"
    ):
        states["childbearing_potential"] = False
    if p.sex == "male":
        states["pregnancy"] = False if p.pregnant is None else p.pregnant
        states["breastfeeding"] = False if p.breastfeeding is None else p.breastfeeding
    for concept_id, value in states.items():
        if value is None or not concepts.known(concept_id):
            continue
        facts.add_concept(
            ConceptFact(
                concept=concept_id,
                status="active" if value else "absent",
                first=None,
                last=None,
                ongoing=bool(value),
                grade=None,
                source=concept_id,
                label=concept_id,
            )
        )


# record keys for lines of treatment of any kind (`prior_regimens`)
_LINES_KEYS = frozenset(
    {
        "lines of therapy",
        "lines of treatment",
        "lines",
        "regimens",
        "treatment lines",
        "prior lines",
        "prior regimens",
        "treatment regimens",
    }
)


def regimen_key(name: str) -> str | None:
    """The concept a `prior_regimens` key counts: a treatment the lexicon knows, or lines of
    therapy of any kind."""
    text = " ".join(name.lower().split())
    if text in _LINES_KEYS:
        return LINES_OF_THERAPY
    found = concepts.lookup(text)
    if found is None or found.category not in concepts.TREATMENT_CATEGORIES:
        return None
    return found.id


def _add_regimens(facts: PatientFacts) -> None:
    for name, count in facts.patient.prior_regimens.items():
        concept_id = regimen_key(name)
        if concept_id is None:
            facts.warnings.append(
                f"prior_regimens: {name!r} matches no known treatment (count not read)"
            )
            continue
        facts.regimens[concept_id] = (count, name)
        given = _completed_as(facts, concept_id)
        if count == 0 and given:
            facts.warnings.append(
                f"prior_regimens: {name!r} is 0, but {given[0].source} is a completed "
                f"{given[0].label} (the count is used)"
            )


def regimens_between(
    facts: PatientFacts, concept: str, narrowed: bool
) -> tuple[int, float, tuple[str, int] | ConceptFact | None]:
    """How many regimens of `concept` the patient has had, as an interval [low, high], and
    what it rests on. A count recorded for the concept is exact; a completed course recorded
    as that concept (not one of its kinds: low-dose methotrexate is filed under chemotherapy)
    is at least one regimen; recorded as never received: none. Counts of broader or narrower
    kinds are not used: the lexicon's parents are looser than a count needs. `narrowed`: only
    some of its regimens count ("standard regimens", "for metastatic disease"), which the
    record does not tell apart: at least none of them. What it rests on is the record's
    (key, count), the entry, or None; the hot path reads only the interval."""
    if concept in facts.regimens:
        count, key = facts.regimens[concept]
        return (0 if narrowed else count), count, (key, count)
    found = facts.concepts.get(concept, []) if concept != LINES_OF_THERAPY else []
    done = _completed_as(facts, concept) if concept != LINES_OF_THERAPY else []
    if done:
        return (0 if narrowed else 1), math.inf, done[0]
    if found and all(f.status == "absent" for f in found):
        return 0, 0, found[0]
    return 0, math.inf, None


_DONE = frozenset({"completed", "stopped"})


def _completed_as(facts: PatientFacts, concept: str) -> list[ConceptFact]:
    """Completed courses recorded as `concept` itself (not filed under it as one of its kinds)."""
    return [
        f for f in facts.concepts.get(concept, []) if f.concept == concept and f.status in _DONE
    ]


def _add_months(born: dt.date, months: int) -> dt.date:
    year, month = divmod(born.month - 1 + months, 12)
    year += born.year
    day = min(born.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)


def _calendar_age(born: dt.date, on: dt.date, unit: str) -> float:
    """Exact age in a unit: completed calendar years or months plus the fraction of the next;
    weeks, days and hours from the day count."""
    days = (on - born).days
    if unit not in ("years", "months"):
        return days / {"weeks": 7.0, "days": 1.0}.get(unit, 1 / 24)
    step = 12 if unit == "years" else 1
    total = (on.year - born.year) * 12 + on.month - born.month
    total -= total % step
    while total > 0 and _add_months(born, total) > on:
        total -= step
    last, following = _add_months(born, total), _add_months(born, total + step)
    fraction = (on - last).days / max((following - last).days, 1)
    return total / step + fraction


def build_facts(patient: Patient) -> PatientFacts:
    """Normalise a validated patient once, for every criterion of every trial."""
    facts = PatientFacts(patient=patient, as_of=patient.as_of)
    newest: dict[str, tuple[dt.date, int]] = {}
    for i, obs in enumerate(patient.observations):
        analyte = resolve_analyte(obs)
        if analyte is None:
            continue
        key = (obs.date or dt.date.min, i)
        if analyte not in newest or key >= newest[analyte]:
            newest[analyte] = key
            facts.labs[analyte] = _lab_fact(obs, analyte, patient.as_of, i)
    _undate_behind_partial(facts)
    _add_conditions(facts)
    _add_treatments(facts)
    _add_adverse_events(facts)
    _add_states(facts)
    _add_regimens(facts)
    _add_markers(facts)
    return facts


def _undate_behind_partial(facts: PatientFacts) -> None:
    """A lab whose newest dated value may be older than one dated only by a month or a year
    ("2026-10") cannot stand for today: which value is newest is not known."""
    patient = facts.patient
    for path, text in patient.partial_dates.items():
        if not (path.startswith("observations[") and path.endswith("].date")):
            continue
        span = partial_span(text)
        obs = patient.observations[int(path[len("observations[") : -len("].date")])]
        analyte = resolve_analyte(obs)
        fact = facts.labs.get(analyte) if analyte else None
        if analyte and span is not None and fact is not None:
            if fact.date is None or span[1] >= fact.date:
                facts.labs[analyte] = replace(fact, date=None, days_old=None)


def _add_markers(facts: PatientFacts) -> None:
    """File each marker result under its marker; a name or code the lexicon does not know is
    a warning naming the field (never dropped silently)."""
    for i, item in enumerate(facts.patient.biomarkers):
        label = f"biomarkers[{i}]"
        marker = (biomarkers.by_loinc(item.code) if item.code else None) or biomarkers.lookup(
            item.name
        )
        if marker is None:
            close = biomarkers.suggest(item.name)
            hint = f" (closest: {', '.join(close)})" if close else ""
            facts.warnings.append(f"{label}.name: {item.name!r} is no known tumour marker{hint}")
            continue
        if item.result is None and item.value is None:
            facts.warnings.append(f"{label}: {item.name!r} has neither a result nor a value")
            continue
        facts.markers.setdefault(marker.id, []).append(_marker_fact(item, label, marker))


def _marker_fact(item: Biomarker, label: str, marker: biomarkers.Marker) -> MarkerFact:
    scoring = biomarkers.scoring(item.method)
    result: str | None = None
    if item.result is not None:
        result = None if item.result == "equivocal" else item.result
    elif (
        item.value is not None
        and marker.cutoffs is not None
        and scoring not in ("CPS", "IC")
        and item.unit in (None, marker.unit)
    ):  # a value outside every cutoff in use
        low, high = marker.cutoffs
        result = "negative" if item.value < low else "positive" if item.value >= high else None
    alteration = biomarkers.variant_alteration(item.variant) if item.variant else marker.alteration
    if not item.variant and marker.kind == "gene" and biomarkers.by_staining(item.method):
        alteration = "expression"  # EGFR or ROS1 by IHC: the protein, not a mutation or fusion
    variant = biomarkers.variant_key(item.variant) if item.variant else None
    return MarkerFact(item, label, result, alteration, variant, scoring)
