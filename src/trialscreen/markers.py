"""How a tumour-marker criterion is decided from the patient's marker results: the one place for
the meaning of `biomarker_status` and `biomarker_value` (evaluate.py explains with it, fastpath.py
plans with it).

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
import re
from dataclasses import dataclass, field
from typing import Any

from trialscreen.facts import PatientFacts
from trialscreen.language.render import marker_label, render, variant_text
from trialscreen.lexicon import biomarkers
from trialscreen.lexicon.biomarkers import HORMONE_RECEPTOR, TRIPLE_NEGATIVE
from trialscreen.model.patient import Biomarker
from trialscreen.model.predicate import BiomarkerStatus, BiomarkerValue

TNBC_CONCEPT = "triple_negative_breast_cancer"


@dataclass
class Decision:
    """Whether the marker criterion is met, why, on what, and what would decide it."""

    met: bool | None
    reason: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)


@dataclass
class _State:
    """A marker's status for one question: True (has it), False (has not), None (unknown)."""

    has: bool | None
    said: str  # what the record says, for people
    evidence: list[dict[str, Any]] = field(default_factory=list)


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


def _evidence(item: Biomarker, label: str) -> dict[str, Any]:
    return {"item": _shown(item), "source": item.source or label}


def _method(text: str | None) -> str | None:
    """TPS or CPS (PD-L1 scoring), from what a record or criterion writes."""
    if not text:
        return None
    low = text.lower()
    if re.search(r"\bcps\b|combined positive", low):
        return "CPS"
    if re.search(r"\bic\b|immune cells?|sp142", low):  # immune-cell area: neither
        return "IC"
    if re.search(r"\btps\b|tumou?r proportion|\btc\b|tumou?r cells?", low):
        return "TPS"
    return None


def _by_staining(method: str | None) -> bool:
    return method is not None and re.search(r"(?i)\bihc\b|immunohisto", method) is not None


def _result(item: Biomarker, marker: biomarkers.Marker) -> str | None:
    """positive / negative from the result, else from a value outside every cutoff in use."""
    if item.result is not None:
        return None if item.result == "equivocal" else item.result
    if item.value is None or marker.cutoffs is None or _method(item.method) in ("CPS", "IC"):
        return None
    if item.unit not in (None, marker.unit):
        return None
    low, high = marker.cutoffs
    return "negative" if item.value < low else "positive" if item.value >= high else None


def _one(item: Biomarker, node: BiomarkerStatus, marker: biomarkers.Marker) -> bool | None:
    """What one result says about the alteration (and variants, origin) the criterion names."""
    result = _result(item, marker)
    if result is None:
        return None
    kind = biomarkers.variant_alteration(item.variant) if item.variant else marker.alteration
    if not item.variant and marker.kind == "gene" and _by_staining(item.method):
        kind = "expression"  # EGFR or ROS1 by IHC: the protein, not a mutation or fusion
    if node.alteration == "any":
        if result == "negative":
            return None  # a negative test of one kind says nothing of the others
    elif kind != node.alteration:
        return None  # another kind of alteration, or of none the record names
    if node.germline and item.origin != "germline":
        return None
    if result == "negative":
        if item.variant:  # "T790M not detected": that variant only
            found = biomarkers.variant_key(item.variant)
            named = bool(node.variants) and found is not None
            if not named or not all(
                biomarkers.variant_covers(v, found or "") for v in node.variants
            ):
                return None
        return False
    if node.variants:
        found = biomarkers.variant_key(item.variant) if item.variant else None
        if found is None or not any(biomarkers.variant_covers(v, found) for v in node.variants):
            return None
    return True


def _newest(rows: list[tuple[Biomarker, str, bool | None]]) -> list[tuple[Any, ...]]:
    """The results of the newest date (undated ones only if none is dated)."""
    dated = [r for r in rows if r[0].date is not None]
    if not dated:
        return list(rows)
    last = max(r[0].date or dt.date.min for r in dated)
    return [r for r in dated if r[0].date == last]


def _simple(facts: PatientFacts, marker_id: str, node: BiomarkerStatus) -> _State:
    marker = biomarkers.get(marker_id)
    found = facts.markers.get(marker_id, [])
    if not found:
        return _State(None, f"no {marker.name} result in the record")
    rows = [(item, label, _one(item, node, marker)) for item, label in found]
    if marker.kind == "gene":  # an alteration found stays found
        hits = [r for r in rows if r[2] is True]
        if hits:
            return _State(True, _shown(hits[0][0]), [_evidence(hits[0][0], hits[0][1])])
        if all(r[2] is False for r in rows):
            return _State(False, _shown(rows[-1][0]), [_evidence(i, lab) for i, lab, _ in rows])
        return _State(None, _shown(rows[-1][0]), [_evidence(i, lab) for i, lab, _ in rows])
    newest = _newest(rows)
    said = "; ".join(_shown(r[0]) for r in newest)
    evidence = [_evidence(r[0], r[1]) for r in newest]
    # results that say nothing here (equivocal, another kind) give way to those that do: an
    # equivocal IHC and a negative FISH of one day is negative
    answers = {r[2] for r in newest if r[2] is not None}
    if len(answers) <= 1:
        return _State(answers.pop() if answers else None, said, evidence)
    return _State(None, said + " (results disagree)", evidence)


def _any_positive(facts: PatientFacts, node: BiomarkerStatus) -> _State:
    """A marker that is any of its parts (hormone receptor: ER or PR; BRCA: BRCA1 or BRCA2):
    its own result where the record states one, else positive if a part is, negative if every
    part is."""
    stated = _simple(facts, node.marker, node) if facts.markers.get(node.marker) else None
    parts = [
        _simple(facts, m, node.model_copy(update={"marker": m}))
        for m in biomarkers.get(node.marker).any_positive
    ]
    evidence = [e for p in parts for e in p.evidence]
    said = "; ".join(p.said for p in parts)
    has: bool | None = None
    if any(p.has is True for p in parts):
        has = True
    elif all(p.has is False for p in parts):
        has = False
    return _agree(stated, _State(has, said, evidence))


def _agree(stated: _State | None, parts: _State) -> _State:
    """A result stated for the whole beside its parts' results: one answer if they agree (or
    one side says nothing), else unknown."""
    if stated is None:
        return parts
    evidence = stated.evidence + parts.evidence
    said = f"{stated.said}; {parts.said}"
    answers = {x.has for x in (stated, parts) if x.has is not None}
    if len(answers) == 1:
        return _State(answers.pop(), said, evidence)
    return _State(None, said + (" (results disagree)" if answers else ""), evidence)


def _triple_negative(facts: PatientFacts) -> _State:
    found = [f for f in facts.concepts.get(TNBC_CONCEPT, []) if f.status != "absent"]
    stated = None
    if found:
        fact = found[0]
        stated = _State(True, fact.label, [{"item": fact.label, "source": fact.source}])
    parts = [
        _simple(facts, m, BiomarkerStatus(marker=m, result="positive"))
        for m in biomarkers.get(TRIPLE_NEGATIVE).all_negative
    ]
    evidence = [e for p in parts for e in p.evidence]
    said = "; ".join(p.said for p in parts)
    has: bool | None = None
    if any(p.has is True for p in parts):
        has = False
    elif all(p.has is False for p in parts):
        has = True
    return _agree(stated, _State(has, said, evidence))


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


def decide_status(node: BiomarkerStatus, facts: PatientFacts) -> Decision:
    if node.marker == TRIPLE_NEGATIVE:
        state = _triple_negative(facts)
    elif biomarkers.get(node.marker).any_positive:
        state = _any_positive(facts, node)
    else:
        state = _simple(facts, node.marker, node)
    want = render(node)
    if state.has is None:
        return Decision(
            None, f"{state.said}: cannot tell {want}", state.evidence, [status_need(node)]
        )
    met = state.has if node.result == "positive" else not state.has
    return Decision(
        met, f"{state.said}: {'meets' if met else 'does not meet'} {want}", state.evidence
    )


def value_need(node: BiomarkerValue) -> str:
    return f"{marker_label(node)} {node.method + ' ' if node.method else ''}value"


def _value_fits(item: Biomarker, node: BiomarkerValue) -> bool:
    """Is the record's value of the same scoring and unit as the criterion's bound?"""
    if item.value is None:
        return False
    marker = biomarkers.get(node.marker)
    unit = item.unit or marker.unit
    method = _method(item.method)
    if node.method is not None:
        return method == node.method and (node.unit is None or unit == node.unit)
    if method in ("CPS", "IC"):  # a score, or a share of immune cells: no tumour-cell %
        return False
    return node.unit is not None and unit == node.unit


def decide_value(node: BiomarkerValue, facts: PatientFacts) -> Decision:
    want = f"{node.op} {node.value:g}{node.unit or ''}"
    label = marker_label(node)
    rows = [(i, lab) for i, lab in facts.markers.get(node.marker, []) if _value_fits(i, node)]
    if not rows:
        others = facts.markers.get(node.marker, [])
        said = "; ".join(_shown(i) for i, _ in others) or f"no {label} value in the record"
        evidence = [_evidence(i, lab) for i, lab in others]
        return Decision(None, f"{said}: cannot tell {label} {want}", evidence, [value_need(node)])
    newest = _newest([(i, lab, None) for i, lab in rows])
    values = {i.value for i, _, _ in newest}
    evidence = [_evidence(i, lab) for i, lab, _ in newest]
    said = "; ".join(_shown(i) for i, _, _ in newest)
    if len(values) != 1:
        return Decision(None, f"{said} (results disagree)", evidence, [value_need(node)])
    value = float(values.pop() or 0.0)
    met = {
        ">=": value >= node.value,
        ">": value > node.value,
        "<=": value <= node.value,
        "<": value < node.value,
        "==": value == node.value,
    }[node.op]
    return Decision(met, f"{said}: {'meets' if met else 'does not meet'} {want}", evidence)
