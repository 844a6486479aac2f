"""Three-valued evaluation of predicate trees against a patient's facts.

`met` is True, False or None (unknown), combined by Kleene logic: False AND unknown is False,
True OR unknown is True. One function per node kind, `_eval_<kind>`, each returning a Result
with the reason, the facts it read and, when unknown, the data that would decide it.
Thresholds and patient values are already floats in one unit, so this module never calls pint.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from trialscreen import markers
from trialscreen.facts import (
    STARTED,
    ConceptFact,
    LabFact,
    PatientFacts,
    concept_ancestors,
    regimens_between,
)
from trialscreen.language.render import analyte_label, concept_label, regimen_label, render
from trialscreen.language.stages import stage_in, stage_name, stage_text
from trialscreen.lexicon import concepts
from trialscreen.model.predicate import (
    AGE_UNIT_DAYS,
    BELOW_NORMAL_OPEN,
    EITHER_OR_BOTH,
    INTEGER_BAND,
    SCALES_PAIRED,
    AgeCompare,
    AllOf,
    AnyOf,
    BiomarkerStatus,
    BiomarkerValue,
    ConceptDuration,
    ConceptOnset,
    Conditional,
    HasConcept,
    LabCompare,
    LifeExpectancy,
    MeasureCompare,
    NoConstraint,
    NormalMultiple,
    Not,
    Predicate,
    Quantity,
    RegimenCount,
    ScoreCompare,
    SexIs,
    TimeSince,
    Unparsed,
)
from trialscreen.units import analytes

REL_TOL = 1e-9
STALE_DAYS = {"score": 60}  # other analytes: DEFAULT_STALE_DAYS
DEFAULT_STALE_DAYS = 30
BLOCKING_FLAGS = (
    "implausible_value",
    "unit_mismatch",
    "unknown_unit",
    "unknown_analyte",
    "ambiguous_unit",
    "tests_counted",  # "at least 2 CD4 cell counts": a number of tests, not a value
    "value_of_something_else",  # "> 5 kg weight loss": a change, not the value
    "equality_on_measure",  # "weight =50 kg": a measure is never required to equal a value
)
# ECOG <-> Karnofsky (ECOG-ACRIN; see ../shared/reference/ecog_karnofsky): each ECOG grade
# covers a Karnofsky interval, so a conversion decides only when the whole interval agrees.
ECOG_TO_KARNOFSKY = {0: (90, 100), 1: (70, 80), 2: (50, 60), 3: (30, 40), 4: (10, 20), 5: (0, 0)}


@dataclass(slots=True)
class Result:
    """The outcome of one node: met (True/False/None), why, what was read, what is needed."""

    met: bool | None
    reason: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    warning: bool = False  # a partly read bullet whose read part fails: "likely fails"


def shown(value: float) -> str:
    """A number for people: six significant digits ("1.8", not "1.7999999999999998")."""
    return f"{value:.6g}"


def close(a: float, b: float) -> bool:
    """Equal within 1e-9 relative (so 1.5 x10^9/L meets >= 1,500/mm3)."""
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b), 1e-300)


def compare(a: float, op: str, b: float) -> bool:
    """`a op b` with equality tolerant to float noise."""
    if op == "==":
        return close(a, b)
    if op == ">=":
        return a > b or close(a, b)
    if op == "<=":
        return a < b or close(a, b)
    if op == ">":
        return a > b and not close(a, b)
    return a < b and not close(a, b)


def _censored(comparator: str, v: float, op: str, t: float) -> bool | None:
    """Decide `x op t` knowing only `x comparator v` (a FHIR "<0.5"); None if it stays open."""
    below = comparator in ("<", "<=")
    if op in ("<", "<="):
        if below and compare(v, "<=", t) and not (comparator == "<=" and op == "<" and close(v, t)):
            return True
        if not below and compare(v, ">=", t):
            return False
    if op in (">", ">="):
        if (
            not below
            and compare(v, ">=", t)
            and not (comparator == ">=" and op == ">" and close(v, t))
        ):
            return True
        if below and compare(v, "<=", t):
            return False
    return None


def _all(results: list[Result], reason_join: str = "; ") -> Result:
    mets = [r.met for r in results]
    met = False if False in mets else (True if all(m is True for m in mets) else None)
    return _merge(met, results, reason_join)


def _any(results: list[Result]) -> Result:
    mets = [r.met for r in results]
    met = True if True in mets else (False if all(m is False for m in mets) else None)
    return _merge(met, results, "; ")


def _merge(met: bool | None, results: list[Result], join: str) -> Result:
    deciding = [r for r in results if r.met == met] or results
    evidence = [e for r in results for e in r.evidence]
    needs = [n for r in results if r.met is None for n in r.needs] if met is None else []
    return Result(met, join.join(r.reason for r in deciding), evidence, list(dict.fromkeys(needs)))


def _lab_evidence(fact: LabFact, label: str) -> dict[str, Any]:
    return {
        "item": label,
        "value": fact.raw_value,
        "unit": fact.raw_unit,
        "date": fact.date.isoformat() if fact.date else None,
        "days_old": fact.days_old,
        "converted": fact.value,
        "canonical_unit": fact.unit,
        "source": fact.source,
    }


def lab_thresholds(node: LabCompare, fact: LabFact, adult: bool) -> tuple[float, float] | None:
    """The threshold in the canonical unit as an interval (low, high); floats only, as the
    hot path calls it per patient.

    A multiple of a normal limit uses the patient's own reference range (one value). Without
    it, the usual laboratory range of that limit (the analyte lexicon's `uln_range` /
    `lln_range`) gives an interval, which decides only when both ends agree; those are adult
    ranges, used only for a patient known to be an adult. None when there is no threshold to
    compare with."""
    t = node.threshold
    if not isinstance(t, NormalMultiple):
        return None if t.canonical is None else (t.canonical, t.canonical)
    own = fact.uln if t.limit == "ULN" else fact.lln
    if own is not None:
        return t.factor * own, t.factor * own
    if not adult:
        return None
    info = analytes.get(node.analyte)
    spread = info.uln_range if t.limit == "ULN" else info.lln_range
    return None if spread is None else (t.factor * spread[0], t.factor * spread[1])


def _limit_source(node: LabCompare, fact: LabFact) -> str:
    """Where a multiple's limit came from, for the reason ("" for a fixed threshold)."""
    t = node.threshold
    if not isinstance(t, NormalMultiple):
        return ""
    own = fact.uln if t.limit == "ULN" else fact.lln
    if own is not None:
        return f"{t.limit} {shown(own)} from the patient's reference range"
    info = analytes.get(node.analyte)
    low, high = (info.uln_range if t.limit == "ULN" else info.lln_range) or (0.0, 0.0)
    return f"assumed {t.limit} {shown(low)}-{shown(high)} {info.canonical_unit} (usual ranges)"


def lab_met(fact: LabFact, op: str, low: float, high: float) -> bool | None:
    """The value against a threshold interval: decided only when every end gives one answer."""
    assert fact.value is not None
    ends = {
        _censored(fact.comparator, fact.value, op, t)
        if fact.comparator
        else compare(fact.value, op, t)
        for t in (low, high)
    }
    return ends.pop() if len(ends) == 1 else None


def stale_days(analyte: str, within_days: float | None = None) -> float:
    """How old a value may be: what the criterion asks for, else its kind's limit."""
    if within_days is not None:
        return within_days
    return STALE_DAYS.get(analytes.get(analyte).kind, DEFAULT_STALE_DAYS)


def undated_or_stale(fact: LabFact, label: str, within_days: float | None = None) -> Result | None:
    """A value that cannot stand for today (or for the criterion's window): too old, or
    undated."""
    stale = stale_days(fact.analyte, within_days)
    evidence = [_lab_evidence(fact, label)]
    if fact.days_old is None:
        return Result(None, f"{label} has no date", evidence, [f"{label} (recent)"])
    if fact.days_old > stale:
        reason = f"{label} is {fact.days_old} days old (older than {shown(stale)} days)"
        return Result(None, reason, evidence, [f"{label} (recent)"])
    return None


def _eval_lab_compare(node: LabCompare, facts: PatientFacts) -> Result:
    label = analyte_label(node.analyte)
    blocking = [f for f in node.flags if f in BLOCKING_FLAGS]
    if "missing_comparator" in node.flags and not any(
        f.startswith("comparator_inferred") for f in node.flags
    ):
        blocking.append("missing_comparator")
    if blocking:
        return Result(None, f"criterion defect ({', '.join(blocking)}): {render(node)}", [], [])
    fact = facts.labs.get(node.analyte)
    if fact is None or fact.value is None:
        return Result(None, f"no {label} value in the record", [], [label])
    old = undated_or_stale(fact, label, node.within_days)
    if old is not None:
        return old
    evidence = _lab_evidence(fact, label)
    found = lab_thresholds(node, fact, facts.adult)
    if found is None:
        if isinstance(node.threshold, NormalMultiple):
            return Result(
                None,
                f"{node.threshold.limit} of {label} not known",
                [evidence],
                [f"{label} reference range"],
            )
        return Result(None, f"threshold of {label} could not be converted", [evidence], [])
    low, high = found
    how = _limit_source(node, fact)
    shown_t = shown(low) if low == high else f"{shown(low)}-{shown(high)}"
    evidence.update(op=node.op, threshold=low if low == high else [low, high], limit=how or None)
    met = lab_met(fact, node.op, low, high)
    seen = f"{label} {fact.comparator or ''}{shown(fact.value)} {fact.unit}".rstrip()
    if met is None:
        need = f"{label} reference range" if low != high else f"{label} (exact value)"
        why = f" ({how})" if how else ""
        return Result(None, f"{seen} leaves {node.op} {shown_t} open{why}", [evidence], [need])
    verb = "meets" if met else "does not meet"
    reason = f"{seen} {verb} {node.op} {shown_t} {fact.unit}".rstrip()
    if how:
        reason += f" ({how})"
    if not met and in_band_gap(node, fact.value):
        reason += ": within a unit of the end of a band written in whole numbers"
        return Result(None, reason, [evidence])
    if not met and BELOW_NORMAL_OPEN in node.flags:
        reason += ": below the lower limit, which 'normal' here may not rule out"
        return Result(None, reason, [evidence])
    return Result(met, reason, [evidence])


def in_band_gap(node: LabCompare, value: float) -> bool:
    """Is the value within one written unit past an INTEGER_BAND end ("<= 59": 59 < v < 60)?"""
    t = node.threshold
    if INTEGER_BAND not in node.flags or not isinstance(t, Quantity) or t.canonical is None:
        return False
    if not t.value:
        return False
    step = t.canonical / t.value  # one written unit, in the canonical unit
    if node.op == "<=":
        return bool(t.canonical < value < t.canonical + step)
    if node.op == ">=":
        return bool(t.canonical - step < value < t.canonical)
    return False


def _stale(fact: LabFact) -> bool:
    """Undated, or older than the staleness limit of its kind (scores 60 days, others 30)."""
    limit = STALE_DAYS.get(analytes.get(fact.analyte).kind, DEFAULT_STALE_DAYS)
    return fact.days_old is None or fact.days_old > limit


def _score(
    facts: PatientFacts, scale: str, convert: bool = True
) -> tuple[tuple[float, float] | None, LabFact | None, str]:
    """The patient's score on a scale, as an interval; from the other performance scale when
    `convert` (not where the criterion names both: "ECOG 0-1 or Karnofsky > 70" pairs them in
    its own way, which a conversion table may contradict)."""
    fact = facts.labs.get(scale)
    if fact is not None and fact.value is not None:
        if _stale(fact):
            return None, fact, " (stale)"
        return (fact.value, fact.value), fact, ""
    if not convert:
        return None, None, ""
    if scale == "karnofsky":
        ecog = facts.labs.get("ecog")
        if ecog is not None and ecog.value is not None and _stale(ecog):
            return None, ecog, " (stale)"
        if ecog is not None and ecog.value is not None and int(ecog.value) in ECOG_TO_KARNOFSKY:
            low, high = ECOG_TO_KARNOFSKY[int(ecog.value)]
            return (float(low), float(high)), ecog, f" (from ECOG {shown(ecog.value)})"
    if scale == "ecog":
        kps = facts.labs.get("karnofsky")
        if kps is not None and kps.value is not None and _stale(kps):
            return None, kps, " (stale)"
        if kps is not None and kps.value is not None:
            for grade, (low, high) in ECOG_TO_KARNOFSKY.items():
                if low <= kps.value <= high:
                    return (
                        (float(grade), float(grade)),
                        kps,
                        f" (from Karnofsky {shown(kps.value)})",
                    )
    return None, None, ""


def _eval_score_compare(node: ScoreCompare, facts: PatientFacts) -> Result:
    label = analyte_label(node.scale)
    if any(f in BLOCKING_FLAGS for f in node.flags):
        return Result(None, f"criterion defect: {render(node)}", [], [])
    interval, fact, via = _score(facts, node.scale, SCALES_PAIRED not in node.flags)
    if interval is None and fact is not None:
        old = undated_or_stale(fact, analyte_label(fact.analyte))
        assert old is not None
        return Result(None, old.reason, old.evidence, [f"{label} (recent)"])
    if interval is None or fact is None:
        return Result(None, f"no {label} score in the record", [], [label])
    evidence = [_lab_evidence(fact, label) | {"op": node.op, "threshold": node.value}]
    low_ok, high_ok = (
        compare(interval[0], node.op, node.value),
        compare(interval[1], node.op, node.value),
    )
    seen = (
        f"{label} {shown(interval[0])}"
        if interval[0] == interval[1]
        else f"{label} {shown(interval[0])}-{shown(interval[1])}"
    )
    if low_ok != high_ok:
        return Result(
            None, f"{seen}{via} leaves {node.op} {shown(node.value)} open", evidence, [label]
        )
    return Result(
        low_ok,
        f"{seen}{via} {'meets' if low_ok else 'does not meet'} {node.op} {shown(node.value)}",
        evidence,
    )


_UNIT_DAYS = AGE_UNIT_DAYS


def _age_rule(age: float, op: str, bound: float) -> bool | None:
    """Age in a unit against a bound in that unit. A whole bound compares completed units
    ("<= 65 years" includes 65 years and 11 months); "older than 18" is open for a patient of
    18 completed years (it is written both for "18 and over" and for "over 18")."""
    # the bound is kept in years (to 9 places), so "119 months" comes back as 119.000000004
    if abs(bound - round(bound)) > 1e-6 * max(1.0, abs(bound)):
        return compare(age, op, bound)
    completed, whole = math.floor(age + 1e-9), round(bound)
    if op == ">" and completed == whole:
        return None
    return compare(completed, op, whole)


def age_met(facts: PatientFacts, op: str, years: float, unit: str) -> tuple[bool | None, float]:
    """Whether the patient's age meets the bound, and the age shown (in the bound's unit)."""
    span = facts.age_in(unit)
    assert span is not None
    bound = years * 365.25 / _UNIT_DAYS[unit]
    answers = {_age_rule(x, op, bound) for x in span}
    return (answers.pop() if len(answers) == 1 else None), span[0]


def _eval_age_compare(node: AgeCompare, facts: PatientFacts) -> Result:
    if facts.age_in(node.unit) is None:
        return Result(None, "age not known", [], ["birth date or age"])
    met, age = age_met(facts, node.op, node.years, node.unit)
    bound = node.years * 365.25 / _UNIT_DAYS[node.unit]
    ev = {
        "item": "age",
        "value": round(age, 3),
        "unit": node.unit,
        "op": node.op,
        "threshold": bound,
    }
    if met is None:
        return Result(
            None,
            f"age {shown(math.floor(age))} {node.unit} leaves {node.op} {shown(bound)} "
            f"{node.unit} open",
            [ev],
            ["birth date or age"],
        )
    return Result(
        met,
        f"age {shown(math.floor(age))} {node.unit} {'meets' if met else 'does not meet'} "
        f"{node.op} {shown(bound)} {node.unit}",
        [ev],
    )


def _eval_life_expectancy(node: LifeExpectancy, facts: PatientFacts) -> Result:
    months = facts.patient.life_expectancy_months
    if months is None:
        return Result(None, "life expectancy not in the record", [], ["life expectancy"])
    met = compare(months, node.op, node.months)
    ev = {
        "item": "life expectancy",
        "value": months,
        "unit": "months",
        "op": node.op,
        "threshold": node.months,
    }
    return Result(
        met,
        f"life expectancy {shown(months)} months {'meets' if met else 'does not meet'} "
        f"{node.op} {shown(node.months)}",
        [ev],
    )


def measure_unread(node: MeasureCompare) -> str:
    """Why a measurement no lexicon holds is unknown (one wording for both evaluators)."""
    return f"{node.measure!r} is a measurement the vocabulary does not hold: not read from a record"


def _eval_measure_compare(node: MeasureCompare, facts: PatientFacts) -> Result:
    return Result(None, measure_unread(node), [], [node.measure])


def _eval_sex_is(node: SexIs, facts: PatientFacts) -> Result:
    sex = facts.patient.sex
    if sex is None or sex == "unknown":
        return Result(None, "sex not known", [], ["sex"])
    met = sex == node.sex
    return Result(met, f"patient is {sex}", [{"item": "sex", "value": sex}])


def _fact_evidence(fact: ConceptFact) -> dict[str, Any]:
    shown = {
        "item": fact.label,
        "concept": fact.concept,
        "status": fact.status,
        "first": fact.first.isoformat() if fact.first else None,
        "last": fact.last.isoformat() if fact.last else None,
        "grade": fact.grade,
        "source": fact.source,
    }
    if fact.reason is not None:  # what a treatment was given for
        shown["reason"] = fact.reason
    return shown


class ConceptWant(Protocol):
    """What `_fact_matches` reads of a HasConcept (the hot path passes a lighter object)."""

    @property
    def timing(self) -> str: ...
    @property
    def within_days(self) -> float | None: ...
    @property
    def grade_op(self) -> str | None: ...
    @property
    def grade(self) -> int | None: ...
    @property
    def indication(self) -> str | None: ...
    @property
    def by_test(self) -> bool: ...
    @property
    def stages(self) -> tuple[str, ...]: ...
    @property
    def concept(self) -> str: ...


# A generic class met only by a kind the trial may not mean is untold (unknown), never decided:
# "No active infection" by HIV on treatment or hepatitis B carriage (review 27), by latent EBV or
# CMV (review 28); "biologic therapy" by a growth factor given as supportive care (G-CSF, ESA),
# which old NCI lists count and most trials do not (review 28)
_UNTOLD_KINDS: dict[str, tuple[str, ...]] = {
    "infection": ("hiv_infection", "hepatitis_b", "hepatitis_c", "htlv_infection"),
    "biologic_therapy": ("hematopoietic_growth_factor",),
}
_UNTOLD_KINDS["systemic_infection"] = _UNTOLD_KINDS["infection"]
_UNTOLD_KINDS["viral_infection"] = (
    *_UNTOLD_KINDS["infection"],
    "ebv_infection",
    "cytomegalovirus_infection",
)
_UNTOLD_KINDS["infection"] = _UNTOLD_KINDS["viral_infection"]
_UNTOLD_KINDS["systemic_infection"] = _UNTOLD_KINDS["viral_infection"]


def chronic_under_generic(node: ConceptWant, fact: ConceptFact) -> bool:
    """Is the entry a kind the generic class may not mean (a chronic or latent viral infection
    under "infection", a growth factor under "biologic therapy"), matched only through it?"""
    kinds = _UNTOLD_KINDS.get(node.concept)
    return (
        kinds is not None
        and fact.concept not in _UNTOLD_KINDS
        and concepts.known(fact.concept)
        and any(concepts.is_a(fact.concept, k) for k in kinds)
    )


def _fact_matches(node: ConceptWant, fact: ConceptFact, facts: PatientFacts) -> bool | None:
    """Does one record entry satisfy the node's timing, window and grade? None if undecidable."""
    if chronic_under_generic(node, fact):
        return None
    if (
        fact.status in _ENDED
        and _is_infection(fact.concept)
        and (node.by_test or (node.timing in _ANY_TIME and node.within_days is None))
    ):
        # a cleared or cured infection: "HCV negative" names a test that stays positive after a
        # cure, and a bare "Hepatitis C" may mean now or ever; neither is settled by it
        return None
    if (
        node.timing == "unstated"
        and node.within_days is None
        and node.indication is None
        and fact.status in _OVER
    ):
        # a bare mention ("Pregnancy.", "Anemia", "Smoker", "Warfarin") with no word saying
        # now or ever: an entry that has ended may be what it means, or not
        return None
    if fact.status == "suspected":
        return None  # suspected, not confirmed: it may or may not be there
    checks: list[bool | None] = []
    if node.timing == "current" and node.within_days is None:  # a window says when instead
        now = fact.ongoing or fact.status == "active"
        checks.append(True if now else (None if fact.status == STARTED else False))
    if node.within_days is not None:
        if fact.ongoing and _is_condition(fact.concept) and _began_before(fact, node, facts):
            # a myocardial infarction "active" since 2015 against "within 6 months": an event
            # that began long before the window, still listed, says nothing of a new one
            checks.append(None)
        elif fact.ongoing:
            checks.append(True)
        elif fact.last is None:  # no known end: a start inside the window still decides
            started = fact.first is not None and (facts.as_of - fact.first).days <= node.within_days
            checks.append(True if started else None)
        else:
            inside = (facts.as_of - fact.last).days <= node.within_days + REL_TOL
            began = fact.first is not None and (facts.as_of - fact.first).days > node.within_days
            if inside and began and _is_condition(fact.concept):
                # a stroke that began 8 months ago and "resolved" 5 months ago, against "within
                # 6 months": the event, or its end? (a course of treatment given in the window
                # is in it)
                checks.append(None)
            else:
                checks.append(inside)
    if node.grade is not None and node.grade_op is not None:
        checks.append(
            None if fact.grade is None else compare(fact.grade, node.grade_op, node.grade)
        )
    if node.indication is not None:
        checks.append(given_for(node.indication, fact, facts))
    if node.stages:
        checks.append(_stage_now(node.stages, fact, facts))
    if False in checks:
        return False
    return None if None in checks else True


_ENDED = frozenset({"resolved", "history"})
_ANY_TIME = frozenset({"any", "unstated"})
_OVER = frozenset({"resolved", "history", "completed", "stopped", "remission", "inactive"})


def _began_before(fact: ConceptFact, node: ConceptWant, facts: PatientFacts) -> bool:
    """Did the entry begin before the node's window (and is that known)?"""
    window = node.within_days
    return (
        window is not None and fact.first is not None and (facts.as_of - fact.first).days > window
    )


@lru_cache(maxsize=4096)
def _is_condition(concept_id: str) -> bool:
    return concepts.known(concept_id) and concepts.get(concept_id).category == "condition"


@lru_cache(maxsize=4096)
def _is_infection(concept_id: str) -> bool:
    return concepts.known(concept_id) and concepts.is_a(concept_id, "infection")


def _stage_now(stages: tuple[str, ...], fact: ConceptFact, facts: PatientFacts) -> bool | None:
    """Is the condition in one of these stages now? Not known for a condition that has ended
    (its stage was then), nor for a stage below IV beside metastases on record (the recorded
    stage may be the one at diagnosis)."""
    if fact.status in ("resolved", "history"):
        return None
    met = stage_in(stages, fact.stage)
    if met is None or fact.stage is None or fact.stage[0] == 4:
        return met
    spread = any(f.status != "absent" for f in facts.concepts.get("metastatic_disease", []))
    return None if spread else met


def given_for(indication: str, fact: ConceptFact, facts: PatientFacts) -> bool | None:
    """Was this treatment given for the indication (or a kind of it)? Yes when its recorded
    reason is a kind of it. Otherwise no only where the patient never had the condition (known
    absent) or the treatment ended before it began; else None. A reason of another name is no
    proof: "breast cancer" may have been metastatic by then ("for metastatic disease")."""
    if fact.reason is not None and indication in concept_ancestors(fact.reason):
        return True
    had = facts.concepts.get(indication, [])
    if not had:
        return None
    present = [f for f in had if f.status != "absent"]
    if not present:
        return False
    # a drug or therapy that ended well before the condition began; only entries of the
    # condition itself say when it began (a "metastatic breast cancer" of 2025 is not when
    # "breast cancer" began); never a procedure: a resection often comes before the diagnosis
    # it establishes
    if (
        fact.last is not None
        and concepts.known(fact.concept)
        and concepts.get(fact.concept).category in ("drug", "drug_class", "treatment")
        and all(f.concept == indication for f in present)
        and all(f.first is not None and (f.first - fact.last).days > _MARGIN for f in present)
    ):
        return False
    return None


_MARGIN = 30  # days between the end of a drug and the onset it could not have been given for


# treatments named for their use against cancer: a drug of such a class given for another
# condition on record (methotrexate for rheumatoid arthritis, hydroxyurea for sickle cell
# disease) may not be what a criterion about them means
ANTICANCER = frozenset({"chemotherapy", "anticancer_therapy"})


def other_use(concept: str, facts: PatientFacts) -> bool:
    """Is a drug filed under an anticancer class on record as given for something else?"""
    return concept in ANTICANCER and any(
        f.concept != concept
        and f.status != "absent"
        and f.reason is not None
        and not concepts.is_a(f.reason, "cancer")
        for f in facts.concepts.get(concept, ())
    )


def excepted(node: HasConcept, fact: ConceptFact) -> bool | None:
    """Is a record entry one of the kinds the node leaves out ("other than X")? None when the
    entry is broader than an excepted kind ("skin cancer" against "except basal cell
    carcinoma"): it may be that kind or another; None too for a drug of an anticancer class
    given, by the record, for something other than a cancer."""
    if (
        node.concept in ANTICANCER
        and node.indication is None  # "for breast cancer": what it was given for decides
        and fact.concept != node.concept
        and fact.reason is not None
        and not concepts.is_a(fact.reason, "cancer")
    ):
        return None
    if not node.except_concepts:
        return False
    if any(e in concept_ancestors(fact.concept) for e in node.except_concepts):
        # "except adequately treated basal cell carcinoma": was it? the record does not say
        return None if node.except_qualifier else True
    if any(concepts.overlaps(fact.concept, e) for e in node.except_concepts):
        return None  # broader than an excepted kind, or may be one ("melanoma": of the skin?)
    return False


# qualifiers a record entry's own name can state ("acute pancreatitis", "uncontrolled
# hypertension"); never a judgement ("significant", "serious", "major") or a time ("recent")
_STATED = frozenset(
    "acute chronic severe moderate uncontrolled symptomatic unstable untreated intractable "
    "progressive refractory relapsed recurrent unresectable inoperable".split()
    + ["poorly controlled"]
)
_WORDS = "|".join(sorted((re.escape(w) for w in _STATED), key=len, reverse=True))
_RUN = rf"(?:{_WORDS})(?:\s+(?:on\s+)?(?:{_WORDS}))*"
# "acute pancreatitis", "acute on chronic pancreatitis", "pancreatitis, acute": the qualifier
# words and the rest of the name
_QUALIFIED_NAME = re.compile(
    rf"(?i)^(?P<run>{_RUN})\s+(?P<rest>.+)$|^(?P<rest2>.+?),\s*(?P<run2>{_RUN})$"
)


@lru_cache(maxsize=4096)
def _stated(label: str, concept_id: str) -> frozenset[str]:
    """The qualifiers an entry's own name states: only a name that is qualifier words and the
    entry's concept ("acute pancreatitis", "pancreatitis, acute"), nothing else. "history of
    acute pancreatitis", "uncontrolled hypertension, now controlled", "type 2 diabetes with
    uncontrolled hypertension", "moderately severe ...", "severe acute respiratory syndrome
    coronavirus 2 infection", "r/o acute pancreatitis" state nothing (review 28)."""
    found = _QUALIFIED_NAME.match(" ".join(label.split()).rstrip(".;"))
    if found is None:
        return frozenset()
    run = found.group("run") or found.group("run2")
    rest = found.group("rest") or found.group("rest2")
    named = concepts.lookup(rest)
    if named is None or named.id != concept_id:
        return frozenset()
    return frozenset(w for w in _STATED if re.search(rf"(?i)\b{re.escape(w)}\b", run))


def _named_in(qualifier: str, stated: frozenset[str]) -> bool:
    """Does the entry's name say the qualifier ("acute or chronic": either word)?"""
    parts = [p.strip() for p in re.split(r"\s+(?:or|to|and/or)\s+|/", qualifier)]
    return all(p in _STATED for p in parts) and any(p in stated for p in parts)


def qualifiers_met(node: HasConcept, fact: ConceptFact, facts: PatientFacts) -> bool:
    """Does a present entry meet every qualifier the node carries? A record states one in the
    entry's own name ("acute pancreatitis" is acute; "non-severe asthma" says nothing). Besides,
    only "advanced" can be told from a record: a cancer at stage IV, or with active metastases
    on a record that holds no other cancer, is advanced (an earlier stage may have been the
    stage at diagnosis: not told). Every other qualifier is one the record does not state."""
    stated = _stated(fact.label, fact.concept)
    if stated and all(_named_in(q, stated) for q in node.qualifiers):
        return True
    if node.qualifiers != ("advanced",) or "cancer" not in concept_ancestors(fact.concept):
        return False
    if fact.stage is not None and fact.stage[0] == 4:
        return True
    metastases = [
        f
        for f in facts.concepts.get("metastatic_disease", ())
        if f.status == "active"  # now: not resolved, past or suspected ones
    ]
    primaries = {
        f.concept
        for f in facts.concepts.get("cancer", ())
        if f.status != "absent" and "metastatic_disease" not in concept_ancestors(f.concept)
    }
    # whose metastases? only where this is the one cancer on record (review 20)
    return bool(metastases) and primaries == {fact.concept}


def qualified_match(
    node: HasConcept, present: list[ConceptFact], verdicts: list[bool | None], facts: PatientFacts
) -> bool:
    """Is some matching entry known to meet the node's qualifiers too (both evaluators)?"""
    return any(
        v is True and qualifiers_met(node, f, facts) for f, v in zip(present, verdicts, strict=True)
    )


def _eval_has_concept(node: HasConcept, facts: PatientFacts) -> Result:
    label = concept_label(node.concept)
    found = facts.concepts.get(node.concept, [])
    if not found:
        return Result(None, f"record does not mention {label}", [], [f"{label} status"])
    evidence = [_fact_evidence(f) for f in found]
    present = [f for f in found if f.status != "absent"]
    if not present:
        return Result(False, f"{label} known absent", evidence)
    broader = False
    if node.except_concepts or node.concept in ANTICANCER:
        kinds = [excepted(node, f) for f in present]
        broader = None in kinds
        present = [f for f, kind in zip(present, kinds, strict=True) if kind is False]
        if not present:  # only the excepted kinds (or broader ones) on record
            why = f"only {label} of the excepted kinds (or broader) on record"
            return Result(None, why, evidence, [f"other {label} status"])
    verdicts = [_fact_matches(node, f, facts) for f in present]
    if True in verdicts:
        if node.qualifiers and not qualified_match(node, present, verdicts, facts):
            quals = " ".join(node.qualifiers)
            return Result(
                None,
                f"{label} present; the record cannot tell whether it is {quals}",
                evidence,
                [f"whether {label} is {quals}"],
            )
        which = present[verdicts.index(True)]
        given = ""
        if node.indication is not None:
            given = f" for {concept_label(node.indication)}"
            if which.reason is not None:
                given += f" (given for {concept_label(which.reason)})"
        if node.stages:
            given += f" at stage {stage_name(which.stage) if which.stage else '?'}"
        return Result(True, f"{label}{given} present ({which.label})", evidence)
    if None in verdicts:
        if node.indication is not None:
            what = concept_label(node.indication)
            why = f"{label} present; the record does not tell whether it was given for {what}"
            return Result(None, why, evidence, [f"what {label} was given for"])
        if node.stages:
            why = (
                f"{label} present; the record does not tell whether it is {stage_text(node.stages)}"
            )
            return Result(None, why, evidence, [f"{label} stage"])
        chronic = [f for f in present if chronic_under_generic(node, f)]
        if chronic and all(v is None for v in verdicts):
            why = f"{chronic[0].label} on record: whether '{label}' here means it is not told"
            return Result(None, why, evidence, [f"whether {chronic[0].label} counts as {label}"])
        return Result(
            None,
            f"{label} present but its date or grade is not recorded",
            evidence,
            [f"{label} date/grade"],
        )
    if broader:
        why = f"{label} on record may be an excepted kind or another"
        return Result(None, why, evidence, [f"other {label} status"])
    if class_left_open(node, present):
        why = f"only other {label} on record ({', '.join(f.label for f in present)}), not now"
        return Result(None, why, evidence, [f"other {label} status"])
    return Result(False, f"{label} in the record, but not {render(node)}", evidence)


def class_left_open(node: HasConcept, present: list[ConceptFact]) -> bool:
    """ "Active infection" with only a cystitis that ended on record: that one is not current,
    but the record says nothing of any other infection, so the class stays open. A condition
    named itself ("Active headache", a headache resolved) is settled by its entry."""
    if node.timing != "current" and node.within_days is None:
        return False
    return _is_condition(node.concept) and all(f.concept != node.concept for f in present)


def since_last(present: list[ConceptFact], as_of: dt.date) -> tuple[int, bool] | None:
    """Days since the most recent of these entries ended, and whether that is exact.

    An entry with only a start (no known end) ended at most `as_of - start` days ago: when all
    such starts are known, the smallest of those bounds and the known ends gives an upper
    bound (exact False). None when a date is missing altogether.
    """
    ended = [(as_of - f.last).days for f in present if f.last is not None]
    open_ = [f for f in present if f.last is None]
    if not open_:
        return min(ended), True
    starts = [(as_of - f.first).days for f in open_ if f.first is not None]
    if len(starts) != len(open_):
        return None
    return min([*ended, *starts]), False


def which_one_open(present: list[ConceptFact], as_of: dt.date, op: str, days: float) -> bool:
    """ "No more than 90 days since biopsy" with two biopsies, one 20 and one 153 days ago:
    which one the text means (the diagnostic one?) is not said, so where the entries disagree
    the bound is open. ("At least 4 weeks since chemotherapy" means since the last: not so.)"""
    if op not in ("<", "<=") or len(present) < 2:
        return False
    each = {since_met(s, op, days) for f in present if (s := since_last([f], as_of)) is not None}
    return len(each) > 1 or None in each


def since_met(since: tuple[int, bool], op: str, days: float) -> bool | None:
    """`time since op days`, where an inexact time since is only an upper bound."""
    value, exact = since
    met = compare(value, op, days)
    if exact:
        return met
    if op in (">", ">="):
        return False if not met else None  # the real time since is no longer than this
    return True if met else None


def lasted(
    present: list[ConceptFact], as_of: dt.date, op: str, days: float, current: bool
) -> tuple[bool | None, int | None]:
    """Did it last `op days` (each episode from its onset or start to its end, or to `as_of`
    while it goes on)? With the longest duration known. "At least N": one episode that long
    is enough; episodes that each fall short but together would not are unknown (one course,
    or several?). "Less than N": every episode, and all of them together, must be shorter
    (several short courses may be one long exposure). `current`: only what goes on now counts.
    An entry without a start is unknown; one that ended on an unknown date lasted at most
    until `as_of`."""
    if current:
        if any(f.status == STARTED for f in present):  # it may still go on, or not
            return None, None
        present = [f for f in present if f.ongoing]
        if not present:
            return False, None
    verdicts: list[bool | None] = []
    longest: int | None = None
    total = 0  # the most all episodes together could have lasted
    for f in present:
        if f.first is None or not f.course_known:
            verdicts.append(None)
            total = 10**9
            continue
        end = as_of if f.ongoing else f.last
        span = (min(end, as_of) - f.first).days if end is not None else (as_of - f.first).days
        span = max(span, 0)
        total += span
        if end is None:  # ended, when is not recorded: at most until now
            verdicts.append(None if compare(span, op, days) else False)
            continue
        longest = span if longest is None else max(longest, span)
        verdicts.append(compare(span, op, days))
    if op in ("<", "<="):  # shorter than: no episode, nor all together, reaches the bound
        if False in verdicts:
            return False, longest
        if None in verdicts or (len(present) > 1 and not compare(total, op, days)):
            return None, longest
        return True, longest
    if True in verdicts:
        return True, longest
    if None in verdicts or (len(present) > 1 and compare(total, op, days)):
        return None, longest
    return False, longest


def began(present: list[ConceptFact], as_of: dt.date, op: str, days: float) -> bool | None:
    """Did it first begin `op days` ago ("more than", "at least")? From the earliest entry: a
    chronic condition does not begin again when it progresses or is recorded again (AIDS in
    2026 under HIV since 2010), and a relapse does not undo an old diagnosis. An entry without a
    date may be the earliest: unknown unless a dated one already meets the bound."""
    verdicts = [
        None if f.first is None else compare((as_of - f.first).days, op, days) for f in present
    ]
    if True in verdicts:
        return True
    return None if None in verdicts else False


def _eval_concept_onset(node: ConceptOnset, facts: PatientFacts) -> Result:
    label = concept_label(node.concept)
    want = f"began {node.op} {shown(node.days)} days ago"

    def measure(present: list[ConceptFact]) -> tuple[bool | None, str]:
        met = began(present, facts.as_of, node.op, node.days)
        if met is None:
            return None, f"when {label} began is not recorded ({want})"
        return met, f"{label} {'' if met else 'not '}{want}"

    return _timed(node.concept, node.qualifiers, facts, measure)


def _eval_concept_duration(node: ConceptDuration, facts: PatientFacts) -> Result:
    label = concept_label(node.concept)
    want = f"{node.op} {shown(node.days)} days"

    def measure(present: list[ConceptFact]) -> tuple[bool | None, str]:
        met, longest = lasted(present, facts.as_of, node.op, node.days, node.current)
        if met is None:
            return None, f"how long {label} lasted is not recorded ({want})"
        told = f"{label} lasted {longest} days" if longest is not None else f"{label} not ongoing"
        return met, f"{told}: {'meets' if met else 'does not meet'} {want}"

    return _timed(node.concept, node.qualifiers, facts, measure)


def _timed(
    concept: str,
    qualifiers: tuple[str, ...],
    facts: PatientFacts,
    measure: Callable[[list[ConceptFact]], tuple[bool | None, str]],
) -> Result:
    """How long it lasted / how long ago it began (fastpath._timed_plan is the same): it must
    be there (known absent: not met); met by an entry whose qualifiers the record cannot check
    is unknown."""
    label = concept_label(concept)
    found = facts.concepts.get(concept, [])
    if not found:
        return Result(None, f"record does not mention {label}", [], [f"{label} status"])
    evidence = [_fact_evidence(f) for f in found]
    present = [f for f in found if f.status != "absent"]
    if not present:
        return Result(False, f"no {label} (known absent)", evidence)
    met, why = measure(present)
    if met is None:
        return Result(None, why, evidence, [f"{label} dates"])
    if met and qualifiers:
        quals = " ".join(qualifiers)
        return Result(
            None,
            f"{why}; whether it was {quals} is not recorded",
            evidence,
            [f"whether {label} is {quals}"],
        )
    return Result(met, why, evidence)


def _eval_regimen_count(node: RegimenCount, facts: PatientFacts) -> Result:
    """How many regimens of a kind (fastpath._plan_regimen_count is the same): the record's
    count, or the interval the record bounds it to (facts.regimens_between)."""
    label = regimen_label(node)
    low, high, basis = regimens_between(facts, node.concept, narrowed(node))
    evidence: list[dict[str, Any]] = []
    if isinstance(basis, tuple):  # the record's count
        evidence.append(
            {"item": f"{basis[0]}: {basis[1]} prior regimens", "source": "prior_regimens"}
        )
    elif basis is not None:  # a completed course, or recorded as never received
        never = " (never received)" if basis.status == "absent" else ""
        evidence.append({"item": f"{basis.label}{never}", "source": basis.source})
    want = f"{node.op} {node.count}"
    met = count_met(low, high, node.op, node.count)
    if low == high:
        had = f"{low} prior {label}"
    elif math.isinf(high):
        had = f"at least {low} prior {label}" if low else f"number of prior {label} not recorded"
    else:
        had = f"between {low} and {int(high)} prior {label}"
    if met is None:
        return Result(None, f"{had}: cannot tell {want}", evidence, [regimen_need(label)])
    return Result(met, f"{had}: {'meets' if met else 'does not meet'} {want}", evidence)


def count_met(low: int, high: float, op: str, bound: int) -> bool | None:
    """A count known only to lie in [low, high] against a bound: decided where every count
    in the interval gives the same answer."""
    if op == "==":
        if low == high:
            return low == bound
        return None if low <= bound <= high else False
    ends = {_count_compare(low, op, bound), _count_compare(high, op, bound)}
    return ends.pop() if len(ends) == 1 else None


def _count_compare(value: float, op: str, bound: int) -> bool:
    """Whole counts (and an unbounded end, inf) against a bound: exact, no float tolerance."""
    return {"<": value < bound, "<=": value <= bound, ">": value > bound, ">=": value >= bound}[op]


def narrowed(node: RegimenCount) -> bool:
    """Only some of the regimens of the kind count ("standard", "for metastatic disease"),
    which the record does not tell apart."""
    return bool(node.qualifiers or node.indication)


def regimen_need(label: str) -> str:
    return f"number of prior {label}"


def _eval_time_since(node: TimeSince, facts: PatientFacts) -> Result:
    result = _time_since(node, facts)
    present = any(f.status != "absent" for f in facts.concepts.get(node.concept, []))
    label = concept_label(node.concept)
    if node.qualifiers and result.met is qualified_unknown(node.op) and present:
        quals = " ".join(node.qualifiers)
        why = f"{result.reason}; whether that {label} was {quals} is not recorded"
        return Result(None, why, result.evidence, [f"whether {label} is {quals}"])
    if result.met is qualified_unknown(node.op) and other_use(node.concept, facts):
        why = f"{result.reason}; but a {label} on record was given for another condition"
        return Result(None, why, result.evidence, [f"whether the {label} was for cancer"])
    if node.recovered and result.met is True and present:
        why = f"{result.reason}; recovery from its toxic effects is not recorded"
        return Result(None, why, result.evidence, [recovery_need(node.concept)])
    return result


def recovery_need(concept: str) -> str:
    """What decides "... since X and recovered" once enough time has passed."""
    return f"whether the patient recovered from the toxic effects of {concept_label(concept)}"


def qualified_unknown(op: str) -> bool:
    """The answer a "time since" gives that may rest on an entry without the qualifier: for
    "at least N since systemic X", a recent X that may not be systemic (False); for "less than
    N since", a recent one (True)."""
    return op not in (">", ">=")


def _time_since(node: TimeSince, facts: PatientFacts) -> Result:
    label = concept_label(node.concept)
    found = facts.concepts.get(node.concept, [])
    if not found:
        return Result(None, f"record does not mention {label}", [], [f"{label} dates"])
    evidence = [_fact_evidence(f) for f in found]
    present = [f for f in found if f.status != "absent"]
    if not present:  # "at least N since X": none at all is long enough; "less than N": not
        return Result(node.op in (">", ">="), f"no {label} (known absent)", evidence)
    if any(f.ongoing for f in present):
        days = 0
    else:
        since = since_last(present, facts.as_of)
        if since is None:
            return Result(None, f"date of {label} not recorded", evidence, [f"{label} dates"])
        days, exact = since
        met = since_met(since, node.op, node.days)
        if met is not None and which_one_open(present, facts.as_of, node.op, node.days):
            return Result(
                None,
                f"{len(present)} entries of {label}, which disagree on {node.op} "
                f"{shown(node.days)} days; which one is meant is not said",
                evidence,
                [f"which {label} is meant"],
            )
        if met is None:
            return Result(
                None,
                f"{label} ended at most {days} days ago (only its start is recorded)",
                evidence,
                [f"{label} dates"],
            )
        if not exact:
            return Result(
                met,
                f"at most {days} days since {label} (started then): "
                f"{'meets' if met else 'does not meet'} {node.op} {shown(node.days)} days",
                evidence,
            )
    met = compare(days, node.op, node.days)
    return Result(
        met,
        f"{days} days since {label} {'meets' if met else 'does not meet'} "
        f"{node.op} {shown(node.days)} days",
        evidence,
    )


def _eval_biomarker_status(node: BiomarkerStatus, facts: PatientFacts) -> Result:
    """A tumour marker's result (markers.decide_status, shared with the fast path)."""
    d = markers.decide_status(node, facts)
    return Result(d.met, d.reason, d.evidence, d.needs)


def _eval_biomarker_value(node: BiomarkerValue, facts: PatientFacts) -> Result:
    """A tumour marker's value against a bound (markers.decide_value)."""
    d = markers.decide_value(node, facts)
    return Result(d.met, d.reason, d.evidence, d.needs)


def _eval_all_of(node: AllOf, facts: PatientFacts) -> Result:
    results = [evaluate_node(item, facts) for item in node.items]
    if EITHER_OR_BOTH in node.flags:
        return _either_or_both(results)
    return _all(results)


def _either_or_both(results: list[Result]) -> Result:
    """Every item met, or none met; otherwise unknown (the readings "both" and "either"
    disagree)."""
    mets = [r.met for r in results]
    if all(m is True for m in mets) or all(m is False for m in mets):
        return _merge(mets[0], results, "; ")
    merged = _merge(None, results, "; ")
    if None not in mets:
        merged.reason = "only some are met, and the text may mean both or either: " + (
            "; ".join(r.reason for r in results)
        )
    return merged


def _eval_any_of(node: AnyOf, facts: PatientFacts) -> Result:
    return _any([evaluate_node(item, facts) for item in node.items])


def _eval_not(node: Not, facts: PatientFacts) -> Result:
    inner = evaluate_node(node.item, facts)
    met = None if inner.met is None else not inner.met
    return Result(met, inner.reason, inner.evidence, inner.needs)


@lru_cache(maxsize=4096)
def _presence(concept: str) -> HasConcept:
    """The node "has <concept>", built once per concept, not per patient."""
    return HasConcept(concept=concept)


def _eval_conditional(node: Conditional, facts: PatientFacts) -> Result:
    cond = _eval_has_concept(_presence(node.condition), facts)
    if cond.met is True:
        chosen = evaluate_node(node.then, facts)
    elif cond.met is False:
        chosen = evaluate_node(node.otherwise, facts)
    else:
        then, otherwise = evaluate_node(node.then, facts), evaluate_node(node.otherwise, facts)
        if then.met is not None and then.met == otherwise.met:
            return Result(
                then.met,
                f"{otherwise.reason} (either way: {cond.reason})",
                then.evidence + otherwise.evidence + cond.evidence,
            )
        return Result(
            None,
            f"depends on {concept_label(node.condition)}: {cond.reason}",
            then.evidence + otherwise.evidence,
            cond.needs + then.needs + otherwise.needs,
        )
    return Result(
        chosen.met,
        f"{chosen.reason} ({cond.reason})",
        chosen.evidence + cond.evidence,
        chosen.needs,
    )


def _eval_unparsed(node: Unparsed, facts: PatientFacts) -> Result:
    return Result(
        None, f"not computable ({node.reason}); needs a person to check", [], ["manual review"]
    )


def _eval_no_constraint(node: NoConstraint, facts: PatientFacts) -> Result:
    """No constraint: nothing to meet. Its criterion's outcome is `no_constraint` (screening)."""
    return Result(None, f"no constraint: {node.reason}")


EVALUATORS: dict[str, Callable[[Any, PatientFacts], Result]] = {
    name.removeprefix("_eval_"): fn for name, fn in globals().items() if name.startswith("_eval_")
}


def evaluate_node(node: Predicate, facts: PatientFacts) -> Result:
    """Evaluate one predicate node."""
    return EVALUATORS[node.kind](node, facts)
