"""The one cached Lark parser: grammar files plus terminals generated from the lexicons."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

from lark import Lark

from trialscreen.language.transformer import CriteriaTransformer

GRAMMAR_FILES = ("terms.lark", "criteria.lark")


def grammar_dir() -> Path:
    """The grammar folder: packaged in the wheel, else the checkout's top-level `grammar/`."""
    packaged = Path(str(resources.files("trialscreen"))) / "grammar"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "grammar"


def phrase_terminal(name: str, priority: int, phrases: list[str]) -> str:
    """A case-insensitive, word-bounded terminal matching any phrase, longest first."""
    alternatives = []
    for phrase in sorted(set(phrases), key=lambda p: (-len(p), p)):
        escaped = re.escape(phrase.strip())
        escaped = escaped.replace(r"\ ", r"\s+").replace(r"\-", r"[-\s]?")
        alternatives.append(escaped.replace("/", r"\/"))
    body = "|".join(alternatives) if alternatives else "(?!x)x"
    return f"{name}.{priority}: /(?i:(?<![\\w-])(?:{body})(?![\\w]))/"


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
            phrase_terminal("SCALE", 6, scale_phrases),
            phrase_terminal("ANALYTE", 5, analyte_phrases),
            phrase_terminal("CONCEPT", 4, concept_phrases),
        )
    )


def grammar_text() -> str:
    """The whole grammar: the .lark files, then the generated lexicon terminals."""
    folder = grammar_dir()
    parts = [(folder / name).read_text(encoding="utf-8") for name in GRAMMAR_FILES]
    parts.append(lexicon_terminals())
    return "\n".join(parts)


@cache
def get_parser() -> Lark:
    """The LALR parser, built once per process (Lark also caches it on disk by grammar hash)."""
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="basic",
        start="clause",
        propagate_positions=False,
        maybe_placeholders=False,
        transformer=CriteriaTransformer(),
    )
