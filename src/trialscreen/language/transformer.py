"""The Lark transformer: one method per grammar rule, each returning a typed value or node.

Spans here are in the *normalised* text; the compiler maps them back to the bullet.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, TypeVar

from lark import Token, Transformer

from trialscreen.language import thresholds
from trialscreen.language.stages import stage_set
from trialscreen.language.values import (
    AFTER_CONCEPT,
    ROMAN,
    BoundSpec,
    ConceptRef,
    CondSpec,
    ExceptSpec,
    GradeSpec,
    IndicationSpec,
    LastingSpec,
    MarkerItem,
    Moment,
    MultipleSpec,
    Num,
    QuantitySpec,
    RegimenKind,
    ScoreBound,
    SexScope,
    SinceMore,
    Subject,
    Value,
    WindowSpec,
    Word,
    days_per,
    number_word,
)
from trialscreen.lexicon import biomarkers, concepts
from trialscreen.lexicon.biomarkers import MARKER_NEGATIVE, MARKER_POSITIVE
from trialscreen.model.predicate import (
    AGE_UNIT_DAYS,
    LINES_OF_THERAPY,
    AgeCompare,
    AgeUnit,
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
    NormalMultiple,
    Not,
    Op,
    Predicate,
    Quantity,
    RegimenCount,
    ScoreCompare,
    SexIs,
    Span,
    TimeSince,
    Timing,
    leaves,
)
from trialscreen.units.registry import UnitError, parse_unit

# the complement of a bound: "not more than N" is "<= N" (a negated life expectancy)
_OTHER_SIDE: dict[Op, Op] = {">": "<=", ">=": "<", "<": ">=", "<=": ">"}

_TREATED = concepts.TREATMENT_CATEGORIES | {"procedure"}  # what one recovers from, if had
_GENERIC_TAIL = frozenset({"cancer", "tumor", "tumour", "malignancy", "disease", "carcinoma"})
_NEUTRAL = frozenset({"treatment with", "therapy with", "exposure to", "use of", "evidence of"})
_EXPOSURE = frozenset({"exposure to"})  # to a drug: received it; to a disease: contact with it
_CMP: dict[str, Op] = {"GE": ">=", "GT": ">", "LE": "<=", "LT": "<", "EQ": "=="}
_UNVERIFIABLE = frozenset(
    {
        "uncontrolled",
        "poorly controlled",
        "symptomatic",
        "clinically significant",
        "significant",
        "serious",
        "severe",
        "unstable",
        "untreated",
        "suspected",
        "known or suspected",
        # the record names a condition, not its course ("chronic diarrhea", "acute hepatitis"):
        # where the lexicon has no concept for the acute or chronic form, it is unknown
        "acute",
        "chronic",
        "major",  # "major depression", "other major psychiatric illness" (not "major surgery")
        "intractable",
        # the course or weight of a condition, which the record does not state
        "progressive",
        "clinically serious",
        "clinically relevant",
        "clinically important",
        "moderate or severe",
        "moderate to severe",
        # "acute or chronic X": any form — but now ("No acute or chronic infection"), or ever
        # ("has had acute or chronic pancreatitis")? A present X is unknown, an absent one absent
        "acute or chronic",
        "chronic or acute",
        # the course of a cancer, which the record names rarely and never as a stage alone
        # ("advanced NSCLC", "relapsed or refractory myeloma", "unresectable melanoma")
        "advanced",
        "locally advanced",
        "relapsed",
        "refractory",
        "recurrent",
        "unresectable",
        "nonresectable",
        "non-resectable",
        "inoperable",
        "relapsed or refractory",
        "relapsed/refractory",
        "relapsed and/or refractory",
        "refractory or relapsed",
        "recurrent or refractory",
    }
)


_MARKER_WORD = re.compile(rf"(?i)(?:\s*-\s*|\s+|(?=[+(]))({MARKER_POSITIVE}|{MARKER_NEGATIVE})$")
_MARKER_TAIL = re.compile(r"(?i)\s+(?:disease|tumou?rs?)$")
_MARKER_NEGATIVE = re.compile(rf"(?i)^(?:{MARKER_NEGATIVE})$")
_GERMLINE_WORDS = re.compile(r"(?i)^\s*(?:(?:deleterious|pathogenic)\s+)?(?:germline|inherited)\s+")
_VARIANT_TAIL = re.compile(r"(?i)[\s-]+(?:mutations?|mutated|mutant|alterations?|substitutions?)$")


# the condition an exception may carry (grammar EXCEPT): "adequately treated", "cone biopsied"
_EXCEPT_QUALIFIER = re.compile(
    r"(?:(?:adequately|curatively|completely|successfully|definitively|appropriately|surgically"
    r"|radically)\s+)?(?:treated|resected|excised|removed)\b|cone[\s-]biops\w+(?:[\s-]treated)?"
)


def _other_malignancy(concept: str, marks: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """ "other malignancy", "another primary cancer": a second malignancy, the "other" read.
    Before anything else "other" stays among the marks (has_concept flags it unread)."""
    if not any(m.startswith("other:") for m in marks):
        return concept, marks
    if concept in ("cancer", "second_malignancy"):
        return "second_malignancy", tuple(m for m in marks if not m.startswith("other:"))
    return concept, marks


def _germline(tok: Token) -> bool:
    return _GERMLINE_WORDS.match(str(tok)) is not None


def _alteration_of(word: str, marker: biomarkers.Marker) -> biomarkers.Alteration:
    """The kind of change a result word names for a marker ("mutation", "rearrangement",
    "amplified"); plain "positive"/"negative" (and "wild-type") the marker's usual one."""
    low = word.lower()
    usual: biomarkers.Alteration = marker.alteration or "any"
    if re.search(r"mutat|mutant|wild|\bwt\b", low):
        return "mutation" if "wild" not in low and low != "wt" else usual
    if re.search(r"rearrang|fusion|transloc", low):
        return "fusion"
    if "amplif" in low:  # HER2 amplification is what HER2-positive means
        return "expression" if marker.kind in ("protein", "receptor") else "amplification"
    if "express" in low:
        return "expression"
    if "alter" in low:
        return "any"
    return usual


def _marker_item(tok: Token, name: str | None, word: str) -> MarkerItem | None:
    """A marker (from a token's text, or `name`) with the result a word gives it (None: no
    word)."""
    text = _GERMLINE_WORDS.sub("", name if name is not None else str(tok)).rstrip(" -")
    marker = biomarkers.lookup(text)
    if marker is None or marker.id == biomarkers.TRIPLE_NEGATIVE:
        return None
    result: str | None = None
    alteration = marker.alteration or "any"
    if word:
        result = (
            "negative"
            if _MARKER_NEGATIVE.match(word.strip()) or "neg" in word.lower()
            else "positive"
        )
        alteration = _alteration_of(word, marker)
    return MarkerItem(marker.id, result, alteration, (), _germline(tok), span_of([tok]))


def _with_result(item: MarkerItem, result: str, later: MarkerItem | None) -> MarkerItem:
    """A marker whose result is written after it takes that result (and the kind of change
    the later word names: "EGFR or ALK rearrangement" is no EGFR mutation; not read)."""
    unread = item.unread or (later is not None and later.alteration != item.alteration)
    return replace(item, result=result, unread=unread)


def _marker_word_ok(word: Word) -> bool:
    """Words before a marker that leave it as it is: "known", "documented", "evidence of",
    "presence of" (not "prior", "history of", "current": when a result is, it is)."""
    return word.role in ("neutral", "negation") or word.text.endswith("presence of")


# cancers whose stage a record's `stage` may not be in the criterion's system
_OTHER_STAGING = ("multiple_myeloma", "leukemia", "myelodysplastic_syndrome")


def _staged_by_tnm(concept: str) -> bool:
    """A cancer staged I-IV in one usual system (TNM/AJCC, FIGO, Ann Arbor)."""
    found = concepts.ancestors(concept) if concepts.known(concept) else frozenset()
    return "cancer" in found and not any(other in found for other in _OTHER_STAGING)


def span_of(children: list[Any]) -> Span:
    """The smallest span covering every child that has a position."""
    starts: list[int] = []
    ends: list[int] = []
    for child in children:
        if isinstance(child, Token):
            starts.append(child.start_pos or 0)
            ends.append(child.end_pos or 0)
        elif hasattr(child, "span"):
            starts.append(child.span[0])
            ends.append(child.span[1])
        elif isinstance(child, tuple) and len(child) == 2 and isinstance(child[1], tuple):
            starts.append(child[1][0])  # a comparator: (op, span)
            ends.append(child[1][1])
        elif isinstance(child, list):
            inner = span_of(child)
            if inner != (0, 0):
                starts.append(inner[0])
                ends.append(inner[1])
    return (min(starts), max(ends)) if starts else (0, 0)


# a systolic limit at or above this is a limit of hypertension, at or below the other one of
# hypotension; between them, which side is abnormal is not read
_HYPERTENSIVE, _HYPOTENSIVE = 120.0, 100.0
_GENERIC_SCALE = frozenset({"performance status", "performance score", "ps"})


def _scale(tokens: list[Token]) -> tuple[str, tuple[str, ...]]:
    """The scale a score clause names: "Performance status - Karnofsky" is Karnofsky (the
    generic words name no scale); two named scales ("ECOG (Karnofsky)") leave it unread."""
    named = [t for t in tokens if " ".join(str(t).lower().split()) not in _GENERIC_SCALE]
    ids = list(dict.fromkeys(thresholds.analyte_id(str(t)) for t in named or tokens))
    return ids[0], (("alias_mismatch",) if len(ids) > 1 else ())


def _own_span(
    ref: ConceptRef, refs: list[ConceptRef], excepted: list[ExceptSpec], span: Span
) -> Span:
    """A concept's words in its clause: the whole clause for one concept; in a list, its own
    words (the last one's reaching over an exception after the list)."""
    if len(refs) == 1:
        return span
    if excepted and ref is refs[-1]:
        return (ref.span[0], excepted[0].span[1])
    return ref.span


def _same_unit(a: str | None, b: str | None) -> bool:
    """ "lb" and "lbs.", "g/dL" and "g/dl": one unit spelled two ways."""
    if a is None or b is None:
        return a == b
    try:
        return bool(parse_unit(a.rstrip(".")) == parse_unit(b.rstrip(".")))
    except UnitError:
        return False


_CLASS_WORDS = re.compile(
    r"\b(?:agents?|drugs?|compounds?|inhibitors?|analog(?:ue)?s?|antibiotics|derivatives?|class"
    r"|products?|medications?)\b"
)


def _allergen(ref: ConceptRef) -> bool:
    """Can a hypersensitivity be to this, as written? A drug; or a class of drugs named as a
    class ("platinum compounds", "nucleoside analogs"): the lexicon files some drugs under their
    class ("vancomycin" under nephrotoxic drugs), and an allergy to one is not to the others."""
    category = concepts.get(ref.concept).category
    return category in concepts.ALLERGENS and (
        category == "drug" or bool(_CLASS_WORDS.search(ref.phrase))
    )


def _found_by_a_test(concept_id: str) -> bool:
    """Infections and pregnancy: conditions a positive or negative test result states."""
    return concept_id == "pregnancy" or "infection" in concepts.ancestors(concept_id)


def _recent(node: Predicate, days: float) -> Predicate:
    """The lab leaves of a node with the recency a window asks for."""
    if isinstance(node, LabCompare):
        return node.model_copy(update={"within_days": days})
    if isinstance(node, (AllOf, AnyOf)):
        return node.model_copy(update={"items": tuple(_recent(i, days) for i in node.items)})
    if isinstance(node, Conditional):
        then, otherwise = _recent(node.then, days), _recent(node.otherwise, days)
        return node.model_copy(update={"then": then, "otherwise": otherwise})
    return node


def _of(children: list[Any], cls: type) -> list[Any]:
    return [c for c in children if isinstance(c, cls)]


def _tokens(children: list[Any], *types: str) -> list[Token]:
    return [c for c in children if isinstance(c, Token) and c.type in types]


def _flat(
    items: list[Predicate], cls: type[AnyOf] | type[AllOf], merge: bool = False
) -> tuple[Predicate, ...]:
    """Nested nodes of the same kind flattened, repeats ("transplant or stem cell rescue",
    both one concept) dropped."""
    out: list[Predicate] = []
    seen: dict[str, int] = {}
    for item in items:
        for child in item.items if isinstance(item, cls) else (item,):
            key = child.model_dump_json(exclude={"span"})
            if key not in seen:
                seen[key] = len(out)
                out.append(child)
            elif merge:  # one list ("nausea or vomiting"): the kept one stands for both
                kept = out[seen[key]]
                span = (min(kept.span[0], child.span[0]), max(kept.span[1], child.span[1]))
                out[seen[key]] = kept.model_copy(update={"span": span})
    return tuple(out)


def _kept_flags(items: list[Predicate], cls: type[AnyOf] | type[AllOf]) -> tuple[str, ...]:
    """Flags of nested nodes of the same kind, kept when they are flattened into one."""
    out = [f for item in items if isinstance(item, cls) for f in item.flags]
    return tuple(dict.fromkeys(out))


def _any(items: list[Predicate], span: Span, merge: bool = False) -> Predicate:
    """AnyOf of the items, nested AnyOfs flattened (so canonical text reads back the same);
    with `merge` (items of one clause) a repeat widens the span of the one kept."""
    flat = _flat(items, AnyOf, merge)
    kept = _kept_flags(items, AnyOf)
    if len(flat) == 1:
        return flat[0]
    return AnyOf(items=flat, span=span, flags=kept)


def _all(items: list[Predicate], span: Span, merge: bool = False) -> Predicate:
    """AllOf of the items, nested AllOfs flattened."""
    flat = _flat(items, AllOf, merge)
    kept = _kept_flags(items, AllOf)
    if len(flat) == 1:
        return flat[0]
    return AllOf(items=flat, span=span, flags=kept)


def _needing_then_more(items: list[Any], node: Any) -> Any:
    """ "Infection requiring antibiotics or hepatitis": does "or hepatitis" join the infection
    or what it requires? "No radiotherapy to more than 30% of bone marrow or prior
    nitrosoureas": does the "no" reach the second? A "requiring ..." (or "to more than N% of
    bone marrow") item with another item after it: not read."""
    if len(items) < 2:
        return node
    needs = [
        any(
            q.startswith(AFTER_CONCEPT)
            for leaf in leaves(i)
            if isinstance(leaf, HasConcept)
            for q in leaf.qualifiers
        )
        for i in items
        if hasattr(i, "kind")
    ]
    if any(needs[:-1]) and hasattr(node, "kind"):
        return node.model_copy(update={"flags": (*node.flags, "needing_list")})
    return node


_TREATING = frozenset({"drug", "drug_class", "treatment", "procedure"})
# the words that make a name one of therapies ("biologic therapy", "AZT therapies") rather than
# of drugs ("at least 2 NRTIs"): what a count of regimens may count without "regimens"
_THERAPY_WORD = re.compile(r"(?i)(?:therap(?:y|ies)|regimens?)$")


def _given_for(spec: IndicationSpec, refs: list[ConceptRef]) -> bool:
    """ "for" + a condition after treatments only: what they were given for."""
    return (
        spec.intro == "for"
        and not spec.several
        and concepts.get(spec.concept).category in ("condition", "finding")
        and all(concepts.get(r.concept).category in _TREATING for r in refs)
    )


def _days(c: list[Any]) -> float:
    """The days of a clause's first number and time unit ("at least 6 months": 182.6)."""
    return float(_of(c, Num)[0].value) * days_per(str(_tokens(c, "TIME_UNIT")[0]))


_HAD = frozenset({"condition", "finding", "state"})  # what one has (it lasts while it goes on)
_LASTS = _HAD | concepts.TREATMENT_CATEGORIES


def _lasting_read(spec: LastingSpec, refs: list[ConceptRef]) -> bool:
    """ "for at least 6 months" after a condition, a state or something taken: how long it
    lasted. Not a bound that asks for a short course ("for less than 2 weeks": all courses, or
    one?), not after a procedure, not "if ... for"."""
    return (
        spec.intro in ("for", "duration")
        and spec.op in (">", ">=")
        and all(concepts.category(r.concept) in _LASTS for r in refs)
    )


_EVER_WORDS = re.compile(r"\b(?:prior|previous|past|history|ever|never)\b")


def _unchecked_marks(ref: ConceptRef) -> tuple[str, ...]:
    """The words written with one concept of a list that the record cannot check ("systemic",
    "uncontrolled")."""
    return tuple(
        q.split(":", 1)[1]
        for q in ref.qualifiers
        if q.startswith("route:") or q.split(":", 1)[1] in _UNVERIFIABLE
    )


def _unchecked(words: list[Word]) -> tuple[str, ...]:
    """Words of a time since the record cannot check: a route ("systemic"), a severity
    ("major abdominal surgery"), how much of the marrow it reached."""
    return tuple(
        w.text
        for w in words
        if w.role in ("route", "extent") or (w.role == "severity" and w.text in _UNVERIFIABLE)
    )


_DONE = concepts.TREATMENT_CATEGORIES | {"procedure"}  # what is completed at a date
# words naming a kind of treatment inside a lexicon phrase, which may reach the next item of a
# list ("palliative radiotherapy or surgery")
_TREATMENT_KINDS = frozenset(
    """palliative adjuvant neoadjuvant neo-adjuvant curative local localized systemic radical
    definitive prophylactic stereotactic whole major minor diagnostic prior""".split()
)


def _in(concept: str, categories: frozenset[str]) -> bool:
    return concepts.category(concept) in categories


# "No X for 2 weeks" is none taken in that time only for what is taken, not a condition ("No
# seizures for 1 year": seizure-free, while epilepsy stays on the record); how long ago it began
# is read for a condition or finding (its onset) or a procedure (its date), not for a course
# ("chemotherapy more than 30 days prior": its start or its end?); what is taken now may be a
# changed regimen when it is a class or a kind of treatment ("current HAART for 6 weeks")
_BEGAN_ON_A_DATE = frozenset({"condition", "finding", "procedure"})
# spread to the brain or meninges, where "active" means untreated or progressing
_SPREAD_TO_CNS = frozenset({"brain_metastases", "cns_involvement", "leptomeningeal_disease"})
ACTIVE_METASTASES = "active"  # untreated or progressing
_REGIMEN = frozenset({"drug_class", "treatment"})


# conditions that come and go in episodes, whose "duration" is the episode's, not the
# diagnosis's ("atrial fibrillation of at least 7 days duration": persistent AF)
_EPISODIC = "cardiac_arrhythmia"


def _timing(roles: set[str]) -> Timing:
    """ "prior"/"history of": ever (history); "current"/"receiving"/"active": now, and it wins
    over a history word beside it ("known active HIV" is HIV now); "prior or current" (one
    EVER token): any time."""
    history, current = "history" in roles, "current" in roles
    if "ever" in roles or (history and current):  # "history of active TB": then, any time
        return "any"
    return "current" if current else ("history" if history else "unstated")


AgeBound = tuple[Op, float, AgeUnit]


def _unit_after(c: list[Any]) -> Any:
    """The value of "N UNIT or more", or of "N or more UNIT" ("4 or more pounds"): the unit
    written after "or more" is the number's."""
    units = _tokens(c, "UNIT")
    if units and isinstance(c[0], Num):
        return QuantitySpec(c[0].value, str(units[0]), span_of(c))
    return c[0]


class AgeBounds(list[AgeBound]):
    """Age bounds with the span of the words they were read from."""

    def __init__(self, items: list[AgeBound], span: Span) -> None:
        super().__init__(items)
        self.span = span


def _age_unit(text: str) -> tuple[float, AgeUnit]:
    """Years per one of a written time unit, and the unit's name."""
    days = days_per(text)
    unit: AgeUnit = (
        "years" if days > 300 else "months" if days > 25 else "weeks" if days == 7 else "days"
    )
    if days < 1:
        unit = "hours"
    return days / 365.25, unit


def _span_of_bound(c: list[Any]) -> Span:
    """The span of an age bound: its comparator (a (op, span) pair), numbers and units."""
    spans = [x[1] for x in c if isinstance(x, tuple) and isinstance(x[1], tuple)]
    inner = span_of([x for x in c if not isinstance(x, tuple)])
    spans += [inner] if inner != (0, 0) else []
    return (min(a for a, _ in spans), max(b for _, b in spans)) if spans else (0, 0)


def _ages(parts: list[AgeBound], span: Span) -> Predicate:
    """AgeCompare nodes, one per bound (a range gives an AllOf of two)."""
    items: list[Predicate] = [
        AgeCompare(op=op, years=round(v, 9), unit=unit, span=span) for op, v, unit in parts
    ]
    return _all(items, span)


# a cell count named by its cells: a bare number before it is a value ("200 T4 cells")
_CELLS = re.compile(r"(?i)\b(?:cells|lymphocytes|neutrophils|granulocytes|platelets|blasts)$")


def _contradict(parts: list[AgeBound], either: bool) -> str | bool:
    """Two age bounds that cannot mean what they say: "more than 70 and less than 40" (no age
    meets both) or "greater than 2 or less than 80" (every age meets one) — a slip for the other
    connective or the other comparators, so the clause is flagged and does not decide."""
    days = [(op, v * AGE_UNIT_DAYS[unit]) for op, v, unit in parts]
    lows = [v for op, v in days if op in (">", ">=")]
    highs = [v for op, v in days if op in ("<", "<=")]
    if not lows or not highs:
        return False
    if either:
        return "bounds_contradict" if min(lows) <= max(highs) else False
    return "bounds_contradict" if max(lows) >= min(highs) else False


def _joins_clauses(c: list[Any], joiner: str) -> bool:
    """Does an "and"/"or" written before a comparator (AND_CMP, OR_CMP) join a whole clause
    ("ANC < 1500 and less than 4 weeks since chemotherapy") rather than give the clause before
    it a second bound ("ALT <= 3 x ULN and >= 1 x LLN")?"""
    return any(
        isinstance(x, Token) and x.type == joiner and not isinstance(after, CondSpec)
        for x, after in zip(c, c[1:], strict=False)
    )


_N = TypeVar("_N")


def _flagged(node: _N, flag: str | bool) -> _N:
    """The node with the flag added (no flag, or no node: as it is)."""
    if not flag or not hasattr(node, "flags"):
        return node
    return node.model_copy(update={"flags": (*node.flags, flag)})  # type: ignore[attr-defined, no-any-return]


class CriteriaTransformer(Transformer[Token, Any]):
    """Builds predicate nodes; method names are the grammar's rule names."""

    # ---- numbers, comparators, quantities ----
    def number(self, c: list[Token]) -> Num:
        text = str(c[0])
        value = number_word(text) if c[0].type == "NUMWORD" else float(text.replace(",", ""))
        return Num(value, span_of(c))

    def cmp(self, c: list[Token]) -> tuple[Op, Span]:
        return (_CMP[c[0].type], span_of(c))

    side_cmp = cmp  # a comparator with a side (no "="): a negated life expectancy's bound
    upper_cmp = cmp  # "within <= 2 weeks", "Recent (less than 6 months)": a window's bound

    def quantity(self, c: list[Any]) -> QuantitySpec:
        units = _tokens(c, "UNIT")
        return QuantitySpec(c[0].value, str(units[0]) if units else None, span_of(c))

    def limit(self, c: list[Token]) -> Token:
        """ "ULN" or "LLN", keeping the position of the words it was read from."""
        return Token.new_borrow_pos("LIMIT", "LLN" if c[0].type == "LLN" else "ULN", c[0])

    def normal_multiple(self, c: list[Any]) -> MultipleSpec:
        nums = _of(c, Num)
        limit = _tokens(c, "LIMIT")[0]
        return MultipleSpec(nums[0].value if nums else 1.0, str(limit), span_of(c))

    # ---- bounds ----
    def compare(self, c: list[Any]) -> BoundSpec:
        (op, _), value = c[0], c[1]
        return BoundSpec(((op, value),), span_of([c[0], value]))

    def compare_within(self, c: list[Any]) -> BoundSpec:
        """ "within 1.5 x ULN": at most that multiple."""
        return BoundSpec((("<=", c[1]),), span_of(c))

    def compare_or_more(self, c: list[Any]) -> BoundSpec:
        return BoundSpec(((">=", _unit_after(c)),), span_of(c))

    def compare_or_less(self, c: list[Any]) -> BoundSpec:
        return BoundSpec((("<=", _unit_after(c)),), span_of(c))

    def range(self, c: list[Any]) -> BoundSpec:
        """ "10-16 g/dL", "between 1.5 - 3 x ULN" (both ends multiples), "120 lbs. to 250 lbs.";
        two ends in different units ("1.5 mg/dL - 133 umol/L") are one value said twice:
        flagged, not read as a range."""
        low, high = [x for x in c if isinstance(x, (Num, QuantitySpec, MultipleSpec))]
        low_value: Value
        flags: tuple[str, ...] = ()
        if isinstance(low, QuantitySpec) and low.unit is None:
            low = Num(low.value, low.span)
        if isinstance(low, Num) and isinstance(high, MultipleSpec):
            low_value = MultipleSpec(low.value, high.limit, low.span)
        elif isinstance(low, Num):
            unit = high.unit if isinstance(high, QuantitySpec) else None
            low_value = QuantitySpec(low.value, unit, low.span)
        else:
            low_value = low
            if isinstance(low, QuantitySpec) and (
                not isinstance(high, QuantitySpec) or not _same_unit(low.unit, high.unit)
            ):
                flags = ("unit_pair",)
        assert not isinstance(high, Num)
        return BoundSpec(((">=", low_value), ("<=", high)), span_of(c), flags)

    def normal_limits(self, c: list[Token]) -> BoundSpec:
        span = span_of(c)
        parts: tuple[tuple[Op, Value], ...] = (
            (">=", MultipleSpec(1.0, "LLN", span)),
            ("<=", MultipleSpec(1.0, "ULN", span)),
        )
        return BoundSpec(parts, span, ("within_normal_limits",))

    def condition(self, c: list[Any]) -> ConceptRef:
        """The group a bound applies to; only the first concept is the condition, so a longer
        one ("if liver or bone metastases") is flagged and the bullet does not decide."""
        refs = _of(c, ConceptRef)
        tail = [
            t
            for t in c
            if isinstance(t, Token)
            and t.type == "CONCEPT"
            and str(t).lower() not in _GENERIC_TAIL  # "liver involvement of their cancer"
        ]
        flags = ("condition_tail",) if len(refs) + len(tail) > 1 else ()
        return ConceptRef(refs[0].concept, span_of(c), flags)

    def alt_bound(self, c: list[Any]) -> CondSpec:
        conds, sexes = _of(c, ConceptRef), _of(c, SexScope)
        sex = sexes[0].sex if sexes else None
        return CondSpec(_of(c, BoundSpec)[0], conds[0] if conds else None, span_of(c), sex)

    def bare_bound(self, c: list[Any]) -> CondSpec:
        conds, sexes = _of(c, ConceptRef), _of(c, SexScope)
        sex = sexes[0].sex if sexes else None
        return CondSpec(_of(c, BoundSpec)[0], conds[0] if conds else None, span_of(c), sex)

    def sex_scope(self, c: list[Token]) -> SexScope:
        female = any(isinstance(t, Token) and t.type == "FEMALE" for t in c)
        return SexScope("female" if female else "male", span_of(c))

    # ---- labs ----
    def subject(self, c: list[Token]) -> Subject:
        """An analyte and the names in brackets after it; names of different analytes
        ("ALT (AST)") leave the subject unread."""
        names = {thresholds.analyte_id(str(t)) for t in _tokens(c, "ANALYTE")}
        flags = ("alias_mismatch",) if len(names) > 1 else ()
        return Subject(thresholds.analyte_id(str(c[0])), span_of(c), flags, str(c[0]))

    def subject_or(self, c: list[Any]) -> str:
        """ "or" between analytes: a marker for `subjects`."""
        return "subject_or"

    def subjects(self, c: list[Any]) -> list[Subject]:
        """The analytes a bound applies to. Joined by "or" ("AST or ALT > 5 x ULN") they may
        mean either (in an exclusion) or each (in an inclusion): flagged, not decided."""
        found = _of(c, Subject)
        if len(found) > 1 and any(x == "subject_or" for x in c):
            found = [Subject(s.analyte, s.span, ("subject_or",)) for s in found]
        return found

    def lab_compare(self, c: list[Any]) -> Predicate:
        subjects: list[Subject] = c[0]
        bound = _of(c, BoundSpec)[0]
        alts = _of(c, CondSpec)
        span = span_of(c)
        sexes = _of(c, SexScope)
        per_subject: list[Predicate] = []
        for subject in subjects:
            main = thresholds.lab_bound(subject.analyte, bound, span)
            if subject.flags:
                main = main.model_copy(update={"flags": (*main.flags, *subject.flags)})
            if alts and alts[0].sex is not None:  # "<= 1.5 (<= 1.3 for women)": by sex
                other = thresholds.lab_bound(subject.analyte, alts[0].bound, alts[0].span)
                main = thresholds.by_sex(alts[0].sex, other, main, span)
                if sexes:  # "<= 1.4 (men) (<= 1.2 for women)": read as written? not read
                    main = main.model_copy(update={"flags": (*main.flags, "sex_branch_alone")})
            elif sexes:  # "... for women": the other sex's threshold may follow ("or ... for men")
                flags = (*main.flags, f"for_sex:{sexes[0].sex}", "sex_branch_alone")
                main = main.model_copy(update={"flags": flags})
            if alts and alts[0].sex is None and alts[0].condition is not None:
                other = thresholds.lab_bound(subject.analyte, alts[0].bound, alts[0].span)
                main = Conditional(
                    condition=alts[0].condition.concept,
                    then=other,
                    otherwise=main,
                    span=span,
                    flags=alts[0].condition.qualifiers,
                )
            per_subject.append(main)
        windows = _of(c, WindowSpec)
        if windows and not windows[0].after:  # "... within 14 days prior to registration"
            per_subject = [_recent(node, windows[0].days) for node in per_subject]
        node = _all(per_subject, span)
        if windows and windows[0].after:
            node = node.model_copy(update={"flags": (*node.flags, "window_after")})
        if _tokens(c, "LV_METHOD") and any(s.analyte != "lvef" for s in subjects):
            node = node.model_copy(update={"flags": (*node.flags, "method_unread")})
        return node

    def measure_compare(self, c: list[Any]) -> Predicate:
        """A measurement no lexicon holds, with its bound as written (language/measures.py)."""
        name, bound = str(c[0]), _of(c, BoundSpec)[0]
        span = span_of(c)
        items: list[Predicate] = []
        for op, value in bound.parts:
            threshold: Quantity | NormalMultiple
            if isinstance(value, MultipleSpec):
                threshold = NormalMultiple(factor=value.factor, limit=value.limit)
            else:
                threshold = Quantity(value=value.value, unit=value.unit)
            items.append(
                MeasureCompare(
                    measure=name, op=op, threshold=threshold, span=span, flags=bound.flags
                )
            )
        return _all(items, span)

    def lab_value_first(self, c: list[Any]) -> Predicate:
        """The value written before the test's name: a bound on the test, as `lab_compare`."""
        (op, _), num = c[0], c[1]
        units = _tokens(c, "UNIT")
        unit = str(units[0]) if len(units) == 1 else None
        subject = _of(c, Subject)[0]
        quantity = QuantitySpec(num.value, unit, span_of([num, *units]))
        flags: tuple[str, ...] = ("value_first", *(("unit_pair",) if len(units) > 1 else ()))
        if not units and not _CELLS.search(subject.text):
            # "at least 2 CD4 cell counts", "at least 3 PSA values", "more than 1 creatinine":
            # a bare number before a test's name counts tests more often than it is a value
            # ("less than 200 T4 cells" names its cells: a value)
            subject = Subject(subject.analyte, subject.span, (*subject.flags, "tests_counted"))
        bound = BoundSpec(((op, quantity),), span_of(c[:2]), flags)
        return self.lab_compare([[subject], bound, *_of(c, WindowSpec)])

    def lab_missing_cmp(self, c: list[Any]) -> Predicate:
        """A bound with no comparator: "<=" is inferred for a multiple of ULN, else unknown."""
        subjects: list[Subject] = c[0]
        value = c[-1]
        span = span_of(c)
        if isinstance(value, MultipleSpec):
            op: Op = ">=" if value.limit == "LLN" else "<="
            flags: tuple[str, ...] = ("missing_comparator", f"comparator_inferred:{op}")
        else:
            op, flags = ">=", ("missing_comparator",)
        bound = BoundSpec(((op, value),), span, flags)
        return _all([thresholds.lab_bound(s.analyte, bound, span) for s in subjects], span)

    def lab_value_pair(self, c: list[Any]) -> Predicate:
        """One comparator, two values each before its test (">= 160 mmHg systolic and/or 90
        mmHg diastolic"): either one, as "or" says."""
        (op, _) = c[0]
        nums = _of(c, Num)
        units = _tokens(c, "UNIT")
        subjects = _of(c, Subject)
        items: list[Predicate] = []
        for num, unit, subject in zip(nums, units, subjects, strict=True):
            bound = BoundSpec(((op, QuantitySpec(num.value, str(unit), num.span)),), num.span)
            item = thresholds.lab_bound(subject.analyte, bound, span_of([num, unit, subject]))
            if subject.flags:
                item = item.model_copy(update={"flags": (*item.flags, *subject.flags)})
            items.append(item)
        return _any(items, span_of(c))

    def bp_slash(self, c: list[Any]) -> Predicate:
        """ "BP > 140/90 mmHg": above the pair is either above (systolic or diastolic); at or
        below it is both at or below. The unit is mmHg where none is written."""
        (op, _) = _of(c, tuple)[0]
        systolic, diastolic = _of(c, Num)
        units = _tokens(c, "UNIT")
        unit = str(units[0]) if units else "mmHg"
        items: list[Predicate] = []
        for analyte, num in (("systolic_bp", systolic), ("diastolic_bp", diastolic)):
            bound = BoundSpec(((op, QuantitySpec(num.value, unit, num.span)),), num.span)
            items.append(thresholds.lab_bound(analyte, bound, num.span))
        span = span_of(c)
        upward = op in (">", ">=")
        if systolic.value >= _HYPERTENSIVE:  # a limit of hypertension: above it is either
            return _any(items, span) if upward else _all(items, span)
        if systolic.value <= _HYPOTENSIVE:  # a limit of hypotension: below it is either
            return _all(items, span) if upward else _any(items, span)
        node = _all(items, span)
        return node.model_copy(update={"flags": (*node.flags, "bp_side")})

    # ---- connectives ----
    def any_of(self, c: list[Any]) -> Any:
        joins_clauses = _joins_clauses(c, "OR_CMP")
        c = [x for x in c if not isinstance(x, Token)]  # OR_NUM, OR_CMP
        items = thresholds.attach_bare_bounds(c)
        node = _any(items, span_of(c), merge=True) if items else c[0]  # no node: skipped
        return _flagged(_needing_then_more(items, node), joins_clauses and "or_clauses")

    def all_of(self, c: list[Any]) -> Any:
        joins_clauses = _joins_clauses(c, "AND_CMP")
        c = [x for x in c if not isinstance(x, Token)]  # AND_CMP
        items = thresholds.attach_bare_bounds(c)
        node = _all(items, span_of(c), merge=True) if items else c[0]
        return _flagged(_needing_then_more(items, node), joins_clauses and "and_clauses")

    # ---- scores ----
    def score_value(self, c: list[Token]) -> Num:
        tok = c[0]
        if tok.type == "ROMAN":
            return Num(ROMAN[str(tok).lower()], span_of(c))
        if tok.type == "NUMWORD":
            return Num(number_word(str(tok)), span_of(c))
        return Num(float(str(tok).replace(",", "")), span_of(c))

    roman_value = score_value

    def score_cmp(self, c: list[Any]) -> ScoreBound:
        return ScoreBound([(c[0][0], c[1].value)], False, span_of([c[0], c[1]]))

    def score_range(self, c: list[Any]) -> ScoreBound:
        low, high = _of(c, Num)
        return ScoreBound([(">=", low.value), ("<=", high.value)], False, span_of(c))

    def score_set(self, c: list[Any]) -> ScoreBound:
        return ScoreBound([("==", n.value) for n in _of(c, Num)], True, span_of(c))

    def score_or_less(self, c: list[Any]) -> ScoreBound:
        return ScoreBound([("<=", c[0].value)], False, span_of(c))

    def score_or_more(self, c: list[Any]) -> ScoreBound:
        return ScoreBound([(">=", c[0].value)], False, span_of(c))

    def score_eq(self, c: list[Any]) -> ScoreBound:
        return ScoreBound([("==", c[0].value)], False, span_of(c))

    def score_compare(self, c: list[Any]) -> Predicate:
        scale, flags = _scale(_tokens(c, "SCALE"))
        bound = _of(c, ScoreBound)[0]
        node = thresholds.score_bound(scale, bound, span_of(c))
        return node.model_copy(update={"flags": (*node.flags, *flags)}) if flags else node

    def score_compare_prefix(self, c: list[Any]) -> Predicate:
        (op, op_span) = c[0]
        num = _of(c, Num)[0]
        scale = thresholds.analyte_id(str(_tokens(c, "SCALE")[0]))
        return thresholds.score_bound(
            scale, ScoreBound([(op, num.value)], False, op_span), span_of(c)
        )

    # ---- age and life expectancy ----
    # Age bounds are (op, years, unit): the unit as written, so that "6 months" compares in
    # completed months and "18 years" in completed years (evaluate.age_met).
    def _unit(self, c: list[Any]) -> tuple[float, AgeUnit]:
        units = _tokens(c, "TIME_UNIT")
        return _age_unit(str(units[0])) if units else (1.0, "years")

    def age_cmp(self, c: list[Any]) -> list[AgeBound]:
        k, unit = self._unit(c)
        return AgeBounds([(c[0][0], c[1].value * k, unit)], _span_of_bound(c))

    def age_or_more(self, c: list[Any]) -> list[AgeBound]:
        k, unit = self._unit(c)
        return AgeBounds([(">=", c[0].value * k, unit)], _span_of_bound(c))

    def age_or_less(self, c: list[Any]) -> list[AgeBound]:
        k, unit = self._unit(c)
        return AgeBounds([("<=", c[0].value * k, unit)], _span_of_bound(c))

    def _per_number(self, c: list[Any]) -> list[tuple[float, AgeUnit]]:
        """Each number in years with its unit, by the time unit after it (or the last one
        written); a number with no unit after it is in years."""
        values: list[tuple[float, AgeUnit]] = []
        pending: list[float] = []
        for child in c:
            if isinstance(child, Num):
                pending.append(child.value)
            elif isinstance(child, Token) and child.type == "TIME_UNIT":
                k, unit = _age_unit(str(child))
                values.extend((v * k, unit) for v in pending)
                pending = []
        return values + [(v, "years") for v in pending]

    def age_range(self, c: list[Any]) -> list[AgeBound]:
        (low, low_unit), (high, high_unit) = self._per_number(c)[:2]
        return AgeBounds([(">=", low, low_unit), ("<=", high, high_unit)], _span_of_bound(c))

    def age_range_between(self, c: list[Any]) -> list[AgeBound]:
        low, high = _of(c, Num)
        k, unit = self._unit(c)
        return AgeBounds(
            [(">=", low.value * k, unit), ("<=", high.value * k, unit)], _span_of_bound(c)
        )

    def age_compare(self, c: list[Any]) -> Predicate:
        parts = [x for x in c if isinstance(x, list)][0]
        return _ages(parts, span_of(c))

    def age_two_bounds(self, c: list[Any]) -> Predicate:
        """ "aged >= 18 and <= 65 years": the time unit may be written once, at the end; each
        bound keeps its own where both are written ("at least 6 months and less than 6 years")."""
        parts = self._two_bounds(c)
        return _flagged(_ages(parts, span_of(c)), _contradict(parts, either=False))

    def _two_bounds(self, c: list[Any]) -> list[AgeBound]:
        """Each (comparator, number) of a two-bound age with the time unit right after it, or
        else the last one written (years when none is)."""
        cmps = [x for x in c if isinstance(x, tuple)]
        nums = _of(c, Num)
        units = _tokens(c, "TIME_UNIT")
        last = _age_unit(str(units[-1])) if units else (1.0, "years")
        parts: list[AgeBound] = []
        for (op, _), num in zip(cmps, nums, strict=True):
            after = [u for u in units if (u.start_pos or 0) >= num.span[1]]
            own = after[0] if after and (after[0].start_pos or 0) - num.span[1] <= 1 else None
            k, unit = _age_unit(str(own)) if own is not None else last
            parts.append((op, num.value * k, unit))
        return parts

    def age_either_bound(self, c: list[Any]) -> Predicate:
        """ "age < 35 or > 75 years": outside the band, either bound (the unit written once)."""
        parts = self._two_bounds(c)
        nodes = [_ages([part], span_of(c)) for part in parts]
        return _flagged(_any(nodes, span_of(c)), _contradict(parts, either=True))

    def age_cmp_prefix(self, c: list[Any]) -> Predicate:
        """ "maximum age 65 years"."""
        (op, _) = c[0]
        k, unit = self._unit(c)
        return _ages([(op, _of(c, Num)[0].value * k, unit)], span_of(c))

    def age_cmp_suffix(self, c: list[Any]) -> Predicate:
        """ "older than 2 years of age"."""
        (op, _) = c[0]
        return _ages([(op, _of(c, Num)[0].value, "years")], span_of(c))

    def age_between_prefix(self, c: list[Any]) -> Predicate:
        """ "between the age of 18 and 65", "between the ages of 18 months and 8 years" (each
        number in the unit after it, or the last one written)."""
        (low, low_unit), (high, high_unit) = self._per_number(c)[:2]
        return _ages([(">=", low, low_unit), ("<=", high, high_unit)], span_of(c))

    def age_up_to(self, c: list[Any]) -> Predicate:
        """ "Age 3 months up to 100 years": from the first number up to the second."""
        (low, low_unit), (high, high_unit) = self._per_number(c)[:2]
        return _ages([(">=", low, low_unit), ("<=", high, high_unit)], span_of(c))

    def age_years_or_more(self, c: list[Any]) -> Predicate:
        """ "18 years and older" (a number of years with "or older" is an age)."""
        k, unit = self._unit(c)
        return _ages([(">=", c[0].value * k, unit)], span_of(c))

    def age_word_cmp(self, c: list[Any]) -> Predicate:
        """ "older than 65 years", "under the age of 18", "no older than 70 years"."""
        words = {t.type for t in c if isinstance(t, Token)}
        ops: dict[str, Op] = {"OLDER": ">", "YOUNGER": "<", "NOT_OLDER": "<=", "NOT_YOUNGER": ">="}
        op = next(ops[w] for w in ops if w in words)
        k, unit = self._unit(c)
        return _ages([(op, _of(c, Num)[0].value * k, unit)], span_of(c))

    def age_to_cmp(self, c: list[Any]) -> Predicate:
        """ "aged 2 to < 18 years": the upper bound carries its own comparator."""
        (op, _) = [x for x in c if isinstance(x, tuple)][0]
        (low, low_unit), (high, high_unit) = self._per_number(c)[:2]
        return _ages([(">=", low, low_unit), (op, high, high_unit)], span_of(c))

    def age_suffix_or_more(self, c: list[Any]) -> Predicate:
        return _ages([(">=", c[0].value, "years")], span_of(c))

    def age_suffix_or_less(self, c: list[Any]) -> Predicate:
        return _ages([("<=", c[0].value, "years")], span_of(c))

    def duration_cmp(self, c: list[Any]) -> tuple[Op, float, Span]:
        months = c[1].value * days_per(str(_tokens(c, "TIME_UNIT")[0])) / (365.25 / 12)
        return (c[0][0], months, span_of(c))

    def duration_or_more(self, c: list[Any]) -> tuple[Op, float, Span]:
        months = c[0].value * days_per(str(_tokens(c, "TIME_UNIT")[0])) / (365.25 / 12)
        return (">=", months, span_of(c))

    def life_expectancy(self, c: list[Any]) -> Predicate:
        op, months, bound = [x for x in c if isinstance(x, tuple)][0]
        span = span_of([*[x for x in c if not isinstance(x, tuple)], (op, bound)])
        return LifeExpectancy(op=op, months=round(months, 9), span=span)

    def life_expectancy_not(self, c: list[Any]) -> Predicate:
        """ "Unlikely to survive more than 2 weeks", "Not expected to survive 12 weeks": the
        other side of the bound."""
        read = self.life_expectancy(c)
        assert isinstance(read, LifeExpectancy)
        return read.model_copy(update={"op": _OTHER_SIDE[read.op]})

    def sex_is(self, c: list[Token]) -> Predicate:
        return SexIs(sex="female" if c[0].type == "FEMALE" else "male", span=span_of(c))

    # ---- concepts ----
    def concept(self, c: list[Token]) -> ConceptRef:
        """A concept and the name in brackets after it ("zidovudine (AZT)"); a name of another
        concept ("cancer (melanoma)") narrows or changes it: marked, and the clause unread."""
        ids = {thresholds.concept_id(str(t)) for t in _tokens(c, "CONCEPT", "UNNAMED")}
        marks: tuple[str, ...] = ("alias_mismatch:",) if len(ids) > 1 else ()
        # the words as written, with "therapy"/"treatments" after the name
        phrase = " ".join(" ".join(str(t) for t in [c[0], *_tokens(c, "THERAPY")]).lower().split())
        concept_id = thresholds.concept_id(str(c[0]))
        if _tokens(c, "THERAPY") and concepts.get(concept_id).category not in _TREATING:
            marks += ("therapy_of:",)  # "HIV therapy", "Kaposi's sarcoma treatment"
        elif _tokens(c, "THERAPY"):
            marks += ("therapy:",)  # "irinotecan and fluorouracil therapy": one regimen?
        return ConceptRef(concept_id, span_of(c), marks, phrase)

    def in_the_past(self, c: list[Token]) -> Word:
        """ "in the past" after a concept, with no time: ever, as "history of" says."""
        return Word("history", " ".join(str(c[0]).lower().split()), span_of(c))

    def at_now(self, c: list[Token]) -> Moment:
        """ "at screening", "at the time of signing informed consent" after a concept."""
        return Moment()

    def history(self, c: list[Token]) -> Word:
        """ "prior", "history of": when. "known", "documented", "confirmed": how it is known,
        not when (role "neutral")."""
        text = " ".join(str(c[0]).lower().split())
        # "pre-existing" says it was there before the study, as the bare name does
        known = text in ("known", "documented", "pre-existing", "preexisting", "pre existing")
        known = known or text.startswith(("histolog", "cytolog"))
        return Word("neutral" if known else "history", text, span_of(c))

    def ever(self, c: list[Token]) -> Word:
        """ "prior or current": then or now, which is any time."""
        return Word("ever", " ".join(str(c[0]).lower().split()), span_of(c))

    def current(self, c: list[Token]) -> Word:
        """ "current", "receiving", ... say now; "treatment with", "exposure to", "use of",
        "evidence of" name the thing without saying when (role "neutral")."""
        text = " ".join(str(c[0]).lower().split())
        # "clinical evidence of", "radiographic evidence of": how it is known, as "evidence of"
        neutral = text in _NEUTRAL or text.endswith("evidence of")
        return Word("neutral" if neutral else "current", text, span_of(c))

    def stage(self, c: list[Token]) -> Word:
        """ "stage III or IV": the stages the condition after it must be in (has_concept)."""
        return Word("stage", " ".join(str(c[0]).split()), span_of(c))

    def recent(self, c: list[Token]) -> Word:
        """ "recent": how recent is the window beside it (has_concept); with none, a qualifier
        the record cannot check."""
        return Word("recent", "recent", span_of(c))

    def severity(self, c: list[Token]) -> Word:
        text = " ".join(str(c[0]).lower().split())
        return Word("current" if text == "clinically active" else "severity", text, span_of(c))

    def indication(self, c: list[Any]) -> IndicationSpec:
        refs: list[ConceptRef] = [x for x in c if isinstance(x, list)][0]
        intro = " ".join(str(_tokens(c, "COND_INTRO")[0]).lower().split())
        several = len(refs) > 1 or bool(refs[0].qualifiers)  # "for MDS or AML": either? both?
        return IndicationSpec(refs[0].concept, intro, span_of(c), several)

    def lasting(self, c: list[Any]) -> LastingSpec:
        op = [x for x in c if isinstance(x, tuple)][0][0]
        days = _days(c)
        intro_tokens = _tokens(c, "COND_INTRO")  # "of at least 6 months duration": duration
        intro = " ".join(str(intro_tokens[0]).lower().split()) if intro_tokens else "duration"
        until_now = True if _tokens(c, "THE_PAST") else None if _tokens(c, "REFPOINT") else False
        return LastingSpec(op, days, intro, span_of(c), until_now)

    def lasting_or_more(self, c: list[Any]) -> LastingSpec:
        days = _days(c)
        intro = " ".join(str(_tokens(c, "COND_INTRO")[0]).lower().split())
        return LastingSpec(">=", days, intro, span_of(c))

    def fertile_contraception(self, c: list[Token]) -> Predicate:
        """ "Fertile patients must use effective contraception": a woman of childbearing
        potential uses contraception, or has agreed to (it often starts at enrolment); a woman
        without it is not concerned; a man may be fertile, which the record says only as
        "infertility", so he needs contraception (or the agreement) on record, or infertility.
        Neither fails without a record that says so. "Fertile women": women only. A
        requirement: read in inclusions only (flag `inclusion_only`)."""
        span = span_of(c)
        uses = AnyOf(
            items=(
                HasConcept(concept="contraception", timing="current", span=span),
                HasConcept(concept="contraception_agreed", span=span),
            ),
            span=span,
        )
        women_only = re.search(r"(?i)women|female", str(c[0])) is not None
        able = HasConcept(concept="childbearing_potential", span=span)
        otherwise: Predicate = (
            Not(item=able, span=span)  # true whenever this branch is taken
            if women_only
            else AnyOf(
                items=(
                    SexIs(sex="female", span=span),
                    *uses.items,
                    HasConcept(concept="infertility", span=span),
                ),
                span=span,
            )
        )
        return Conditional(
            condition="childbearing_potential",
            then=uses,
            otherwise=otherwise,
            span=span,
            flags=("inclusion_only",),
        )

    def route(self, c: list[Token]) -> Word:
        """ "IV", "oral", "systemic": how a drug is given; the record does not say (a qualifier).
        "IV" stays in capitals (the grammar reads it only so)."""
        text = " ".join(str(c[0]).lower().split())
        return Word("route", "IV" if text == "iv" else text, span_of(c))

    def extent(self, c: list[Token]) -> Word:
        """ "to more than 25% of bone marrow": written back in one form, after the concept."""
        text = " ".join(str(c[0]).lower().split())
        share = re.search(r"\d+(?:\.\d+)?", text)
        assert share is not None  # the terminal has a number
        op = "at least" if re.search(r"at least|>=|>/=", text) else "more than"
        return Word("extent", f"to {op} {share.group(0)}% of bone marrow", span_of(c))

    def needing(self, c: list[Token]) -> Word:
        return Word("needing", " ".join(str(c[0]).lower().split()), span_of(c))

    def negation(self, c: list[Token]) -> Word:
        return Word("negation", str(c[0]).lower(), span_of(c))

    def group(self, c: list[Any]) -> Any:
        """A bracketed group of clauses: its content."""
        return [x for x in c if not isinstance(x, Token)][0]

    def not_group(self, c: list[Any]) -> Any:
        """ "no (…)": the bracketed clauses must not hold."""
        inner = [x for x in c if not isinstance(x, (Token, Word))][0]
        return Not(item=inner, span=span_of(c)) if hasattr(inner, "kind") else inner

    def concept_and(self, c: list[Any]) -> str:
        """ "and" between concepts: a marker for `concept_list`."""
        return "concept_and"

    def concept_list(self, c: list[Any]) -> list[ConceptRef]:
        out: list[ConceptRef] = []
        pending: list[str] = ["joined:and"] if "concept_and" in c else []
        for child in c:
            if isinstance(child, Word):
                pending.append(f"{child.role}:{child.text}")
            elif isinstance(child, ConceptRef):
                concept, quals = _other_malignancy(child.concept, (*pending, *child.qualifiers))
                out.append(ConceptRef(concept, child.span, quals, child.phrase))
                pending = []
        if "concept_and" in c and out:  # every item carries the mark, for has_concept
            out = [ConceptRef(r.concept, r.span, (*r.qualifiers, "joined:and")) for r in out]
        return out

    def grade_bound(self, c: list[Any]) -> GradeSpec:
        op = [x for x in c if isinstance(x, tuple)][0][0]
        return GradeSpec(op, int(_of(c, Num)[0].value), span_of(c))

    def grade_or_more(self, c: list[Any]) -> GradeSpec:
        return GradeSpec(">=", int(_of(c, Num)[0].value), span_of(c))

    def window(self, c: list[Any]) -> WindowSpec:
        nums = _of(c, Num)
        count = nums[0].value if nums else 1.0
        return WindowSpec(count * days_per(str(_tokens(c, "TIME_UNIT")[0])), span_of(c))

    window_before = window

    def window_cmp(self, c: list[Any]) -> WindowSpec:
        """ "less than 4 weeks prior to registration": within 4 weeks. "More than 6 months
        before entry" says the opposite (it happened, and long ago), which is not read."""
        op = [x for x in c if isinstance(x, tuple)][0][0]
        days = _days(c)
        return WindowSpec(days, span_of(c), op=op)

    def exception(self, c: list[Any]) -> ExceptSpec:
        """ "other than X or Y"; "except adequately treated X": a condition on the kinds left
        out (grammar EXCEPT), for every kind after it (it only narrows what is excepted)."""
        refs: list[ConceptRef] = [x for x in c if isinstance(x, list)][0]
        written = " ".join(str(_tokens(c, "EXCEPT")[0]).lower().split())
        found = _EXCEPT_QUALIFIER.search(written)
        qualifier = " ".join(found.group(0).replace("-", " ").split()) if found else None
        return ExceptSpec(tuple(r.concept for r in refs), span_of(c), qualifier)

    def other_kind(self, c: list[Token]) -> Word:
        """ "other", "another primary" before a malignancy: one other than the patient's own
        (has_concept and concept_list make it a second malignancy)."""
        return Word("other", " ".join(str(c[0]).lower().split()), span_of(c))

    def definition(self, c: list[Any]) -> Any:
        """The bracketed definition; a bound without a subject defines nothing."""
        found = [x for x in c if not isinstance(x, Token)]
        return found[0] if found and hasattr(found[0], "kind") else None

    def has_concept(self, c: list[Any]) -> Predicate:
        words = _of(c, Word)
        if _of(c, Moment) and not any(w.role in ("history", "ever") for w in words):
            # "pregnant at the time of enrollment": now ("history of X at enrollment": ever)
            words = [*words, Word("current", "at screening", span_of(c))]
        negated = any(w.role == "negation" for w in words)
        # "no history of X" is one negation word that says when: ever
        ever_had = any(w.role == "negation" and "history" in w.text for w in words)
        timing = _timing({w.role for w in words} | ({"history"} if ever_had else set()))
        quals = tuple(w.text for w in words if w.role == "severity" and w.text in _UNVERIFIABLE)
        quals += tuple(w.text for w in words if w.role in ("needing", "route", "extent"))
        roles = roles_written = {w.role for w in words}
        if {"history", "current"} <= roles:  # "history of active TB": the active form, then
            quals += ("active",)
        grades = _of(c, GradeSpec)
        windows = _of(c, WindowSpec)
        if "recent" in roles and not windows:  # "recent myocardial infarction": how recent?
            quals += ("recent",)
        excepted = _of(c, ExceptSpec)
        except_ids = excepted[0].concepts if excepted else ()
        given_for = _of(c, IndicationSpec)
        indication = given_for[0].concept if given_for else None
        concept_refs = [x for x in c if isinstance(x, list)][0]
        if any(w.role == "other" for w in words):  # "No other active malignancy"
            first = concept_refs[0]
            concept, marks = _other_malignancy(first.concept, ("other:other", *first.qualifiers))
            concept_refs = [ConceptRef(concept, first.span, marks, first.phrase), *concept_refs[1:]]
        span = span_of(c)
        definitions = [
            x
            for x in c
            if x is not None
            and not isinstance(
                x,
                (
                    Token,
                    Word,
                    GradeSpec,
                    WindowSpec,
                    ExceptSpec,
                    IndicationSpec,
                    LastingSpec,
                    Moment,
                    list,
                ),
            )
        ]
        lasting = _of(c, LastingSpec)
        lasts = lasting[0] if lasting and _lasting_read(lasting[0], concept_refs) else None
        # "Must have not received any cancer treatment for at least 2 weeks", "No use of HRT for
        # at least one year": a washout, none within that time ("for more than 2 days" under a
        # negation may cap a course instead: not read)
        washout = (
            lasting[0]
            if lasting
            and negated
            and lasting[0].intro == "for"
            and lasting[0].op == ">="
            and not (grades or windows or given_for or excepted or definitions)
            and all(_in(r.concept, concepts.TREATMENT_CATEGORIES) for r in concept_refs)
            # "No prior treatment with X for at least 3 months", "never received X for 2 weeks":
            # no such course, not a washout
            and not any(w.role == "ever" or _EVER_WORDS.search(w.text) for w in words)
            else None
        )
        if lasts and (negated or grades or windows or given_for or excepted or definitions):
            lasts = None  # "for 6 months within the past year": not read
        # read as written but not trusted (flag `duration_unread`): "AZT for at least 1 year
        # prior to study entry" (the course up to now, or any?); "Steroid therapy of more than 6
        # weeks duration" (this course, which may go on?); "Atrial fibrillation of at least 7
        # days duration" (this episode?) (review 25)
        doubtful = (
            lasts is not None
            and "current" not in roles
            and (
                lasts.until_now is None
                or (
                    lasts.intro == "duration"
                    and any(
                        _in(r.concept, concepts.TREATMENT_CATEGORIES)
                        or (concepts.known(r.concept) and concepts.is_a(r.concept, _EPISODIC))
                        for r in concept_refs
                    )
                )
            )
        )
        if lasts and any(_in(r.concept, _REGIMEN) for r in concept_refs) and "current" in roles:
            lasts = None  # "on their current HAART for 6 weeks": the regimen's time, not a drug's
        # "Insomnia for more than 1 month" is insomnia now; "a history of X for 5 years" may be
        # past ("diagnosis of", "documented" say how it is known, not when)
        past = any(
            w.role == "history" and re.search(r"histor|prior|previous|past", w.text) for w in words
        )
        # "Had chickenpox at least 6 months prior to study entry": it happened, that long ago
        onset = (
            windows[0]
            if windows
            and windows[0].after
            and not (negated or grades or given_for or excepted or definitions or lasting)
            and all(_in(r.concept, _BEGAN_ON_A_DATE) for r in concept_refs)
            else None
        )
        staged = [w for w in words if w.role == "stage"]
        stages = stage_set(staged[0].text) if staged else ()
        items: list[Predicate] = []
        for ref in concept_refs:
            roles = {q.split(":", 1)[0] for q in ref.qualifiers}
            own = _timing(roles) if roles & {"current", "history", "ever"} else timing
            extra = tuple(q for q in _unchecked_marks(ref) if q not in quals)
            if (
                concepts.known(ref.concept) and concepts.ancestors(ref.concept) & _SPREAD_TO_CNS
            ) and any(
                re.search(r"(?i)\bactive\b", text)
                for text in [w.text for w in words if w.role == "current"]
                + [q.split(":", 1)[1] for q in ref.qualifiers if q.startswith("current:")]
            ):  # "active brain metastases": untreated or progressing, which the record's
                # "active" (still there) does not say; treated, stable ones are not active
                extra = (*extra, ACTIVE_METASTASES)
            own_span = _own_span(ref, concept_refs, excepted, span)
            if onset is not None:  # "had chickenpox at least 6 months prior to entry"
                items.append(
                    ConceptOnset(
                        concept=ref.concept,
                        op=onset.op,
                        days=onset.days,
                        qualifiers=quals + extra,
                        span=own_span,
                    )
                )
                continue
            if lasts is not None:  # "type 2 diabetes for at least 6 months"
                current = own == "current" or (_in(ref.concept, _HAD) and not past)
                current = current or bool(lasts.until_now)  # "for at least the past 6 months"
                items.append(
                    ConceptDuration(
                        concept=ref.concept,
                        op=lasts.op,
                        days=lasts.days,
                        current=current,
                        qualifiers=quals + extra,
                        span=own_span,
                    )
                )
                continue
            items.append(
                HasConcept(
                    concept=ref.concept,
                    timing=own,
                    within_days=(
                        washout.days
                        if washout
                        else windows[0].days
                        if windows and not windows[0].after
                        else None
                    ),
                    grade_op=grades[0].op if grades else None,
                    grade=grades[0].grade if grades else None,
                    qualifiers=quals + extra,
                    except_concepts=except_ids,
                    except_qualifier=excepted[0].qualifier if excepted else None,
                    indication=indication,
                    stages=stages,
                    span=own_span,
                )
            )
        flat = _flat(items, AnyOf, merge=True)
        inner = flat[0] if len(flat) == 1 else AnyOf(items=flat, span=span)
        if staged and (
            not stages
            or onset is not None
            or lasts is not None
            or not all(_staged_by_tnm(r.concept) for r in concept_refs)
        ):  # a set not read; a stage with how long ago or how long; or a disease staged in
            # several systems (myeloma: ISS or Durie-Salmon; CLL: Rai or Binet; HIV: CDC or WHO)
            # or not as cancers are: not read
            inner = inner.model_copy(update={"flags": (*inner.flags, "stage_unread")})
        if washout is not None:  # in an exclusion ("who have not been on ART for 3 months"
            # are excluded: a requirement of ART) not read (compiler: inclusion_only)
            inner = inner.model_copy(update={"flags": (*inner.flags, "inclusion_only")})
        if (lasting and lasts is None and washout is None) or doubtful:  # "for < 2 weeks"
            inner = inner.model_copy(update={"flags": (*inner.flags, "duration_unread")})
        if windows and any(
            {q.split(":", 1)[0] for q in ref.qualifiers} & {"history", "current"}
            for ref in concept_refs[1:]
        ):  # "history of MI, TIA, stroke, or history of DVT within 12 months": a list that
            # starts again; the window may be the last item's only
            inner = inner.model_copy(update={"flags": (*inner.flags, "window_reach")})
        if definitions:
            defined = definitions[0]
            nyha = list(leaves(defined))
            graded = (
                bool(nyha)
                and all(isinstance(leaf, ScoreCompare) and leaf.scale == "nyha" for leaf in nyha)
                and all(concepts.graded_by_nyha(r.concept) for r in concept_refs)
            )
            if any(w.role == "history" for w in words):
                # "History of CHF (NYHA class II-IV)", "History of kidney disease (creatinine
                # > 2)": values of the past, which today's do not show. Not read.
                inner = _any([inner, defined], span, merge=True)
                inner = inner.model_copy(update={"flags": (*inner.flags, "unread_definition")})
            elif graded:  # "Heart failure (NYHA class III or IV)": the disease of that class
                inner = _all([inner, defined], span)
            elif defined.kind in ("lab_compare", "score_compare", "all_of", "any_of") and all(
                leaf.kind in ("lab_compare", "score_compare")
                for leaf in getattr(defined, "items", (defined,))
            ):
                # "Thrombocytopenia (< 75,000 platelets/mm3)": the bracket says what counts
                flags = (*defined.flags, "defined_by_bracket")
                inner = defined.model_copy(update={"flags": flags, "span": span})
            else:
                inner = _any([inner, defined], span, merge=True)
                if any(leaf.kind in ("lab_compare", "score_compare") for leaf in nyha):
                    # "CHF (NYHA class III or IV heart disease)": a measure among other words
                    inner = inner.model_copy(update={"flags": (*inner.flags, "unread_definition")})
        if any(q.startswith("other:") for r in concept_refs for q in r.qualifiers):
            # "other" before something that is no malignancy: other than what? not read
            inner = inner.model_copy(update={"flags": (*inner.flags, "other_unread")})
        if except_ids and not all(
            any(concepts.may_be_kind_of(e, r.concept) for r in concept_refs)
            for e in except_ids
            if concepts.known(e)
        ):  # "malignancy other than HIV": an exception that is no kind of what it excepts from
            inner = inner.model_copy(update={"flags": (*inner.flags, "exception_unrelated")})
        if any(q.startswith("alias_mismatch") for r in concept_refs for q in r.qualifiers):
            inner = inner.model_copy(update={"flags": (*inner.flags, "alias_mismatch")})
        if any(w.text in _EXPOSURE for w in words) and not all(
            _in(r.concept, concepts.TREATMENT_CATEGORIES) for r in concept_refs
        ):  # "exposure to measles", "exposed to TB": contact, not the disease; not read
            inner = inner.model_copy(update={"flags": (*inner.flags, "exposure_unread")})
        if any(q.startswith("therapy_of") for r in concept_refs for q in r.qualifiers):
            inner = inner.model_copy(update={"flags": (*inner.flags, "therapy_of_condition")})
        if windows and windows[0].after and onset is None:  # "more than 6 months of therapy
            inner = inner.model_copy(update={"flags": (*inner.flags, "window_after")})
        if windows and onset is None and any(w.text.startswith("diagnos") for w in words):
            # "Diagnosis of Parkinson's disease less than 5 years prior": when it began, which a
            # window (present at some time in it) does not read
            inner = inner.model_copy(update={"flags": (*inner.flags, "window_after")})
        if given_for and not _given_for(given_for[0], concept_refs):
            # "chemotherapy if metastatic", "aspirin for patients", "diabetes for 5 years"
            inner = inner.model_copy(update={"flags": (*inner.flags, "indication_unread")})
        if any(isinstance(d, Not) or d.flags for d in definitions):
            # "Not pregnant (negative pregnancy test)": a result or a negation in the bracket
            inner = inner.model_copy(update={"flags": (*inner.flags, "unread_definition")})
        if any(x is None for x in c):  # a bracket that defines nothing was read past
            inner = inner.model_copy(update={"flags": (*inner.flags, "unread_definition")})
        joined = any("joined:and" in r.qualifiers for r in concept_refs)
        if joined and not negated and len(flat) > 1:  # "AIDS and toxoplasmosis": both, or a list?
            mark = "and_pair" if len(concept_refs) == 2 else "and_list"
            inner = inner.model_copy(update={"flags": (*inner.flags, mark)})
        if joined and negated and "therapy:" in concept_refs[-1].qualifiers:
            # "No prior irinotecan and fluorouracil therapy": neither, or not the combination?
            inner = inner.model_copy(update={"flags": (*inner.flags, "combination_unread")})
        if len(concept_refs) > 1 and "extent" in roles_written:
            # "No prior pelvic radiotherapy or radiotherapy to more than 25% of bone marrow":
            # does the extent qualify the last item only? not read
            inner = inner.model_copy(update={"flags": (*inner.flags, "qualifier_list")})
        return Not(item=inner, span=span) if negated else inner

    def concept_result(self, c: list[Any]) -> Predicate:
        """ "HIV negative", "Negative pregnancy test": a test result says whether a condition
        is there, for infections and pregnancy (what such tests find). For anything else
        ("ER negative", "biopsy positive") the result is of a marker or a procedure: unread."""
        refs: list[ConceptRef] = [x for x in c if isinstance(x, list)][0]
        negative = "neg" in str(_tokens(c, "RESULT")[0]).lower()
        span = span_of(c)
        items: list[Predicate] = [  # a result says what is so now
            HasConcept(
                concept=r.concept,
                timing="current",
                span=r.span if len(refs) > 1 else span,
                flags=("test_result",),
            )
            for r in refs
        ]
        inner = items[0] if len(items) == 1 else AnyOf(items=tuple(items), span=span)
        flags: tuple[str, ...] = ()
        polar = any(re.search(r"positiv|negativ|\+", r.phrase) for r in refs)
        # "CMV seronegative", "HCV seropositivity": antibodies, which stay after an infection
        # has gone; only for HIV (never cleared) is the serology the infection
        serology = str(_tokens(c, "RESULT")[0]).lower().startswith("sero") and not all(
            concepts.is_a(r.concept, "hiv_infection") for r in refs
        )
        if not all(_found_by_a_test(r.concept) for r in refs) or polar or serology:
            # "ER negative"; "HIV positive or HIV negative" (a result inside the list)
            flags = ("result_of_untested",)
        elif len(items) > 1 and not negative:  # "HIV and HBV positive": both, or either?
            flags = ("result_list",)
        if _of(c, WindowSpec):
            # "negative pregnancy test within 7 days prior to registration": a test to be done
            # in that window, which no record shows done (review 21: pending, not met)
            flags = (*flags, "test_window_unread")
        node = Not(item=inner, span=span) if negative else inner.model_copy(update={"span": span})
        return node.model_copy(update={"flags": (*node.flags, *flags)}) if flags else node

    def hypersensitivity(self, c: list[Any]) -> Predicate:
        """ "Hypersensitivity to acyclovir": the hypersensitivity to each drug named (a concept
        of its own, lexicon/concepts.py); to anything but a drug or class, unread."""
        refs: list[ConceptRef] = [x for x in c if isinstance(x, list)][0]
        made = [
            ConceptRef(concepts.hypersensitivity_to(r.concept), r.span, r.qualifiers) for r in refs
        ]
        node = self.has_concept([made if x is refs else x for x in c])
        if all(_allergen(r) for r in refs):
            return node
        return node.model_copy(update={"flags": (*node.flags, "hypersensitivity_target")})

    def recovered_from(self, c: list[Any]) -> Predicate:
        """ "Recovered from prior surgery": had it and recovered (unknown once had), or never
        had it. As an exclusion ("recovered from X" excludes?) it is not read."""
        refs = [r for x in c if isinstance(x, list) for r in x if isinstance(r, ConceptRef)]
        quals = _unchecked(_of(c, Word))
        span = span_of(c)
        items: list[Predicate] = [
            TimeSince(
                concept=r.concept,
                op=">=",
                days=0,
                qualifiers=quals,
                recovered=True,
                span=span,
                # "Recovered from PCP": having had it is the point, which this does not ask
                flags=("inclusion_only",)
                + (() if _in(r.concept, _TREATED) else ("recovery_unread",)),
            )
            for r in refs
        ]
        return _all(items, span)

    def regimen_kind(self, c: list[Any]) -> RegimenKind:
        refs = [r for x in c if isinstance(x, list) for r in x if isinstance(r, ConceptRef)]
        links = tuple(" ".join(str(t).lower().split()) for t in _tokens(c, "CLASS"))
        return RegimenKind(
            refs[0] if refs else None,
            tuple(_of(c, Word)),
            bool(_tokens(c, "REGIMEN")),
            links,
            span_of(c),
            len(refs) > 1,
            tuple(str(t).lower() for t in _tokens(c, "THERAPY")),
        )

    def regimen_count(self, c: list[Any]) -> Any:
        """ "No more than 2 prior chemotherapy regimens", "at least 1 prior line of systemic
        therapy", "2 or fewer prior regimens": how many regimens of a kind (none named: lines
        of any kind; "systemic": systemic therapy); "for metastatic disease": only those given
        for it (some of them). A drug counts only as "X regimens"; a count that is no whole
        number, a condition ("2 prior myocardial infarctions"), or words the count does not
        know are kept under the flag `count_unread`."""
        return self._regimen_count(c, [x[0] for x in c if isinstance(x, tuple)])

    def regimen_count_or_less(self, c: list[Any]) -> Any:
        return self._regimen_count(c, ["<="])

    def regimen_count_or_more(self, c: list[Any]) -> Any:
        return self._regimen_count(c, [">="])

    # "At least 1, but no more than 3, prior chemotherapy regimens": both bounds, each with its
    # comparator (the same reading as one bound)
    regimen_count_two = regimen_count

    def regimen_count_between(self, c: list[Any]) -> Any:
        return self._regimen_count(c, [">=", "<="])

    def _regimen_count(self, c: list[Any], ops: list[Op]) -> Any:
        nums = [n.value for n in _of(c, Num)]
        kind: RegimenKind = _of(c, RegimenKind)[0]
        words = [*_of(c, Word), *kind.words]
        routes = [w.text for w in words if w.role == "route"]
        odd = any(n != int(n) or n > 50 for n in nums) or kind.several
        odd |= any(link != "of" for link in kind.links)
        odd |= any(w.role not in ("history", "neutral", "route") for w in words)
        concept = LINES_OF_THERAPY
        if kind.ref is not None:
            concept = kind.ref.concept
            category = concepts.category(concept)
            # "more than one stroke", "at least one measurable lesion", "grade 2 or higher AZT
            # toxicity", "at least 1 NRTI" (drugs of a class, not regimens): no count of
            # regimens (no node: the words are read as they were without this rule)
            # without "regimens"/"lines": only a name of therapies ("biologic therapy",
            # "chemotherapy"), not of agents or drugs ("2 prior cytotoxic agents": one regimen
            # may hold four) or of treatments ("5 radiation treatments" are fractions)
            therapies = _THERAPY_WORD.search(kind.ref.phrase) is not None
            if category not in concepts.TREATMENT_CATEGORIES or not (kind.regimen or therapies):
                return BoundSpec((), span_of(c))
            odd |= any(
                m.startswith(("therapy_of:", "alias_mismatch:", "joined:"))
                or m.split(":")[0] not in ("history", "neutral", "route", "therapy")
                for m in kind.ref.qualifiers
            )
        else:
            # lines of any kind: only as prior ones ("3 or more lines" on an eye chart, "at
            # least 2 treatments" of dialysis are no lines of therapy), and "therapies" only
            if not any(w.role == "history" for w in words) or (
                not kind.regimen and not all(_THERAPY_WORD.search(b) for b in kind.therapy_words)
            ):
                return BoundSpec((), span_of(c))
            if routes == ["systemic"]:  # "prior systemic regimens"
                concept, routes = "systemic_therapy", []
        given = _of(c, IndicationSpec)
        # "if HIV positive", "in patients with": a condition, not what they were given for
        odd |= any(g.intro != "for" for g in given)
        span = span_of(c)
        items: list[Predicate] = [
            RegimenCount(
                concept=concept,
                op=op,
                count=int(n),
                qualifiers=tuple(routes),
                indication=given[0].concept if given else None,
                span=span,
                flags=("count_unread",) if odd else (),
            )
            for op, n in zip(ops, nums, strict=True)
        ]
        return _all(items, span)

    # ---- tumour markers ----
    def marker_or(self, c: list[Any]) -> str:
        return "or"

    def marker_and(self, c: list[Any]) -> str:
        return "and"

    def variant_list(self, c: list[Any]) -> tuple[tuple[str, ...], bool]:
        """The variants named (one spelling each), and whether they can be read as "any of
        them" (joined by "or", commas or slashes; "and" may mean both)."""
        keys = [
            biomarkers.variant_key(_VARIANT_TAIL.sub("", str(t))) for t in _tokens(c, "VARIANT")
        ]
        plain = "and" not in c and all(k is not None for k in keys)
        return tuple(k for k in keys if k is not None), plain

    def marker_name(self, c: list[Token]) -> MarkerItem | None:
        return _marker_item(c[0], None, "")

    def marker_item(self, c: list[Any]) -> MarkerItem | None:
        tok = c[0]
        listed = [x for x in c if isinstance(x, tuple)]
        variants, plain = listed[0] if listed else ((), True)
        if tok.type == "MARKER_PHRASE":
            text = _GERMLINE_WORDS.sub("", str(tok))
            found = biomarkers.phrase(text)
            if found is None:
                return None
            marker, result = found
            return MarkerItem(
                marker.id, result, marker.alteration or "any", (), _germline(tok), span_of(c)
            )
        if tok.type == "MARKER_DASH":
            item = _marker_item(tok, None, "")
            return None if item is None else replace(item, dash=True)
        if tok.type == "MARKER_RESULT":
            said = _MARKER_TAIL.sub("", str(tok))  # "HER2-positive disease": of the tumour
            word = _MARKER_WORD.search(said)
            if word is None:
                return None
            name = said[: word.start()]
            item = _marker_item(tok, name, word.group(1))
        else:  # BIOMARKER, with variants and perhaps "positive"
            written = _tokens(c, "RESULT")
            item = _marker_item(tok, None, str(written[0]) if written else "")
            if item is not None and variants and item.result is None:
                item = replace(item, result="positive")
        if item is None:
            return None
        if variants:
            gene = biomarkers.get(item.marker).kind == "gene"
            ok = gene and plain and item.result == "positive" and item.alteration == "mutation"
            item = replace(item, variants=variants, unread=not ok)
        return replace(item, span=span_of(c))

    def biomarker_status(self, c: list[Any]) -> Any:
        """ "HER2-negative", "ER and/or PR positive", "HR+/HER2-", "EGFR exon 19 deletion or
        L858R", "No HER2 overexpression", "MSI-H or dMMR". A result written once for several
        markers ("ER/PR negative", "ER- and/or PR-positive") is each one's; "or" joins them as
        alternatives; otherwise each must hold, but one positive result over several markers
        joined without "or" ("ER/PR positive", "ER and PR positive": both, or either?) is not
        read (flag `marker_list`)."""
        return self._markers(c, None)

    def biomarker_result_first(self, c: list[Any]) -> Any:
        """ "positive for ER and/or PR", "negative for ER, PR and HER2"."""
        said = str(_tokens(c, "RESULT")[0]).lower()
        if not said.rstrip().endswith("for"):
            return BoundSpec((), span_of(c))
        return self._markers(c, "negative" if "neg" in said else "positive")

    def _markers(self, c: list[Any], shared: str | None) -> Any:
        span = span_of(c)
        items: list[MarkerItem | None] = [x for x in c if isinstance(x, MarkerItem) or x is None]
        joins = {x for x in c if x in ("or", "and")}
        words = _of(c, Word)
        if None in items or not items or any(not _marker_word_ok(w) for w in words):
            return BoundSpec((), span)
        marked = [x for x in items if x is not None]
        if shared is not None:
            marked = [replace(x, result=shared) for x in marked]
        pending = False
        resolved: list[MarkerItem] = []
        for i, item in enumerate(marked):
            if item.result is not None:
                resolved.append(item)
                continue
            later = next((x for x in marked[i + 1 :] if x.result is not None), None)
            if later is None and not item.dash:
                return BoundSpec((), span)  # a marker without a result ("PR" of "CR or PR")
            pending = True
            result = later.result if later is not None and later.result else "negative"
            resolved.append(_with_result(item, result, later))
        pending |= shared is not None and len(resolved) > 1
        marks = {str(t) for t in _tokens(c, "COMMA", "SLASH")}
        odd = any(x.unread for x in resolved) or ("or" in joins and "and" in joins)
        # "ER+ or PR+, HER2-": which does the comma join? "MSI-H/dMMR": both, or either?
        odd |= "or" in joins and bool(marks)
        odd |= "/" in marks and "or" not in joins and all(x.result == "positive" for x in resolved)
        positive_shared = pending and "or" not in joins and resolved[-1].result == "positive"
        nodes: list[Predicate] = [
            BiomarkerStatus(
                marker=x.marker,
                result="positive" if x.result == "positive" else "negative",
                alteration=x.alteration,
                variants=x.variants,
                germline=x.germline,
                span=x.span if len(resolved) > 1 else span,
            )
            for x in resolved
        ]
        node = _any(nodes, span) if "or" in joins else _all(nodes, span)
        if odd or positive_shared:
            node = node.model_copy(update={"flags": (*node.flags, "marker_list")})
        if _tokens(c, "NEG") or any(w.role == "negation" for w in words):
            node = Not(item=node, span=span)
        return node

    def biomarker_value(self, c: list[Any]) -> Any:
        """ "PD-L1 TPS >= 50%", "PD-L1 expression >= 1%", "TMB >= 10 mut/Mb", "Ki-67 >= 20%":
        only for a marker reported as a value, in its unit ("%"; mut/Mb; a CPS has none); a
        bare number only where the marker has one unit (TMB, Ki-67). Otherwise no node."""
        tok = _tokens(c, "MARKER_VALUE")[0]
        words = str(tok).split()
        marker = next(
            (m for k in range(len(words), 0, -1) if (m := biomarkers.lookup(" ".join(words[:k])))),
            None,
        )
        op, _ = [x for x in c if isinstance(x, tuple)][0]
        number: Num = _of(c, Num)[0]
        units = _tokens(c, "UNIT", "MUT_UNIT")
        span = span_of(c)
        if marker is None or marker.unit is None:
            return BoundSpec((), span)
        scoring = biomarkers.scoring(str(tok))
        unit: str | None = None
        if units:
            text = str(units[0]).lower().replace(" ", "")
            unit = (
                "%"
                if text in ("%", "percent")
                else "mut/Mb"
                if units[0].type == "MUT_UNIT"
                else "?"
            )
        if scoring == "CPS":
            ok = unit is None
        else:
            if unit is None and marker.implied_unit:
                unit = marker.unit
            ok = unit == marker.unit
        if not ok:
            return BoundSpec((), span)
        return BiomarkerValue(
            marker=marker.id, op=op, value=number.value, unit=unit, method=scoring, span=span
        )

    def since_more(self, c: list[Any]) -> SinceMore:
        cmp = [x for x in c if isinstance(x, tuple) and len(x) == 2 and isinstance(x[1], tuple)]
        refs = tuple(r for x in c if isinstance(x, list) for r in x if isinstance(r, ConceptRef))
        intro = [str(t).lower() for t in _tokens(c, "SINCE", "COND_INTRO")]
        # "(6 weeks if prior radiotherapy)": a condition, not a wait since it; "(4 weeks for
        # intravenous chemotherapy)": a route the record cannot check
        plain = intro in (["for"], ["since"], ["from"], ["after"]) and not any(
            w.role in ("route", "severity", "needing") for w in _of(c, Word)
        )
        return SinceMore(cmp[0][0] if cmp else None, _days(c), refs, span_of(c), plain)

    def allowed_after(self, c: list[Any]) -> Predicate:
        """ "Prior radiotherapy allowed if completed at least 4 weeks before registration": each
        treatment at least that long ago (or never), as "at least 4 weeks since prior X". Only
        a wait ("at least", "more than") is read; a qualifier before the names ("palliative")
        or a name that is no treatment is not. An exclusion's reading would be the opposite of
        its words: flagged inclusion_only."""
        (op, _) = [x for x in c if isinstance(x, tuple)][0]
        refs: list[ConceptRef] = [x for x in c if isinstance(x, list)][0]
        words = _of(c, Word)
        span = span_of(c)
        flags: tuple[str, ...] = ("inclusion_only",)
        if (
            op not in (">=", ">")
            or not all(_in(r.concept, _DONE) for r in refs)
            or any(w.role in ("current", "other") for w in words)
            or (  # "palliative radiotherapy or surgery": palliative surgery only? not read
                len(refs) > 1
                and any((r.phrase.split() or [""])[0] in _TREATMENT_KINDS for r in refs)
            )
        ):  # "less than 4 weeks", "allowed if ... " of a disease, "concurrent X allowed if ..."
            flags += ("wait_unread",)
        quals = _unchecked(words)  # "systemic": words the record cannot check
        items: list[Predicate] = [
            TimeSince(
                concept=r.concept,
                op=op,
                days=_days(c),
                qualifiers=quals + _unchecked_marks(r),
                span=span,
                flags=flags,
            )
            for r in refs
        ]
        return items[0] if len(items) == 1 else AllOf(items=tuple(items), span=span, flags=flags)

    def time_since(self, c: list[Any]) -> Any:
        """ "at least 2 weeks since prior radiotherapy"; a thing the lexicon does not know
        ("since prior cytokines") is kept as text, flagged, and evaluates to unknown."""
        (op, _) = c[0]
        days = _days(c)
        refs = [r for x in c if isinstance(x, list) for r in x if isinstance(r, ConceptRef)]
        refs += _of(c, ConceptRef)
        # "since prior major abdominal surgery", "since systemic corticosteroids": words the
        # record cannot check
        quals = _unchecked(_of(c, Word))
        # "(6 weeks for nitrosoureas)": those, since their own wait as well
        waits = [(r, op, days) for r in refs]
        more: list[SinceMore] = _of(c, SinceMore)
        waits += [(r, m.op or op, m.days) for m in more for r in m.refs]
        recovered = bool(_tokens(c, "RECOVERED"))
        # "less than 4 weeks since X and recovered": recovered from what is still going on?
        odd: tuple[str, ...] = ("recovery_unread",) if recovered and op not in (">=", ">") else ()
        if any((w_op in (">=", ">")) != (op in (">=", ">")) for _, w_op, _ in waits):
            odd += ("wait_unread",)  # "at least 4 weeks since X (less than 6 for Y)"?
        if any(not m.plain or m.days < days for m in more):
            # "(1 day for hydroxyurea)": a shorter wait is an exception to the longer one
            # (which does not then apply to it), not a second requirement
            odd += ("wait_unread",)
        if _tokens(c, "CONCEPT"):
            # "since prior resection of lung disease": what the surgery was of (or for) is a
            # qualifier the wait does not read; any surgery is not what it means
            odd += ("target_unread",)
        if refs:
            span = span_of(c)
            items: list[Predicate] = [
                TimeSince(
                    concept=r.concept,
                    op=r_op,
                    days=r_days,
                    qualifiers=quals,
                    recovered=recovered,
                    span=span,
                    flags=(("alias_mismatch",) if "alias_mismatch:" in r.qualifiers else ()) + odd,
                )
                for r, r_op, r_days in waits
            ]
            # at least N since A or B: since each of them; less than N since A or B: either
            return _all(items, span) if op in (">=", ">") else _any(items, span)
        words = " ".join(str(t).lower() for t in _tokens(c, "WORD"))
        if not words:
            return BoundSpec((), span_of(c))  # no node: nothing to measure from
        return TimeSince(
            concept=f"text:{words}",
            op=op,
            days=days,
            recovered=recovered,
            span=span_of(c),
            flags=("unknown_concept", *odd),
        )
