"""Hypothesis strategies for the property tests, and the small tree helpers they share.

Text: arbitrary unicode, seed bullets mutated with the tokens criteria are made of, and token
soup. Criteria: lab thresholds, ULN multiples, ECOG and age bounds in the spellings the grammar
documents. Patients: a few labs in compatible units, dated within 10 days of `as_of`, with
optional reference ranges, and a few conditions known present or absent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cache
from typing import Any

from hypothesis import strategies as st

from conftest import SEEDS
from trialscreen.language.compiler import compile_criterion
from trialscreen.model.trial import CriterionKind, Trial
from trialscreen.trials.load import load_trials
from trialscreen.units import analytes
from trialscreen.units.registry import conversion_factor

# Build the cached parser now, so that no example pays for it within hypothesis's deadline.
compile_criterion("ANC >= 1500/mm3")

KINDS: tuple[CriterionKind, ...] = ("inclusion", "exclusion")
kinds = st.sampled_from(KINDS)

# ---- predicate trees -----------------------------------------------------------------------

COMPOSITE_KINDS = frozenset({"all_of", "any_of", "not", "conditional"})


def children(node: Any) -> list[Any]:
    """The direct child nodes of a predicate node, in order."""
    out = list(getattr(node, "items", ()))
    out += [getattr(node, name) for name in ("item", "then", "otherwise") if hasattr(node, name)]
    return out


def walk(node: Any) -> Iterator[Any]:
    """Every node of a predicate tree, parents before children."""
    yield node
    for child in children(node):
        yield from walk(child)


def leaves(node: Any) -> list[Any]:
    """The nodes of a tree that have no child nodes."""
    return [n for n in walk(node) if n.kind not in COMPOSITE_KINDS]


def without_positions(data: Any) -> Any:
    """A model dump with every `span` and `flags` field removed, at any depth."""
    if isinstance(data, dict):
        return {k: without_positions(v) for k, v in data.items() if k not in ("span", "flags")}
    if isinstance(data, (list, tuple)):
        return [without_positions(item) for item in data]
    return data


def shape(node: Any) -> Any:
    """A predicate as comparable data, spans and flags ignored."""
    return without_positions(node.model_dump())


# ---- seed bullets --------------------------------------------------------------------------


@cache
def seed_trials() -> tuple[Trial, ...]:
    """The trials of the project's seed folder, read once."""
    return tuple(load_trials(SEEDS))


@cache
def seed_bullets() -> tuple[tuple[str, int, CriterionKind, str], ...]:
    """(trial id, bullet index, kind, text) of every seed bullet."""
    return tuple((t.id, b.index, b.kind, b.text) for t in seed_trials() for b in t.bullets)


def seed_texts() -> list[str]:
    return sorted({text for *_, text in seed_bullets()})


# ---- text ----------------------------------------------------------------------------------

# Pieces criteria are made of, spelled the ways the normaliser and lexer must cope with.
# fmt: off
TOKENS = (
    "≥", "≤", ">=", "<=", ">", "<", "=", "=>", "≧", "⩽", " or ", " and ", " and/or ", "or",
    "and", "(", ")", "[", "]", "x ULN", " × ULN", "times", "upper limit of normal", "LLN", "WNL",
    "10^9/L", "x 10^9/L", "× 10⁹/L", "10⁹", "10(9)", "10 ^ (9)", "10e9", "10**9", "/mm³", "/mm3",
    "/µL", "µmol/L", "mg/dL", "g/dL", "U/L", "%", "1,500", ".5", "1.5", "100,000", "0", "2.5",
    "-", "–", "/", ",", ";", ":", "\\(", "\\>", "\\-", "ANC", "ALT", "AST", "ECOG", "Karnofsky",
    "NYHA class", "hemoglobin", "platelets", "creatinine", "age", "years", "months", "of age",
    " no ", "No ", "not", "without", "history of", "current", "uncontrolled", "grade", "grade 3",
    "within", "within the past 4 weeks", "prior to registration", "since", "if", "for",
    "for patients with liver metastases", "brain metastases", "HIV", "female", "between",
    " to ", "one", "III-IV", " ", "\u2009", "\u00a0", "\n", "\t", "İ", "ß", "ﬁ", "\u0301",
    "\u200b", "\ufeff", "🙂", "\x00", "\\", "^", "³", "¹⁰",
)
# fmt: on
pieces = st.one_of(st.sampled_from(TOKENS), st.characters(), st.text(max_size=4))


@st.composite
def mutated_bullets(draw: st.DrawFn) -> str:
    """A seed bullet with one to six characters or tokens inserted, deleted or replaced."""
    text = draw(st.sampled_from(seed_texts()))
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 12)))
        edit = draw(st.sampled_from(("insert", "delete", "replace")))
        if edit == "insert":
            text = text[:start] + draw(pieces) + text[start:]
        elif edit == "delete":
            text = text[:start] + text[end:]
        else:
            text = text[:start] + draw(pieces) + text[end:]
    return text


token_soup = st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join)
bullet_texts = st.one_of(st.text(), mutated_bullets(), token_soup)

# ---- generated criteria --------------------------------------------------------------------

COUNT_UNITS = ("/uL", "/mm3", "/mm³", "10^9/L", "x 10^9/L", "× 10⁹/L", "10^3/uL", "cells/uL")
LAB_UNITS: dict[str, tuple[str, ...]] = {
    "ANC": COUNT_UNITS,
    "absolute neutrophil count": COUNT_UNITS,
    "platelets": COUNT_UNITS,
    "platelet count": COUNT_UNITS,
    "hemoglobin": ("g/dL", "g/L", "mmol/L"),
    "creatinine": ("mg/dL", "umol/L", "µmol/L", "mg/L"),
    "serum creatinine": ("mg/dL", "umol/L", "mg/L"),
    "ALT": ("U/L", "IU/L"),
    "AST": ("U/L", "IU/L"),
    "total bilirubin": ("mg/dL", "umol/L", "mg/L"),
    "INR": ("",),
}
ULN_ANALYTES = ("ALT", "AST", "total bilirubin", "creatinine", "INR", "alkaline phosphatase")
OPS = (
    ">=",
    ">",
    "<=",
    "<",
    "≥",
    "≤",
    "=",
    "at least",
    "greater than",
    "less than",
    "no more than",
    "more than",
    "up to",
)
LIMITS = (
    "ULN",
    "LLN",
    "upper limit of normal",
    "the upper limit of normal",
    "institutional upper limit of normal",
    "lower limit of normal",
)


@st.composite
def numbers(draw: st.DrawFn, max_whole: int = 999_999) -> str:
    """A number as criteria write it: "1500", "1,500", "2.5", "0.75"."""
    whole = draw(st.integers(0, max_whole))
    text = f"{whole:,}" if whole >= 1000 and draw(st.booleans()) else str(whole)
    decimals = draw(st.one_of(st.none(), st.text("0123456789", min_size=1, max_size=3)))
    return text if decimals is None else f"{text}.{decimals}"


@st.composite
def lab_criteria(draw: st.DrawFn) -> str:
    analyte = draw(st.sampled_from(sorted(LAB_UNITS)))
    unit = draw(st.sampled_from(LAB_UNITS[analyte]))
    text = f"{analyte} {draw(st.sampled_from(OPS))} {draw(numbers())}"
    return f"{text} {unit}" if unit else text


@st.composite
def uln_criteria(draw: st.DrawFn) -> str:
    analyte = draw(st.sampled_from(ULN_ANALYTES))
    times = draw(st.sampled_from(("x", "×", "times", "X")))
    factor = draw(numbers(max_whole=20))
    limit = draw(st.sampled_from(LIMITS))
    return f"{analyte} {draw(st.sampled_from(OPS))} {factor} {times} {limit}"


@st.composite
def score_criteria(draw: st.DrawFn) -> str:
    n = draw(st.integers(0, 5))
    forms = (
        f"ECOG <= {n}",
        f"ECOG {draw(st.sampled_from(OPS))} {n}",
        f"ECOG performance status {n}",
        f"ECOG performance status 0-{n}",
        f"Karnofsky >= {draw(st.integers(0, 10)) * 10}",
        f"NYHA class <= {min(n, 4)}",
    )
    return draw(st.sampled_from(forms))


@st.composite
def age_criteria(draw: st.DrawFn) -> str:
    n = draw(st.integers(0, 120))
    m = draw(st.integers(n, 130))
    op = draw(st.sampled_from(OPS))
    unit = draw(st.sampled_from(("years", "months", "weeks", "")))
    forms = (
        f"age >= {n} years",
        f"age {op} {n} {unit}".rstrip(),
        f"{n} years of age or older",
        f"aged {n}-{m} years",
        f"age between {n} and {m} years",
        f"Age ≥ {n} years",
    )
    return draw(st.sampled_from(forms))


single_criteria = st.one_of(lab_criteria(), uln_criteria(), score_criteria(), age_criteria())
generated_criteria = st.one_of(
    single_criteria,
    st.lists(single_criteria, min_size=2, max_size=3).map(" and ".join),
    st.lists(single_criteria, min_size=2, max_size=3).map(" or ".join),
)

# ---- patients ------------------------------------------------------------------------------

AS_OF = dt.date(2026, 11, 1)
# Units a patient record may use per analyte (the first is the canonical unit).
PATIENT_UNITS: dict[str, tuple[str, ...]] = {
    "anc": ("/uL", "/mm3", "10^9/L", "10^3/uL", "cells/uL", "10*9/L", "K/uL"),
    "platelets": ("/uL", "/mm3", "10^9/L", "10^3/uL", "cells/uL", "10*9/L"),
    "hemoglobin": ("g/dL", "g/L", "mmol/L"),
    "creatinine": ("mg/dL", "umol/L", "µmol/L", "mg/L"),
    "alt": ("U/L", "IU/L"),
}
# Canonical values that criteria use as thresholds, so boundaries get tested, and a range.
LAB_VALUES: dict[str, tuple[tuple[float, ...], tuple[float, float]]] = {
    "anc": ((1000, 1500, 2000), (0.0, 10000.0)),
    "platelets": ((75000, 100000, 150000), (0.0, 600000.0)),
    "hemoglobin": ((8, 9, 10), (4.0, 18.0)),
    "creatinine": ((1.5, 1.76), (0.2, 5.0)),
    "alt": ((40, 100), (5.0, 500.0)),
}
ULN_FACTORS = (1.0, 1.5, 2.5, 3.0, 5.0)
CONDITIONS = ("brain metastases", "HIV infection", "liver metastases")


def analyte_names(analyte_id: str) -> list[str]:
    """Synonyms of an analyte that the lexicon reads back as that analyte."""
    return [
        s
        for s in analytes.get(analyte_id).synonyms
        if (found := analytes.lookup(s)) is not None and found.id == analyte_id
    ]


@st.composite
def observations(draw: st.DrawFn, analyte_id: str) -> dict[str, Any]:
    """One observation of the analyte, in a unit drawn from its compatible units."""
    info = analytes.get(analyte_id)
    unit = draw(st.sampled_from(PATIENT_UNITS[analyte_id]))
    to_unit = conversion_factor(info.canonical_unit, unit, analyte_id)
    thresholds, (low, high) = LAB_VALUES[analyte_id]
    uln = draw(st.one_of(st.none(), st.floats(low + 1, high, allow_nan=False)))
    candidates = [st.sampled_from(thresholds), st.floats(low, high, allow_nan=False)]
    if uln is not None:
        candidates.append(st.sampled_from(ULN_FACTORS).map(lambda k: k * uln))
    # a record refuses a value outside the analyte's plausible range (records.py): stay inside
    plausible = st.one_of(candidates).filter(
        lambda v: v == 0 or info.plausible_low <= v <= info.plausible_high
    )
    value = draw(plausible)
    obs: dict[str, Any] = {
        "name": draw(st.sampled_from(analyte_names(analyte_id))),
        "value": value * to_unit,
        "unit": unit,
        "date": (AS_OF - dt.timedelta(days=draw(st.integers(0, 10)))).isoformat(),
    }
    if uln is not None:
        lln = draw(
            st.one_of(st.none(), st.floats(0, uln, allow_nan=False).filter(lambda x: x < uln))
        )
        obs["reference_range"] = {
            "low": None if lln is None else lln * to_unit,
            "high": uln * to_unit,
        }
    return obs


@st.composite
def patients(draw: st.DrawFn) -> dict[str, Any]:
    """A patient record (JSON shape) with at most one observation per analyte and at most one
    entry per condition, so removing an entry always removes knowledge."""
    labs = draw(st.lists(st.sampled_from(sorted(PATIENT_UNITS)), unique=True))
    obs = [draw(observations(a)) for a in labs]
    if draw(st.booleans()):
        obs.append(
            {
                "name": "ECOG",
                "value": draw(st.integers(0, 4)),
                "date": (AS_OF - dt.timedelta(days=draw(st.integers(0, 10)))).isoformat(),
            }
        )
    names = draw(st.lists(st.sampled_from(CONDITIONS), unique=True))
    conditions = [{"name": n, "status": draw(st.sampled_from(("active", "absent")))} for n in names]
    return {
        "id": "pt-hypothesis",
        "as_of": AS_OF.isoformat(),
        "birth_date": "1960-05-17",
        "sex": "female",
        "observations": obs,
        "conditions": conditions,
    }
