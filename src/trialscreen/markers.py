"""How a tumour-marker criterion is decided from the patient's marker results: the one place for
the meaning of `biomarker_status` and `biomarker_value` (evaluate.py explains with it, fastpath.py
plans with it). Each record entry is read once per patient (facts.MarkerFact: its result,
kind of alteration, variant, scoring); here results are only compared, and the words that
explain a decision are made only when asked (`Decision`; the fast path asks for none).

Rules (README, "Tumour markers"):
- A result decides both ways; equivocal, missing, or of another kind of alteration is unknown.
- Receptor and protein status can change between biopsies: the newest result counts; results
  of one date (or undated) that disagree are unknown. A gene alteration found stays found: any
  result showing it counts; it is absent only when every result says so.
- A named variant ("L858R") is met by that variant; a negative test for the alteration rules it
  out; a positive result with no or another variant is unknown (co-mutations are common).
- "germline": only a result of germline origin decides.
- A value decides a status only outside the cutoffs in use (PD-L1 below 1% is negative and at
  50% or more positive for every assay; in between it depends on the assay).
- Hormone receptor: ER or PR positive is positive, both negative is negative (unless the record
  states the hormone receptor status itself); triple-negative: ER, PR and HER2 all negative.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trialscreen.facts import MarkerFact, PatientFacts
from trialscreen.language.render import marker_label, render, variant_text
from trialscreen.lexicon import biomarkers
from trialscreen.lexicon.biomarkers import HORMONE_RECEPTOR, TRIPLE_NEGATIVE
from trialscreen.model.patient import Biomarker
from trialscreen.model.predicate import BiomarkerStatus, BiomarkerValue

TNBC_CONCEPT = "triple_negative_breast_cancer"
Told = tuple[str, list[dict[str, Any]]]  # what the record says, for people; the evidence


@dataclass
class Decision:
    """Whether the marker criterion is met, why, on what, and what would decide it."""

    met: bool | None
    reason: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _State:
    """A marker's status for one question: True (has it), False (has not), None (unknown), and
    how to tell people what it rests on (made only for an explanation)."""

    has: bool | None
    told: Callable[[], Told]


def _shown(item: Biomarker) -> str:
    parts = [item.name]
    if item.variant:
        parts.append(item.variant)
    if item.result:
        parts.append(item.result)
    if item.value is not None:
        parts.append(f"{item.value:g}{item.unit or ''}")
    if item.method:
        parts.append(f"({item.method})")
    if item.origin:
        parts.append(item.origin)
    if item.date:
        parts.append(f"on {item.date.isoformat()}")
    return " ".join(parts)


def _told(found: list[MarkerFact], note: str = "") -> Callable[[], Told]:
    def told() -> Told:
        said = "; ".join(_shown(f.item) for f in found) + note
        return said, [{"item": _shown(f.item), "source": f.item.source or f.label} for f in found]

    return told


def _one(fact: MarkerFact, node: BiomarkerStatus) -> bool | None:
    """What one result says about the alteration (and variants, origin) the criterion names."""
    if fact.result is None:
        return None
    if node.alteration == "any":
        if fact.result == "negative":
            return None  # a negative test of one kind says nothing of the others
    elif fact.alteration != node.alteration:
        return None  # another kind of alteration, or of none the record names
    if node.germline and fact.item.origin != "germline":
        return None
    found = fact.variant
    if fact.result == "negative":
        if fact.item.variant:  # "T790M not detected": that variant only
            if not node.variants or found is None:
                return None
            if not all(biomarkers.variant_covers(v, found) for v in node.variants):
                return None
        return False
    if node.variants:
        if found is None or not any(biomarkers.variant_covers(v, found) for v in node.variants):
            return None
    return True


def _newest(found: list[MarkerFact]) -> list[MarkerFact]:
    """The results of the newest date (undated ones only if none is dated)."""
    dated = [f for f in found if f.item.date is not None]
    if not dated:
        return list(found)
    last = max(f.item.date or dt.date.min for f in dated)
    return [f for f in dated if f.item.date == last]


def _simple(facts: PatientFacts, marker_id: str, node: BiomarkerStatus) -> _State:
    found = facts.markers.get(marker_id, [])
    if not found:
        name = biomarkers.get(marker_id).name
        return _State(None, lambda: (f"no {name} result in the record", []))
    says = [(f, _one(f, node)) for f in found]
    if biomarkers.get(marker_id).kind == "gene":  # an alteration found stays found
        hits = [f for f, a in says if a is True]
        if hits:
            return _State(True, _told(hits[:1]))
        has = False if all(a is False for _, a in says) else None
        return _State(has, lambda: (_shown(found[-1].item), _told(found)()[1]))
    newest = _newest(found)
    latest = {id(f) for f in newest}
    # results that say nothing here (equivocal, another kind) give way to those that do: an
    # equivocal IHC and a negative FISH of one day is negative
    answers = {a for f, a in says if a is not None and id(f) in latest}
    if len(answers) <= 1:
        return _State(answers.pop() if answers else None, _told(newest))
    return _State(None, _told(newest, " (results disagree)"))


def _agree(stated: _State | None, parts: _State) -> _State:
    """A result stated for the whole beside its parts' results: one answer if they agree (or
    one side says nothing), else unknown."""
    if stated is None:
        return parts
    answers = {x.has for x in (stated, parts) if x.has is not None}

    def told() -> Told:
        (a, ae), (b, be) = stated.told(), parts.told()
        note = " (results disagree)" if len(answers) > 1 else ""
        return f"{a}; {b}{note}", ae + be

    return _State(answers.pop() if len(answers) == 1 else None, told)


def _of_parts(parts: list[_State], positive: bool) -> _State:
    """A status made of parts: "any positive" (hormone receptor: ER or PR) when `positive`,
    else "all negative" (triple-negative: ER, PR and HER2)."""
    has: bool | None = None
    if any(p.has is True for p in parts):
        has = positive
    elif all(p.has is False for p in parts):
        has = not positive

    def told() -> Told:
        each = [p.told() for p in parts]
        return "; ".join(s for s, _ in each), [e for _, ev in each for e in ev]

    return _State(has, told)


def _any_positive(facts: PatientFacts, node: BiomarkerStatus) -> _State:
    """A marker that is any of its parts (hormone receptor: ER or PR; BRCA: BRCA1 or BRCA2):
    positive if a part is, negative if every part is; a result stated for the whole must agree."""
    stated = _simple(facts, node.marker, node) if facts.markers.get(node.marker) else None
    parts = [
        _simple(facts, m, node.model_copy(update={"marker": m}))
        for m in biomarkers.get(node.marker).any_positive
    ]
    return _agree(stated, _of_parts(parts, positive=True))


def _triple_negative(facts: PatientFacts) -> _State:
    found = [f for f in facts.concepts.get(TNBC_CONCEPT, []) if f.status != "absent"]
    stated = None
    if found:
        fact = found[0]
        stated = _State(True, lambda: (fact.label, [{"item": fact.label, "source": fact.source}]))
    parts = [
        _simple(facts, m, BiomarkerStatus(marker=m, result="positive"))
        for m in biomarkers.get(TRIPLE_NEGATIVE).all_negative
    ]
    return _agree(stated, _of_parts(parts, positive=False))


def status_need(node: BiomarkerStatus) -> str:
    """What would decide a status criterion."""
    if node.marker == TRIPLE_NEGATIVE:
        return "ER, PR and HER2 status"
    if node.marker == HORMONE_RECEPTOR:
        return "ER and PR status"
    what = " or ".join(variant_text(v) for v in node.variants)
    origin = "germline " if node.germline else ""
    label = marker_label(node)
    if what:
        return f"{origin}{label} {what} testing"
    kind = "" if node.alteration in ("expression", "any") else f" {node.alteration}"
    return f"{origin}{label}{kind} status"


def _status(node: BiomarkerStatus, facts: PatientFacts) -> _State:
    if node.marker == TRIPLE_NEGATIVE:
        return _triple_negative(facts)
    if biomarkers.get(node.marker).any_positive:
        return _any_positive(facts, node)
    return _simple(facts, node.marker, node)


def status_met(node: BiomarkerStatus, facts: PatientFacts) -> bool | None:
    """Is a status criterion met (None: the record cannot tell)? No words made (hot path)."""
    has = _status(node, facts).has
    return None if has is None else has if node.result == "positive" else not has


def decide_status(node: BiomarkerStatus, facts: PatientFacts) -> Decision:
    """The same answer as `status_met`, explained."""
    state = _status(node, facts)
    said, evidence = state.told()
    met = status_met(node, facts)
    want = render(node)
    if met is None:
        return Decision(None, f"{said}: cannot tell {want}", evidence, [status_need(node)])
    return Decision(met, f"{said}: {'meets' if met else 'does not meet'} {want}", evidence)


def value_need(node: BiomarkerValue) -> str:
    return f"{marker_label(node)} {node.method + ' ' if node.method else ''}value"


def _value_fits(fact: MarkerFact, node: BiomarkerValue) -> bool:
    """Is the record's value of the same scoring and unit as the criterion's bound?"""
    if fact.item.value is None:
        return False
    unit = fact.item.unit or biomarkers.get(node.marker).unit
    if node.method is not None:
        return fact.scoring == node.method and (node.unit is None or unit == node.unit)
    if fact.scoring in ("CPS", "IC"):  # a score, or a share of immune cells: no tumour-cell %
        return False
    return node.unit is not None and unit == node.unit


def _compared(node: BiomarkerValue, facts: PatientFacts) -> tuple[bool | None, list[MarkerFact]]:
    """Met or not by the newest value of the same scoring and unit (None: none, or values of
    one date that disagree), and the results it rests on."""
    fits = [f for f in facts.markers.get(node.marker, []) if _value_fits(f, node)]
    newest = _newest(fits)
    values = {f.item.value for f in newest}
    if len(values) != 1:
        return None, newest
    value = float(values.pop() or 0.0)
    met = {
        ">=": value >= node.value,
        ">": value > node.value,
        "<=": value <= node.value,
        "<": value < node.value,
        "==": value == node.value,
    }[node.op]
    return met, newest


def value_met(node: BiomarkerValue, facts: PatientFacts) -> bool | None:
    """Is a value criterion met (None: the record cannot tell)? No words made (hot path)."""
    return _compared(node, facts)[0]


def decide_value(node: BiomarkerValue, facts: PatientFacts) -> Decision:
    """The same answer as `value_met`, explained."""
    want = f"{node.op} {node.value:g}{node.unit or ''}"
    label = marker_label(node)
    met, newest = _compared(node, facts)
    if not newest:
        others = facts.markers.get(node.marker, [])
        said, evidence = _told(others)()
        said = said or f"no {label} value in the record"
        return Decision(None, f"{said}: cannot tell {label} {want}", evidence, [value_need(node)])
    said, evidence = _told(newest)()
    if met is None:
        return Decision(None, f"{said} (results disagree)", evidence, [value_need(node)])
    return Decision(met, f"{said}: {'meets' if met else 'does not meet'} {want}", evidence)
