"""Turn written bounds into nodes with thresholds in canonical units, flagging defects.

This is where pint is used: once per threshold, at compile time. Flags name what is wrong
(`implausible_value`, `unit_mismatch`, `unknown_unit`, `missing_comparator`) or what was
inferred by a documented policy (`unit_inferred:<unit>`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from trialscreen.language.values import BoundSpec, CondSpec, MultipleSpec, QuantitySpec, ScoreBound
from trialscreen.lexicon import concepts
from trialscreen.model.predicate import (
    BELOW_NORMAL_OPEN,
    INTEGER_BAND,
    AllOf,
    AnyOf,
    Conditional,
    LabCompare,
    NormalMultiple,
    Op,
    Predicate,
    Quantity,
    ScoreCompare,
    Span,
    Unparsed,
)
from trialscreen.units import analytes
from trialscreen.units.registry import UnitError, conversion, conversion_factor

# When a threshold has no unit, these units are tried in order (the canonical unit first); the
# first that puts the value inside the analyte's plausible range is used and flagged as inferred.
_ALTERNATE_UNITS: dict[str, tuple[str, ...]] = {
    "count": ("10^9/L", "10^3/uL"),
    "mass_concentration": ("g/L", "mg/dL", "umol/L"),
    "substance_concentration": ("mg/dL",),
}


@cache
def analyte_id(text: str) -> str:
    """The analyte id of a lexicon phrase matched by the ANALYTE or SCALE terminal."""
    found = analytes.lookup(" ".join(text.split()))
    return found.id if found else text.lower()


@cache
def concept_id(text: str) -> str:
    """The concept id of a phrase matched by the CONCEPT terminal."""
    found = concepts.lookup(" ".join(text.split()))
    return found.id if found else text.lower()


def _criterion_band(info: analytes.Analyte) -> tuple[float, float]:
    """Where a threshold written in a criterion can lie: near the normal range, up to five times
    the upper limit, down to an eighth of the lower limit for cell counts and to half the lower
    (or a quarter of the upper) limit for the rest; within the analyte's plausible range."""
    if info.kind == "count":  # cell counts: thresholds reach far below normal (ANC >= 500)
        low = info.default_lln / 8 if info.default_lln else info.plausible_low
    else:  # concentrations and activities: near the normal range
        lows = [
            x
            for x in (
                info.default_lln and info.default_lln / 2,
                info.default_uln and info.default_uln / 4,
            )
            if x
        ]
        low = max(lows) if lows else info.plausible_low
    high = info.default_uln * 5 if info.default_uln else info.plausible_high
    return max(low, info.plausible_low), min(high, info.plausible_high)


@cache
def _convert(value: float, unit: str | None, analyte: str) -> tuple[float | None, tuple[str, ...]]:
    """The value in the analyte's canonical unit, and flags; None when it cannot be trusted.

    A missing unit is inferred only when exactly one of the usual units puts the threshold where
    criteria put thresholds for that analyte ("Platelets >= 100" is 100 x10^9/L, not 100/uL);
    two readings far apart are ambiguous. A written unit that puts a concentration far below
    any threshold in use ("Hemoglobin < 12 g/l") is a defect, not a reading.
    """
    info = analytes.get(analyte)
    canonical = info.canonical_unit
    low, high = info.plausible_low, info.plausible_high
    band_low, band_high = _criterion_band(info)

    def plausible(x: float) -> bool:
        return (low is None or x >= low) and (high is None or x <= high)

    if unit is None:
        if not canonical:
            return value, ()
        percent = info.form_in("%")  # "DLCO >= 60": % of predicted, or absolute?
        if percent is not None and not info.forms_written:
            return None, ("unit_missing", "ambiguous_unit")
        readings: dict[float, str] = {}
        for candidate in (canonical, *_ALTERNATE_UNITS.get(info.kind, ())):
            try:
                converted = value * conversion_factor(candidate, canonical, analyte)
            except UnitError:
                continue
            if band_low <= converted <= band_high:
                readings.setdefault(round(converted, 9), candidate)
        if len(readings) != 1:
            flags = ("unit_missing", "ambiguous_unit" if readings else "implausible_value")
            return None, flags
        ((converted, candidate),) = readings.items()
        inferred = () if candidate == canonical else (f"unit_inferred:{candidate}",)
        return converted, (*inferred, "unit_missing")
    try:
        scale, offset = conversion(unit, canonical or "dimensionless", analyte)
    except UnitError:
        return None, ("unit_mismatch",)
    converted = value * scale + offset
    if not plausible(converted):
        return None, ("implausible_value",)
    if info.kind.endswith("concentration") and converted < _written_floor(info, band_low):
        return None, ("implausible_value",)
    if info.kind == "count" and info.default_lln and converted < info.default_lln / 16:
        return None, ("implausible_value",)  # "ANC > 1500/mL" is 1.5/uL: /mL for /uL
    if analyte in _CEILED and info.default_uln and converted > 15 * info.default_uln:
        return None, ("implausible_value",)  # "ALT < 90 IU/dL" is 9,000 U/L: /dL for /L
    return converted, ()


# liver and kidney tests whose thresholds stay within a few times the upper limit: a written
# threshold past fifteen times it is a unit slip, not a criterion
_CEILED = frozenset(
    {
        "alt",
        "ast",
        "alkaline_phosphatase",
        "ggt",
        "total_bilirubin",
        "direct_bilirubin",
        "creatinine",
    }
)


def _written_floor(info: analytes.Analyte, band_low: float) -> float:
    """How low a threshold written with its unit may go: half the lower limit where there is
    one. Lower than the band a bare number is read in ("Vitamin B12 > 200 pg/mL" is under a
    quarter of its 1,600 upper limit, above half its lower limit), which still stops a unit
    error ("Hemoglobin < 12 g/l", a twentieth of the lower limit)."""
    if info.id in _SUPPRESSED:
        return info.plausible_low
    return max(info.default_lln / 2, info.plausible_low) if info.default_lln else band_low


# hormones whose thresholds are written far below the usual range on purpose: castrate
# testosterone ("< 50 ng/dL", a fifth of the adult male lower limit), a suppressed cortisol
# ("< 1.8 ug/dL" after dexamethasone)
_SUPPRESSED = frozenset({"testosterone", "cortisol"})


def _leaf(analyte: str, op: Op, value: MultipleSpec | QuantitySpec, span: Span) -> LabCompare:
    if isinstance(value, MultipleSpec):
        limit = "LLN" if value.limit == "LLN" else "ULN"
        return LabCompare(
            analyte=analyte,
            op=op,
            threshold=NormalMultiple(factor=value.factor, limit=limit),
            span=span,
        )
    analyte, unit = analytes.measured_as(analyte, value.unit)
    if unit != value.unit:
        value = QuantitySpec(value.value, unit, value.span)
    try:
        info = analytes.get(analyte)
    except KeyError:
        quantity = Quantity(value=value.value, unit=value.unit)
        return LabCompare(
            analyte=analyte, op=op, threshold=quantity, span=span, flags=("unknown_analyte",)
        )
    canonical, flags = _convert(value.value, value.unit, analyte)
    if op == "==" and info.kind != "score":
        flags += ("equality_on_measure",)  # "Body weight =50 kg": a lost ">=", not exactly 50
    quantity = Quantity(
        value=value.value,
        unit=value.unit,
        canonical=canonical,
        canonical_unit=info.canonical_unit if canonical is not None else None,
    )
    return LabCompare(analyte=analyte, op=op, threshold=quantity, span=span, flags=flags)


# tests whose "normal" in a criterion is about not being raised (organ function, injury): below
# the lower limit is no impairment, so there ">= LLN" does not fail alone (BELOW_NORMAL_OPEN)
_RAISED_ONLY = frozenset(
    "creatinine total_bilirubin direct_bilirubin indirect_bilirubin alt ast alkaline_phosphatase "
    "ggt bun urea inr pt ptt ldh amylase lipase ck ck_mb".split()
)


def lab_bound(analyte: str, bound: BoundSpec, span: Span) -> Predicate:
    """One LabCompare per comparison of the bound (a range gives an AllOf of two)."""
    leaves: list[Predicate] = [_leaf(analyte, op, value, span) for op, value in bound.parts]
    if bound.flags:
        leaves = [leaf.model_copy(update={"flags": leaf.flags + bound.flags}) for leaf in leaves]
    ops = tuple(op for op, _ in bound.parts)
    values = [v.value for _, v in bound.parts if isinstance(v, QuantitySpec)]
    if ops == (">=", "<=") and len(values) == 2 and all(v == int(v) for v in values):
        # "Creatinine clearance 30-59": a band written in whole numbers ends where the next
        # one starts, so a value between 59 and 60 (or 29 and 30) is open (INTEGER_BAND)
        leaves = [
            leaf.model_copy(update={"flags": (*leaf.flags, INTEGER_BAND)})
            if isinstance(leaf, LabCompare)
            else leaf
            for leaf in leaves
        ]
    if "within_normal_limits" in bound.flags and analyte in _RAISED_ONLY:
        leaves = [
            leaf.model_copy(update={"flags": (*leaf.flags, BELOW_NORMAL_OPEN)})
            if isinstance(leaf, LabCompare)
            and isinstance(leaf.threshold, NormalMultiple)
            and leaf.threshold.limit == "LLN"
            else leaf
            for leaf in leaves
        ]
    return leaves[0] if len(leaves) == 1 else AllOf(items=tuple(leaves), span=span)


def score_bound(scale: str, bound: ScoreBound, span: Span) -> Predicate:
    """ScoreCompare nodes; "performance status >= 70" is read as Karnofsky, and flagged."""
    flags: tuple[str, ...] = ()
    ecog_top = _score_top("ecog")
    if scale == "ecog" and ecog_top is not None and any(v > ecog_top for _, v in bound.parts):
        scale, flags = "karnofsky", ("scale_inferred:karnofsky",)
    top = _score_top(scale)
    if top is not None and any(v < 0 or v > top for _, v in bound.parts):
        flags += ("implausible_value",)
    values = sorted(v for _, v in bound.parts)
    if bound.any_of and values != list(range(int(values[0]), int(values[0]) + len(values))):
        flags += ("noncontiguous_set",)  # "ECOG 0 or 2": a gap is more often a slip than meant
    parts, any_of = _simplest(scale, list(bound.parts), bound.any_of)
    leaves: list[Predicate] = [
        ScoreCompare(scale=scale, op=op, value=v, span=span, flags=flags) for op, v in parts
    ]
    if len(leaves) == 1:
        return leaves[0]
    if any_of:
        return AnyOf(items=tuple(leaves), span=span)
    return AllOf(items=tuple(leaves), span=span)


def _simplest(
    scale: str, parts: list[tuple[Op, float]], any_of: bool
) -> tuple[list[tuple[Op, float]], bool]:
    """Integer scores: "0, 1 or 2" is the range 0-2, and a range from the scale's lowest grade
    is just its upper bound ("ECOG 0-1" is "ECOG <= 1"). Same meaning, simpler tree."""
    values = sorted(v for _, v in parts)
    if (
        any_of
        and all(op == "==" for op, _ in parts)
        and values == list(range(int(values[0]), int(values[0]) + len(values)))
    ):
        parts, any_of = [(">=", values[0]), ("<=", values[-1])], False
    try:
        lowest = analytes.get(scale).plausible_low
    except KeyError:
        lowest = None
    if not any_of and len(parts) == 2 and parts[0] == (">=", lowest) and parts[1][0] == "<=":
        parts = [parts[1]]
    return parts, any_of


def _score_top(scale: str) -> float | None:
    """The highest grade of a scale, from the analyte lexicon (ECOG 5, Karnofsky 100)."""
    try:
        return analytes.get(scale).plausible_high
    except KeyError:
        return None


def lab_analytes(node: Predicate) -> list[str]:
    """The analytes of the lab leaves of a node, in order."""
    if isinstance(node, LabCompare):
        return [node.analyte]
    if isinstance(node, (AllOf, AnyOf)):
        return [a for item in node.items for a in lab_analytes(item)]
    if isinstance(node, Conditional):
        return lab_analytes(node.otherwise)
    return []


def by_sex(sex: str, theirs: Predicate, others: Predicate, span: Span) -> Predicate:
    """One threshold for a sex and another for the other sex: a branch on the patient's sex
    (female or male; any other or unknown sex decides only where both thresholds agree)."""
    women, men = (theirs, others) if sex == "female" else (others, theirs)
    return Conditional(condition=concepts.FEMALE_SEX, then=women, otherwise=men, span=span)


def _unscoped(node: Predicate) -> Predicate:
    marks = ("for_sex:female", "for_sex:male", "sex_branch_alone")
    return node.model_copy(update={"flags": tuple(f for f in node.flags if f not in marks)})


def _pairs_by_sex(out: list[Predicate], node: Predicate) -> bool:
    """Two lab clauses of the same analytes, each for one sex, the two sexes."""
    if not out:
        return False
    before = out[-1]
    sexes = {f for f in (*before.flags, *node.flags) if f.startswith("for_sex:")}
    return (
        sexes == {"for_sex:female", "for_sex:male"}
        and any(f.startswith("for_sex:") for f in before.flags)
        and any(f.startswith("for_sex:") for f in node.flags)
        and sorted(lab_analytes(before)) == sorted(lab_analytes(node))
    )


def _sex_branch(out: list[Predicate], child: CondSpec) -> Predicate:
    """ "QTc > 470 ms for women or > 450 ms for men": the bound after a lab clause for the other
    sex pairs with it (whether joined by "or" or "and"); anything else is not read."""
    other = "male" if child.sex == "female" else "female"
    previous = out[-1] if out else None
    if previous is None or f"for_sex:{other}" not in previous.flags:
        return Unparsed(text="", reason="a threshold for one sex alone", span=child.span)
    out.pop()
    names = list(dict.fromkeys(lab_analytes(previous)))
    theirs = [lab_bound(a, child.bound, child.span) for a in names]
    mine = _unscoped(previous)
    theirs_node = theirs[0] if len(theirs) == 1 else AllOf(items=tuple(theirs), span=child.span)
    span = (min(previous.span[0], child.span[0]), max(previous.span[1], child.span[1]))
    return by_sex(child.sex or "", theirs_node, mine, span)


def attach_bare_bounds(children: list[Any]) -> list[Predicate]:
    """Give each subject-less bound the analytes of the lab clause before it.

    "ALT <= 3 x ULN or <= 5 x ULN if liver metastases" becomes a Conditional; a bound with no
    condition becomes another comparison of the same analytes. A bound with no lab clause before
    it is dropped (the compiler then reports its text as uncovered).
    """
    out: list[Predicate] = []
    for child in children:
        if isinstance(child, CondSpec) and child.sex is not None:
            out.append(_sex_branch(out, child))
            continue
        if not isinstance(child, CondSpec):
            if hasattr(child, "kind") and _pairs_by_sex(out, child):
                # "Hemoglobin < 11 (women) or hemoglobin < 12 (men)"
                previous = out.pop()
                sex = "female" if "for_sex:female" in child.flags else "male"
                span = (min(previous.span[0], child.span[0]), max(previous.span[1], child.span[1]))
                out.append(by_sex(sex, _unscoped(child), _unscoped(previous), span))
            elif hasattr(child, "kind"):  # a node; anything else is not one
                out.append(child)
            elif hasattr(child, "span"):  # "at least 4 weeks since prior" (since what?) or ...
                out.append(Unparsed(text="", reason="a part that names nothing", span=child.span))
            continue
        if not out or not lab_analytes(out[-1]):  # no subject: read, but meaningless here
            out.append(Unparsed(text="", reason="a bound without a subject", span=child.span))
            continue
        names = list(dict.fromkeys(lab_analytes(out[-1])))
        alternative = [lab_bound(a, child.bound, child.span) for a in names]
        alt = (
            alternative[0]
            if len(alternative) == 1
            else AllOf(items=tuple(alternative), span=child.span)
        )
        if child.condition is not None:
            previous = out.pop()
            span = (min(previous.span[0], child.span[0]), max(previous.span[1], child.span[1]))
            out.append(
                Conditional(
                    condition=child.condition.concept,
                    then=alt,
                    otherwise=previous,
                    span=span,
                    flags=child.condition.qualifiers,
                )
            )
        else:
            out.append(alt)
    return out
