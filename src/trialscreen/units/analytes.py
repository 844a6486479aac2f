"""The analyte lexicon: labs, vitals and scores, their synonyms, LOINC codes and canonical units.

The data is analytes.json (package data). Default normal limits come from the NLM LHNCBC
flowsheet (lab_rows.json) where it has a row, otherwise from a named convention; each analyte's
`range_source` names its origin (see sources()). A patient's own reference range always wins over
a default, and a report must show when a default was assumed.

This material contains content from LOINC® (http://loinc.org). LOINC is copyright © Regenstrief
Institute, Inc. and the LOINC Committee, available at no cost under https://loinc.org/license.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from trialscreen.units.registry import UnitError, conversion, parse_unit

__all__ = [
    "Analyte",
    "Kind",
    "all_analytes",
    "by_loinc",
    "get",
    "lookup",
    "measured_as",
    "sources",
    "suggest",
    "synonyms",
    "unit_allowed",
]

Kind = Literal[
    "count",
    "mass_concentration",
    "substance_concentration",
    "enzyme",
    "ratio",
    "percent",
    "time",
    "pressure",
    "mass",
    "length",
    "rate",
    "score",
    "other",
]


class Analyte(BaseModel):
    """One measurable thing; limits and plausible bounds are in `canonical_unit`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    synonyms: tuple[str, ...] = Field(min_length=1)
    loinc: tuple[str, ...] = ()  # the first is the primary code
    canonical_unit: str
    kind: Kind
    molar_mass: float | None = Field(default=None, gt=0)  # g/mol
    molar_mass_source: str | None = None
    # a ratio to creatinine: the molar mass of its denominator (g/mol), so mg/mmol <-> mg/g
    per_molar_mass: float | None = Field(default=None, gt=0)
    valence: int | None = Field(default=None, gt=0)
    plausible_low: float
    plausible_high: float
    default_lln: float | None = None
    default_uln: float | None = None
    # the usual spread of that limit across laboratories and sexes: an assumed limit is an
    # interval, and decides only where its ends agree (evaluate.lab_thresholds)
    uln_range: tuple[float, float] | None = None
    lln_range: tuple[float, float] | None = None
    range_source: str | None = None  # "<SOURCES key> <detail>"
    score_range: tuple[float, float] | None = None
    # a value in another unit that measures another analyte: {"%": "fev1_predicted"} ("FEV1 >=
    # 50%" is FEV1 in % of the predicted value), {"mmol/mol": "hba1c_ifcc"}
    unit_forms: tuple[tuple[str, str], ...] = ()  # written as an object in analytes.json
    # criteria always write such a form with its unit ("CD4 < 14%"): a bare number is this
    # analyte ("CD4 < 50" is cells); otherwise a bare number may be either ("DLCO >= 60")
    forms_written: bool = False
    note: str = ""

    @field_validator("unit_forms", mode="before")
    @classmethod
    def _pairs(cls, value: object) -> object:
        return tuple(value.items()) if isinstance(value, dict) else value

    def form_in(self, unit_key: str) -> str | None:
        """The analyte a value in this unit measures, if another (see `unit_forms`)."""
        return next((form for unit, form in self.unit_forms if unit == unit_key), None)

    @model_validator(mode="after")
    def _check(self) -> Self:
        """Reject data errors at load time, naming the analyte."""
        problems = [p for p in self._problems() if p]
        if problems:
            raise ValueError(f"analyte {self.id!r}: " + "; ".join(problems))
        return self

    def _problems(self) -> list[str]:
        low, high = self.plausible_low, self.plausible_high
        limits = [x for x in (self.default_lln, self.default_uln) if x is not None]
        problems = [
            "plausible_low must be below plausible_high" if low >= high else "",
            "default limits must lie in the plausible range"
            if any(not low <= x <= high for x in limits)
            else "",
            "default_lln must be below default_uln" if limits != sorted(limits) else "",
            "limits need a range_source" if limits and not self.range_source else "",
            "score_range is for (and required by) kind 'score'"
            if (self.kind == "score") != (self.score_range is not None)
            else "",
            "molar_mass needs a molar_mass_source"
            if self.molar_mass is not None and not self.molar_mass_source
            else "",
        ]
        problems += [
            f"synonym {s!r} must be lowercase and trimmed"
            for s in self.synonyms
            if s != s.strip().lower() or not s
        ]
        problems += [f"bad LOINC code {c!r}" for c in self.loinc if not _LOINC.fullmatch(c)]
        try:
            parse_unit(self.canonical_unit)
        except UnitError as error:
            problems.append(str(error))
        return problems


_LOINC = re.compile(r"\d{1,7}-\d")


class _LexiconFile(BaseModel):
    """analytes.json: the LOINC notice, the sources of limits and molar masses, the analytes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    notice: str
    sources: dict[str, str]
    analytes: tuple[Analyte, ...]


# ---- lookup keys -------------------------------------------------------------------------

_GREEK = {"β": "beta", "α": "alpha", "γ": "gamma", "µ": "u", "μ": "u"}
_QUALIFIERS = ("serum", "plasma", "blood")


def _words(name: str) -> list[str]:
    text = name.lower()
    for letter, spelled in _GREEK.items():
        text = text.replace(letter, spelled)
    return re.findall(r"[a-z0-9]+", text)


def _key(name: str) -> str:
    """Case, spaces and punctuation collapse: 'PT-INR', 'pt inr' and 'PT/INR' share a key."""
    return "".join(_words(name))


def _candidate_keys(name: str) -> list[str]:
    """The key, then plural/singular variants, then the same without a leading 'serum'."""
    words = _words(name)
    bases = ["".join(words)]
    if len(words) > 1 and words[0] in _QUALIFIERS:
        bases.append("".join(words[1:]))
    keys: list[str] = []
    for key in bases:
        keys.append(key)
        if len(key) >= 4:  # "alts" -> "alt", but "p" never becomes "ps"
            keys += [key + "s", key[:-1] if key.endswith("s") else ""]
            keys.append(key[:-2] if key.endswith("es") else "")
    return [k for k in keys if k]


# ---- the loaded lexicon ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Lexicon:
    analytes: tuple[Analyte, ...]
    by_id: dict[str, Analyte]
    by_key: dict[str, Analyte]
    by_loinc: dict[str, Analyte]
    synonyms: dict[str, str]
    sources: dict[str, str]
    notice: str
    forms: frozenset[str]  # the analytes some other analyte's value in a unit measures


def _index(data: _LexiconFile) -> _Lexicon:
    """Build the indices; any collision (id, synonym key, LOINC code) is a data error."""
    by_id: dict[str, Analyte] = {}
    by_key: dict[str, Analyte] = {}
    by_code: dict[str, Analyte] = {}
    words: dict[str, str] = {}
    for analyte in data.analytes:
        if by_id.setdefault(analyte.id, analyte) is not analyte:
            raise ValueError(f"duplicate analyte id {analyte.id!r}")
        source = (analyte.range_source or "").split(" ")[0]
        if source and source not in data.sources:
            raise ValueError(f"{analyte.id}: range_source {source!r} is not in sources")
        for synonym in (analyte.id.replace("_", " "), analyte.name, *analyte.synonyms):
            owner = by_key.setdefault(_key(synonym), analyte)
            if owner is not analyte:
                raise ValueError(f"synonym {synonym!r} of {analyte.id} collides with {owner.id}")
        for synonym in analyte.synonyms:
            if words.setdefault(synonym, analyte.id) != analyte.id:
                raise ValueError(f"synonym {synonym!r} is listed twice")
        for code in analyte.loinc:
            if by_code.setdefault(code, analyte) is not analyte:
                raise ValueError(f"LOINC {code} of {analyte.id} is also {by_code[code].id}")
    for analyte in data.analytes:
        for unit, form_id in analyte.unit_forms:
            form = by_id.get(form_id)
            if form is None or form.canonical_unit != unit:
                raise ValueError(f"{analyte.id}: unit_forms[{unit!r}] must name an analyte in it")
    forms = frozenset(form for analyte in data.analytes for _, form in analyte.unit_forms)
    return _Lexicon(
        data.analytes, by_id, by_key, by_code, words, dict(data.sources), data.notice, forms
    )


@functools.cache
def _lexicon() -> _Lexicon:
    """Load analytes.json once, from the package (works from an installed wheel)."""
    text = resources.files(__package__).joinpath("analytes.json").read_text("utf-8")
    return _index(_LexiconFile.model_validate(json.loads(text)))


def sources() -> dict[str, str]:
    """Source key (the first word of an analyte's range_source) -> citation."""
    return dict(_lexicon().sources)


# ---- public functions --------------------------------------------------------------------


def lookup(name: str) -> Analyte | None:
    """The analyte a name or synonym denotes ('PT-INR', 'pt inr', 'Platelets'), its LOINC long or
    short name ('Hemoglobin [Mass/volume] in Blood'), or a name with its abbreviation in brackets
    ('Absolute neutrophil count (ANC)', both naming one analyte); else None."""
    by_key = _lexicon().by_key
    for key in _candidate_keys(name):
        if key in by_key:
            return by_key[key]
    code = _loinc_names().get(_key(name))
    if code is not None:
        return by_loinc(code)
    bracket = _BRACKET.fullmatch(name.strip())
    if bracket is not None:
        outside, inside = lookup(bracket.group(1)), lookup(bracket.group(2))
        if outside is not None and outside is inside:
            return outside
    return None


_BRACKET = re.compile(r"(.+?)\s*[(\[]([^()\[\]]+)[)\]]")


@functools.cache
def _loinc_names() -> dict[str, str]:
    """LOINC long and short names of the codes in the lexicon (loinc_names.json, built by
    bench/loinc_names.py from the LOINC tables in ../shared/reference) -> code."""
    text = resources.files(__package__).joinpath("loinc_names.json").read_text("utf-8")
    return {_key(name): code for name, code in json.loads(text)["names"].items()}


def loinc_notice() -> str:
    """The LOINC copyright notice that goes with the codes and names."""
    return _lexicon().notice


def by_loinc(code: str) -> Analyte | None:
    """The analyte with this LOINC code, else None."""
    return _lexicon().by_loinc.get(code.strip())


def get(analyte_id: str) -> Analyte:
    """The analyte with this id; KeyError if there is none."""
    try:
        return _lexicon().by_id[analyte_id]
    except KeyError:
        raise KeyError(f"unknown analyte id {analyte_id!r}") from None


def all_analytes() -> list[Analyte]:
    """Every analyte, in file order."""
    return list(_lexicon().analytes)


def suggest(name: str, n: int = 3) -> list[str]:
    """Did-you-mean: the closest synonyms, at most one per analyte, best first."""
    lexicon = _lexicon()
    matches = difflib.get_close_matches(name.strip().lower(), lexicon.synonyms, n=50, cutoff=0.6)
    seen: set[str] = set()
    result: list[str] = []
    for synonym in matches:
        analyte_id = lexicon.synonyms[synonym]
        if analyte_id not in seen:
            seen.add(analyte_id)
            result.append(synonym)
    return result[:n]


_PREDICTED = re.compile(
    r"(?i)\s*(?:%|percent)\s*(?:of\s+)?(?:the\s+)?predicted(?:\s+(?:value|normal))?\s*"
)


def _unit_key(unit: str) -> str:
    key = "".join(unit.lower().split())
    return "%" if key == "percent" else key


def measured_as(analyte_id: str, unit: str | None) -> tuple[str, str | None]:
    """The analyte and unit that a value written in `unit` measures.

    A unit listed in the analyte's `unit_forms` names another analyte ("FEV1 >= 50%" and a
    record's FEV1 of 45 "%" are FEV1 in % of predicted; HbA1c in mmol/mol is the IFCC measure).
    "% predicted" is "%" for such a form and stays as written (a unit that cannot belong) for
    any other analyte."""
    if unit is None:
        return analyte_id, unit
    predicted = _PREDICTED.fullmatch(unit) is not None
    key = "%" if predicted else _unit_key(unit)
    lexicon = _lexicon()
    info = lexicon.by_id.get(analyte_id)
    form = info.form_in(key) if info is not None else None
    if form is not None:
        return form, key
    if predicted and analyte_id in lexicon.forms:
        return analyte_id, "%"
    return analyte_id, unit


def unit_allowed(analyte: Analyte, unit: str) -> bool:
    """True if `unit` converts to the analyte's canonical unit (via molar mass if needed)."""
    try:
        conversion(unit, analyte.canonical_unit, analyte.id)
    except UnitError:
        return False
    return True


def synonyms() -> dict[str, str]:
    """Every synonym (lowercase, as written in analytes.json) -> analyte id."""
    return dict(_lexicon().synonyms)
