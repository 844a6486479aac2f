"""The one cached Lark parser: grammar files plus terminals generated from the lexicons."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from lark import Lark

from trialscreen.language.transformer import CriteriaTransformer

GRAMMAR_FILES = ("terms.lark", "criteria.lark")


def grammar_dir() -> Path:
    """The grammar folder: packaged in the wheel, else the checkout's top-level `grammar/`."""
    packaged = Path(str(resources.files("trialscreen"))) / "grammar"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "grammar"


def _char(ch: str) -> str:
    if ch == " ":  # "glutamic pyruvic" also matches "glutamic-pyruvic"
        return r"[\s-]+"
    if ch == "-":  # "colony-stimulating", "colony stimulating", "colony- stimulating"
        return r"[-\s]*"
    if ch == "/":  # "FEV1/FVC", "FEV1 / FVC"
        return r"\s*\/\s*"
    if ch == _EITHER:
        return r"[-\s]*"
    return re.escape(ch).replace("/", r"\/")


_EITHER = "\x00"  # a trie key: a space in one phrase where another has a hyphen


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for key, child in b.items():
        out[key] = _merge(out[key], child) if key in out else child
    return out


def _join_separators(node: dict[str, Any]) -> None:
    """Where one phrase goes on with a space and another with a hyphen ("high density
    lipoprotein", "high-density lipoprotein cholesterol"), the two would be tried one after the
    other and the first to match would win, not the longest: one branch for both instead."""
    if " " in node and "-" in node:
        node[_EITHER] = _merge(node.pop(" "), node.pop("-"))
    for child in node.values():
        _join_separators(child)


def _trie(node: dict[str, Any]) -> str:
    """A regex for the words of a trie, with shared prefixes factored out (fast to match)."""
    branches = [_char(ch) + _trie(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    if len(branches) == 1 and "" not in node:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")


def _alternation(phrases: list[str]) -> str:
    """One regex matching any phrase; the longest match wins, as the lexer needs."""
    root: dict[str, Any] = {}
    for phrase in set(phrases):
        node = root
        for ch in " ".join(phrase.split()):
            node = node.setdefault(ch, {})
        node[""] = {}
    _join_separators(root)
    return _trie(root) or "(?!x)x"


# Phrases whose case tells two things apart: "eGFR" is the kidney's filtration rate, "EGFR" in
# capitals the epidermal growth factor receptor ("EGFR-TKI", "EGFR mutation").
# Nucleoside analogues are written "ddI", "ddC" (dideoxyinosine, dideoxycytidine).
CASED: dict[str, tuple[str, ...]] = {
    "egfr": ("eGFR", "Egfr"),
    "ddi": ("ddI",),  # ("DDI" is also a drug-drug interaction)
    "ddc": ("ddC",),
}


def phrase_terminal(
    name: str, priority: int, phrases: list[str], short: int = 0, capitalized: bool = False
) -> str:
    """A word-bounded terminal matching any phrase, longest first, case-insensitive.

    Abbreviations of at most `short` letters ("ALL", "MI", "NET") match only in upper case,
    so that the words "all", "mi" and "net" do not become concepts; the phrases of `CASED` match
    only as spelled there.
    """
    cased = [form for p in phrases if p in CASED for form in CASED[p]]
    phrases = [p for p in phrases if p not in CASED]
    is_short = [p for p in phrases if short and len(p) <= short and p.isalpha()]
    long = [p for p in phrases if p not in set(is_short)]
    body = f"(?i:{_alternation(long)})"
    if is_short:
        forms = [p.upper() for p in is_short]
        if capitalized:  # "Hb", "Cr"
            forms += [p.capitalize() for p in is_short]
        body += "|" + _alternation(forms)
    if cased:
        body += "|" + _alternation(cased)
    return f"{name}.{priority}: /(?<![\\w-])(?:{body})(?![\\w])/"


def lexicon_terminals() -> str:
    """ANALYTE, SCALE and CONCEPT terminals from the analyte and concept lexicons."""
    from trialscreen.lexicon import concepts
    from trialscreen.units import analytes

    analyte_phrases: list[str] = []
    scale_phrases: list[str] = []
    for synonym, analyte_id in analytes.synonyms().items():
        if analytes.get(analyte_id).kind == "score":
            scale_phrases.append(synonym)
        else:
            analyte_phrases.append(synonym)
    taken = {p.lower() for p in analyte_phrases + scale_phrases}
    concept_phrases = [p for p in concepts.synonyms() if p.lower() not in taken]
    return "\n".join(
        (
            phrase_terminal("SCALE", 6, scale_phrases, short=2),
            phrase_terminal("ANALYTE", 5, analyte_phrases, short=2, capitalized=True),
            phrase_terminal("CONCEPT", 4, concept_phrases, short=4),
        )
    )


_GERMLINE = r"(?:(?i:(?:deleterious\s+|pathogenic\s+)?(?:germline|inherited))\s+)?"
_VALUE_WORDS = (
    r"(?i:\s*\(?\s*(?:tumou?r\s+proportion\s+score|combined\s+positive\s+score|tps|cps)\s*\)?"
    r"|\s+(?:expression|staining|labell?ing\s+index|proliferation\s+index|index|level|score"
    r"|status)(?:\s+of)?)*"
)
_BOUND_AHEAD = (
    r"(?=\s*(?:[<>=]|\d|(?i:at\s+least|at\s+most|greater|less|more|no\s+more|no\s+less|above"
    r"|below|over|under|up\s+to|equal)\b))"
)


def _marker_names(markers: list[Any]) -> str:
    """One regex for the names of some markers: short all-letter names ("ER", "ALK", "EGFR")
    only in capitals, so the words "er", "met", "ret", "kit" stay words; "PgR" as written."""
    short = [s for m in markers for s in m.synonyms if s.isalpha() and len(s) <= 4]
    long = [s for m in markers for s in m.synonyms if not (s.isalpha() and len(s) <= 4)]
    forms = [p.upper() for p in short] + (["PgR"] if "pgr" in short else [])
    return f"(?:(?i:{_alternation(long)})|{_alternation(forms)})"


def marker_terminals() -> str:
    """MARKER_RESULT, MARKER_DASH, MARKER_PHRASE, MARKER_VALUE and BIOMARKER from the
    tumour-marker lexicon (grammar/criteria.lark says what each is)."""
    from trialscreen.lexicon import biomarkers
    from trialscreen.lexicon.biomarkers import MARKER_NEGATIVE, MARKER_POSITIVE

    markers = [m for m in biomarkers.all_markers() if m.synonyms]
    names = _marker_names(markers)
    valued = _marker_names([m for m in markers if m.unit])
    # phrases written with capitals ("MSS", "dMMR") match as written or in capitals
    phrases = [p for m in biomarkers.all_markers() for p in m.phrases]
    cased = [p for p in phrases if p.lower() != p]
    forms = [p for c in cased for p in {c, c.upper()}]
    phrase_re = f"(?:(?i:{_alternation([p for p in phrases if p not in cased])})"
    phrase_re += f"|{_alternation(forms)})"
    head, tail = r"(?<![\w-])", r"(?![\w])"
    result = f"(?i:{MARKER_POSITIVE}|{MARKER_NEGATIVE})"
    return "\n".join(
        (
            rf"MARKER_RESULT.6: /{head}{_GERMLINE}{names}(?:\s*-\s*|\s+|(?=[+(]))"
            rf"{result}(?:\s+(?i:disease|tumou?rs?))?(?![\w+])/",
            rf"MARKER_DASH.6: /{head}{_GERMLINE}{names}\s*-(?![\w-])/",
            f"MARKER_PHRASE.6: /{head}{_GERMLINE}{phrase_re}{tail}/",
            f"MARKER_VALUE.6: /{head}{valued}{_VALUE_WORDS}{_BOUND_AHEAD}/",
            f"BIOMARKER.3: /{head}{_GERMLINE}{names}{tail}/",
        )
    )


def grammar_text() -> str:
    """The whole grammar: the .lark files, then the generated lexicon terminals."""
    folder = grammar_dir()
    parts = [(folder / name).read_text(encoding="utf-8") for name in GRAMMAR_FILES]
    parts.append(lexicon_terminals())
    parts.append(marker_terminals())
    return "\n".join(parts)


def _parser_cache() -> str | bool:
    """Where Lark keeps the built parser between runs (the user cache folder, checked against
    the grammar's hash on load), or False when that folder cannot be written."""
    import logging
    import os

    from platformdirs import user_cache_dir

    logging.getLogger("lark").setLevel(logging.CRITICAL)  # a bad cache file is rebuilt quietly
    folder = Path(os.environ.get("TRIALSCREEN_PARSER_CACHE") or user_cache_dir("trialscreen"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return str(folder / "parser.lark") if os.access(folder, os.W_OK) else False


@cache
def get_parser() -> Lark:
    """The LALR parser, built once per process; Lark keeps the built tables on disk, keyed by
    the grammar's hash, so a later run loads them instead of building (~1 s instead of ~5 s)."""
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="basic",
        start="clause",
        propagate_positions=False,
        maybe_placeholders=False,
        transformer=CriteriaTransformer(),
        cache=_parser_cache(),
        cache_grammar=True,  # the grammar itself too: hypothesis's from_lark reads it
    )
