"""The tumour-marker lexicon: HER2, ER, PR, EGFR, ALK, PD-L1, MSI, ... as records and criteria
name them, the LOINC codes of the tests that report them, and how a result reads.

The data lives in biomarkers.json beside this module. A marker's `alteration` is what a bare
"positive" means for it: `expression` for proteins and receptors (HER2 overexpression or
amplification, ER staining), `mutation` for EGFR, KRAS, BRAF, BRCA, `fusion` for ALK, ROS1, RET,
NTRK (a rearrangement); MET has none (amplification or exon 14 skipping). A result of one kind
of alteration says nothing about another ("MET amplification" is not "MET exon 14 skipping";
"HER2 mutation" is not HER2-positive).
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict

Alteration = Literal["expression", "mutation", "amplification", "fusion", "any"]
Status = Literal["positive", "negative"]
RecordResult = Literal["positive", "negative", "equivocal"]
HORMONE_RECEPTOR = "hormone_receptor"
TRIPLE_NEGATIVE = "triple_negative"


class Marker(BaseModel):
    """One tumour marker: names, test codes, and how its value and result read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    kind: Literal["protein", "receptor", "gene", "status", "score", "composite"]
    synonyms: list[str] = []
    # whole phrases that name the marker and its result ("MSI-H", "dMMR", "triple-negative")
    phrases: dict[str, Status] = {}
    loinc: list[str] = []
    unit: str | None = None  # the unit of its value ("%" for PD-L1, "mut/Mb" for TMB)
    # a value below the first is negative under every cutoff in use, at or above the second
    # positive under every one; in between, "positive" depends on the assay
    cutoffs: tuple[float, float] | None = None
    alteration: Alteration | None = None  # what a bare "positive" means (see the module doc)
    implied_unit: bool = False  # a bare number is in `unit` (TMB, Ki-67): one reading
    any_positive: list[str] = []  # hormone receptor: ER or PR positive; BRCA: BRCA1 or BRCA2
    all_negative: list[str] = []  # triple-negative: ER, PR and HER2 negative


class _MarkerFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    about: str
    markers: list[Marker]


def _key(name: str) -> str:
    """Case, spaces, hyphens and dots do not matter: "HER-2/neu" = "her2 neu" = "HER2neu"."""
    return re.sub(r"[\s\-_./()]+", "", name.lower())


@functools.cache
def _file() -> _MarkerFile:
    text = resources.files("trialscreen.lexicon").joinpath("biomarkers.json").read_text("utf-8")
    return _MarkerFile.model_validate(json.loads(text))


@functools.cache
def _by_key() -> dict[str, Marker]:
    out: dict[str, Marker] = {}
    for marker in _file().markers:
        for name in [marker.id, marker.name, *marker.synonyms]:
            out.setdefault(_key(name), marker)
    return out


@functools.cache
def _by_id() -> dict[str, Marker]:
    return {m.id: m for m in _file().markers}


@functools.cache
def _by_loinc() -> dict[str, Marker]:
    return {code: m for m in _file().markers for code in m.loinc}


def about() -> str:
    """Where the lexicon's codes and cutoffs come from."""
    return _file().about


def all_markers() -> list[Marker]:
    return list(_file().markers)


def get(marker_id: str) -> Marker:
    return _by_id()[marker_id]


def lookup(name: str) -> Marker | None:
    """The marker a record or a criterion names ("HER2/neu", "estrogen receptor", "PD-L1")."""
    return _by_key().get(_key(name))


def by_loinc(code: str) -> Marker | None:
    """The marker a LOINC test reports (FHIR import)."""
    return _by_loinc().get(code.strip())


def phrase(text: str) -> tuple[Marker, Status] | None:
    """The marker and result a whole phrase names ("MSI-H", "dMMR", "triple-negative")."""
    wanted = _key(text)
    for marker in _file().markers:
        for words, status in marker.phrases.items():
            if _key(words) == wanted:
                return marker, status
    return None


def suggest(name: str, n: int = 3) -> list[str]:
    """Known marker names closest to an unknown one."""
    import difflib

    names = {m.name for m in _file().markers} | {s for m in _file().markers for s in m.synonyms}
    return difflib.get_close_matches(name, sorted(names), n=n, cutoff=0.5)


# ---- results as criteria write them after a marker ("HER2-negative", "ALK rearrangement",
# "KRAS wild-type"); language/transformer.py reads what each says
MARKER_POSITIVE = (
    r"positive|pos(?![\w])|\+(?:ve)?|\(\+\)|over-?expression|over-?expressing|over-?expressed"
    r"|amplified|(?:gene\s+)?amplification|(?:mutation|fusion|rearrangement)[-\s]positive"
    r"|mutations?|mutated|mutant|rearrangements?|rearranged|fusions?|translocations?"
    r"|translocated|alterations?|altered"
)
MARKER_NEGATIVE = (
    r"negative|neg(?![\w])|\(-\)|-ve|wild[-\s]?type|wt(?![\w])|non-?amplified|not\s+amplified"
    r"|non-?overexpressing|not\s+overexpressed|(?:mutation|fusion|rearrangement|amplification)"
    r"[-\s]negative|non-?mutated|unmutated|non-?mutant"
)


def scoring(text: str | None) -> str | None:
    """How a PD-L1 value was scored, from what a record or criterion writes: TPS (tumour
    cells), CPS (a combined score, no percentage) or IC (immune-cell area: neither)."""
    if not text:
        return None
    low = text.lower()
    if re.search(r"\bcps\b|combined positive", low):
        return "CPS"
    if re.search(r"\bic\b|immune cells?|sp142", low):
        return "IC"
    if re.search(r"\btps\b|tumou?r proportion|\btc\b|tumou?r cells?", low):
        return "TPS"
    return None


def by_staining(method: str | None) -> bool:
    """Was the result found by immunohistochemistry (the protein, not the gene)?"""
    return method is not None and re.search(r"(?i)\bihc\b|immunohisto", method) is not None


# ---- results as records state them -----------------------------------------------------------

_RESULTS: dict[str, RecordResult] = {
    **dict.fromkeys(
        (
            "positive",
            "pos",
            "+",
            "detected",
            "present",
            "mutated",
            "mutation",
            "mutant",
            "amplified",
            "overexpressed",
            "rearranged",
            "fusion",
            "high",  # MSI-high, TMB-high, PD-L1 high
            "msi-h",
            "deficient",  # mismatch repair
            "dmmr",
            "abnormal",
        ),
        "positive",
    ),
    **dict.fromkeys(
        (
            "negative",
            "neg",
            "-",
            "not detected",
            "absent",
            "wild-type",
            "wild type",
            "wildtype",
            "wt",
            "not amplified",
            "non-amplified",
            "stable",  # microsatellite stable
            "mss",
            "proficient",  # mismatch repair
            "pmmr",
            "normal",
        ),
        "negative",
    ),
    **dict.fromkeys(("equivocal", "indeterminate", "borderline"), "equivocal"),
}


def record_result(text: str) -> RecordResult | None:
    """A record's result word as positive / negative / equivocal ("wild-type" is negative)."""
    return _RESULTS.get(" ".join(text.lower().replace("_", " ").split()))


def accepted_results() -> list[str]:
    return sorted(_RESULTS)


# ---- variants --------------------------------------------------------------------------------

_EXON = re.compile(
    r"(?i)\b(?:exon|ex)\s*(\d{1,2})\s*[-\s]*"
    r"(del(?:etions?)?|ins(?:ertions?)?|skip(?:ping)?|dup(?:lications?)?|mutations?)"
)
_EXON_SHORT = re.compile(r"(?i)^(?:ex(?:on)?)?(\d{1,2})(del|ins)$|^(del|ins)(\d{1,2})$")
_PROTEIN = re.compile(r"^(?:p\.)?([ACDEFGHIKLMNPQRSTVWY])(\d{1,4})([ACDEFGHIKLMNPQRSTVWYX*]|fs)?$")
_KINDS = {"del": "del", "ins": "ins", "ski": "skip", "dup": "dup", "mut": "mut"}


def variant_key(text: str) -> str | None:
    """One spelling of a variant: "exon 19 deletion", "ex19del", "del19" -> "exon19del";
    "p.V600E" -> "V600E"; "V600" (any change at codon 600) -> "V600"; None when unread."""
    text = " ".join(text.split())
    exon = _EXON.search(text)
    if exon is not None:
        return f"exon{int(exon.group(1))}{_KINDS[exon.group(2).lower()[:3]]}"
    short = _EXON_SHORT.match(text.replace(" ", ""))
    if short is not None:
        number = short.group(1) or short.group(4)
        kind = (short.group(2) or short.group(3)).lower()
        return f"exon{int(number)}{kind}"
    text = re.sub(r"(?i)^exon\s*\d{1,2}\s+", "", text)  # "exon 21 L858R"
    protein = _PROTEIN.match(text.replace(" ", ""))
    if protein is not None:
        return "".join(g for g in protein.groups() if g).upper().replace("FS", "fs")
    return None


def variant_covers(wanted: str, found: str) -> bool:
    """Does a variant of the record fall under one a criterion names? "V600" covers "V600E"
    and "V600K"; "G12X" any change at G12; otherwise the same variant."""
    if wanted == found:
        return True
    codon = re.match(r"^([A-Z]\d+)X?$", wanted)
    return codon is not None and re.match(rf"^{codon.group(1)}[A-Z*]$", found) is not None


def variant_alteration(text: str) -> Alteration | None:
    """The kind of alteration a record's variant text describes."""
    low = text.lower()
    if "amplif" in low:
        return "amplification"
    if re.search(r"fusion|rearrang|translocat|eml4|-alk|::", low):
        return "fusion"
    if "overexpress" in low or re.search(r"\bihc\b", low):
        return "expression"
    if variant_key(text) is not None or re.search(r"mutat|del|ins|skip|itd|tkd|\bsnv\b", low):
        return "mutation"
    return None
