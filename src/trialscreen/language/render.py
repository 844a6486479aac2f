"""Canonical text for a predicate: short, unambiguous, and parsed back to the same tree.

One function per node kind, named `_render_<kind>`; `render` dispatches on `kind`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from trialscreen.language.stages import stage_text
from trialscreen.language.unnamed import UNNAMED_REASON
from trialscreen.language.values import AFTER_CONCEPT
from trialscreen.lexicon import biomarkers, concepts
from trialscreen.model.predicate import (
    AGE_UNIT_DAYS,
    LINES_OF_THERAPY,
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
    RegimenCount,
    ScoreCompare,
    SexIs,
    TimeSince,
    Unparsed,
)
from trialscreen.units import analytes


def number(value: float) -> str:
    """Shortest text that reads back as the same float ("1500", "2.5")."""
    text = repr(float(value))
    if "e" in text or "E" in text:  # 1e-05 -> 0.00001: the grammar reads plain decimals only
        text = format(Decimal(text), "f")
    return text[:-2] if text.endswith(".0") else text


def _op(op: str) -> str:
    return "=" if op == "==" else op


@lru_cache(maxsize=4096)
def analyte_label(analyte_id: str) -> str:
    """The analyte's display name when the lexicon reads it back, else its id."""
    try:
        info = analytes.get(analyte_id)
    except KeyError:
        return analyte_id
    found = analytes.lookup(info.name)
    return info.name if found is not None and found.id == analyte_id else analyte_id


@lru_cache(maxsize=16384)
def concept_label(concept_id: str) -> str:
    """A phrase the concept lexicon reads back as this concept (free text as written)."""
    if concept_id.startswith("text:"):
        return concept_id.removeprefix("text:")
    try:
        concept = concepts.get(concept_id)
    except KeyError:
        return concept_id
    for phrase in (concept.name.lower(), *concept.synonyms):
        found = concepts.lookup(phrase)
        if found is not None and found.id == concept_id:
            return phrase
    return concept_id


def _threshold(node: LabCompare | MeasureCompare) -> str:
    t = node.threshold
    if isinstance(t, NormalMultiple):
        return f"{number(t.factor)} x {t.limit}"
    return number(t.value) + (f" {t.unit}" if t.unit else "")


def _render_lab_compare(node: LabCompare) -> str:
    text = f"{analyte_label(node.analyte)} {_op(node.op)} {_threshold(node)}"
    return text if node.within_days is None else f"{text} within {duration(node.within_days)}"


def _render_score_compare(node: ScoreCompare) -> str:
    return f"{analyte_label(node.scale)} {_op(node.op)} {number(node.value)}"


def _render_age_compare(node: AgeCompare) -> str:
    value = round(node.years * 365.25 / AGE_UNIT_DAYS[node.unit], 6)
    return f"age {_op(node.op)} {number(value)} {node.unit}"


def duration(days: float) -> str:
    """Days in the largest unit that holds them whole: "6 months", "2 weeks", "30 days"."""
    for unit in ("years", "months", "weeks"):
        value = days / AGE_UNIT_DAYS[unit]
        if value >= 1 and abs(value - round(value)) < 1e-6:
            return f"{number(round(value))} {unit if round(value) > 1 else unit[:-1]}"
    return f"{number(days)} days"


def _render_life_expectancy(node: LifeExpectancy) -> str:
    """In months, or in the weeks or days it was written in ("12 weeks", not 2.76 months)."""
    for unit in ("months", "weeks", "days"):
        value = node.months * AGE_UNIT_DAYS["months"] / AGE_UNIT_DAYS[unit]
        if abs(value - round(value)) < 1e-6:
            return f"life expectancy {_op(node.op)} {number(round(value))} {unit}"
    return f"life expectancy {_op(node.op)} {number(node.months)} months"


def _render_measure_compare(node: MeasureCompare) -> str:
    return f"{node.measure} {_op(node.op)} {_threshold(node)}"


def _render_sex_is(node: SexIs) -> str:
    return node.sex


def _render_has_concept(node: HasConcept) -> str:
    after = [q for q in node.qualifiers if q.startswith(AFTER_CONCEPT)]  # "requiring therapy"
    words = [q for q in node.qualifiers if q not in after]
    if node.timing == "history":
        words.append("history of")
    elif node.timing == "current":
        words.append("current")
    elif node.timing == "any":  # said so: now or before ("unstated" says nothing)
        words.append("prior or current")
    if node.stages:
        words.append(stage_text(node.stages))
    words.append(concept_label(node.concept))
    words += after
    if node.grade is not None and node.grade_op is not None:
        words.append(f"grade {_op(node.grade_op)} {node.grade}")
    if node.indication is not None:
        words.append(f"for {concept_label(node.indication)}")
    if node.within_days is not None:
        words.append(f"within {duration(node.within_days)}")
    if node.except_concepts:
        kinds = " or ".join(concept_label(c) for c in node.except_concepts)
        qualifier = f"{node.except_qualifier} " if node.except_qualifier else ""
        words.append(f"other than {qualifier}{kinds}")
    return " ".join(words)


def _render_time_since(node: TimeSince) -> str:
    after = [q for q in node.qualifiers if q.startswith(AFTER_CONCEPT)]
    before = [q for q in node.qualifiers if q not in after]
    what = " ".join((*before, concept_label(node.concept), *after))
    if node.recovered and node.days == 0 and node.op == ">=":
        return f"recovered from {what} (if any)"
    recovered = ", and recovered from it" if node.recovered else ""
    return f"{_op(node.op)} {duration(node.days)} since {what}{recovered}"


def _render_concept_duration(node: ConceptDuration) -> str:
    words = [*node.qualifiers, "current" if node.current else "", concept_label(node.concept)]
    return " ".join(w for w in words if w) + f" for {_op(node.op)} {duration(node.days)}"


def regimen_label(node: RegimenCount) -> str:
    """ "chemotherapy regimens", "regimens" (lines of any kind), "regimens for metastatic
    disease"."""
    what = "" if node.concept == LINES_OF_THERAPY else concept_label(node.concept)
    given = ("for", concept_label(node.indication)) if node.indication else ()
    return " ".join(w for w in (*node.qualifiers, what, "regimens", *given) if w)


def _render_regimen_count(node: RegimenCount) -> str:
    return f"{_op(node.op)} {node.count} prior {regimen_label(node)}"


def marker_label(node: BiomarkerStatus | BiomarkerValue) -> str:
    """A marker's name as criteria write it ("HER2", "Estrogen receptor", "MSI")."""
    return biomarkers.get(node.marker).name


_VARIANT_WORDS = {"del": "deletion", "ins": "insertion", "skip": "skipping", "dup": "duplication"}
_CHANGE_WORDS = {
    "mutation": "mutation",
    "fusion": "rearrangement",
    "amplification": "amplification",
}


def variant_text(key: str) -> str:
    """ "exon19del" -> "exon 19 deletion"; "L858R" as it is."""
    exon = re.fullmatch(r"exon(\d+)(del|ins|skip|dup|mut)", key)
    if exon is None:
        return key
    return f"exon {exon.group(1)} {_VARIANT_WORDS.get(exon.group(2), 'mutation')}"


def _render_biomarker_status(node: BiomarkerStatus) -> str:
    """ "HER2 negative", "EGFR exon 19 deletion or L858R", "ALK rearrangement", "KRAS
    mutation-negative", "germline BRCA1 mutation", "triple-negative"."""
    if node.marker == biomarkers.TRIPLE_NEGATIVE:
        return "triple-negative"
    label = ("germline " if node.germline else "") + marker_label(node)
    if node.variants:
        return f"{label} {' or '.join(variant_text(v) for v in node.variants)}"
    change = _CHANGE_WORDS.get(node.alteration)
    if change is None:  # expression, or any change
        word = "alteration" if node.alteration == "any" and node.result == "positive" else ""
        return f"{label} {word or node.result}"
    return f"{label} {change}" + ("" if node.result == "positive" else "-negative")


def _render_biomarker_value(node: BiomarkerValue) -> str:
    method = f" {node.method}" if node.method else ""
    unit = "" if node.unit is None else node.unit if node.unit == "%" else f" {node.unit}"
    return f"{marker_label(node)}{method} {_op(node.op)} {node.value:g}{unit}"


def _render_concept_onset(node: ConceptOnset) -> str:
    what = " ".join((*node.qualifiers, concept_label(node.concept)))
    return f"{what} {_op(node.op)} {duration(node.days)} ago"  # "varicella >= 6 months ago"


def _concept_like(node: Predicate) -> bool:
    """Does the node's text end in a concept phrase (that a following "and"/"or" would extend)?"""
    return isinstance(node, (HasConcept, TimeSince))


def _join(items: tuple[Predicate, ...], word: str, after_concept: str, bracket: type) -> str:
    out = ""
    for i, item in enumerate(items):
        text = render(item)
        if isinstance(item, bracket):
            text = f"({text})"
        if i:
            out += after_concept if _concept_like(items[i - 1]) else word
        out += text
    return out


def _render_all_of(node: AllOf) -> str:
    return _join(node.items, " and ", " and also ", AnyOf)


def _render_any_of(node: AnyOf) -> str:
    if "bracket_unread" in node.flags and len(node.items) == 2:  # a condition, its bracket
        first, bracket = node.items
        return f"{render(first)} ({render(bracket)})"
    return _join(node.items, " or ", " or else ", AllOf)


def _render_not(node: Not) -> str:
    return f"no ({render(node.item)})"


def _render_conditional(node: Conditional) -> str:
    then = node.then
    if not isinstance(then, LabCompare):
        return (
            f"if {concept_label(node.condition)}: {render(then)}; "
            f"otherwise: {render(node.otherwise)}"
        )
    alt = _threshold(then) if isinstance(then, LabCompare) else render(then)
    alt_op = f"{_op(then.op)} " if isinstance(then, LabCompare) else ""
    return f"{render(node.otherwise)} ({alt_op}{alt} if {concept_label(node.condition)})"


def _render_no_constraint(node: NoConstraint) -> str:
    return f"no constraint ({node.reason})"


def _render_unparsed(node: Unparsed) -> str:
    if node.reason == UNNAMED_REASON:  # "[vascular disease: a class no lexicon holds, ...]"
        return f"[{' '.join(node.text.split())}: {node.reason}]"
    return f"unparsed: {node.reason}"


RENDERERS: dict[str, Callable[[Any], str]] = {
    name.removeprefix("_render_"): fn
    for name, fn in globals().items()
    if name.startswith("_render_")
}


def render(node: Predicate) -> str:
    """The canonical text of a predicate tree."""
    return RENDERERS[node.kind](node)
