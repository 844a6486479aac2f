"""Normalise bullet text for the lexer, keeping a map from each normalised character back.

Symbols with several spellings become one ASCII spelling (≥ → ">=", × → "x", µ → "u",
10⁹ → "10^9", thin spaces → " ", Markdown escapes dropped). `Normalized.span` maps a span of
the normalised text back to the original, so every predicate can underline its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_CHAR_MAP: dict[str, str] = {
    "≥": ">=",
    "⩾": ">=",
    "≧": ">=",
    "≤": "<=",
    "⩽": "<=",
    "≦": "<=",
    "×": "x",
    "℃": "deg C",  # the one-character degree Celsius sign
    "℉": "deg F",
    "°": "deg ",  # "38.5 °C": one ASCII spelling of the degree sign
    "∆": "delta ",  # "∆FEV1": a change in FEV1, not FEV1
    "Δ": "delta ",
    "✕": "x",
    "µ": "u",
    "μ": "u",
    "–": "-",
    "—": "-",
    "−": "-",
    "‐": "-",
    "‒": "-",
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "·": " ",
    "•": " ",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\t": " ",
    "\r": " ",
    "\n": " ",
    "\ufeff": " ",
}
_GE_WORDS = (
    r"greater than or equal to|more than or equal to|equal to or (?:greater|more|higher) than|"
    r"at least|no less than|not less than"
)
_LE_WORDS = (
    r"less than or equal to|equal to or (?:less|lower) than|at most|no more than|not more than"
)
_GT_WORDS = r"greater than|more than|higher than|above"
_LT_WORDS = r"less than|lower than|below"
# Rewrites applied after the character map: (pattern, replacement). Each keeps offsets through
# `_rewrite`, which maps every character of a replacement to the start of what it replaced.
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\\([<>*\[\]_#+\-.()!|~`])"), r"\1"),  # Markdown escapes
    (re.compile(r"(?<![\d.])10\s*(?:\^|\*\*?|e)\s*\(?\s*(-?\d{1,2})\s*\)?(?!\d)"), r"10^\1"),
    (re.compile(r"(?<![\d.])10\s*\(\s*(\d{1,2})\s*\)"), r"10^\1"),
    # "SWOG 0-2": the SWOG (= ECOG/Zubrod) performance status, not a SWOG protocol number
    (
        re.compile(r"\bSWOG(?=\s+[0-4](?:\s*(?:-|to|or|,)\s*[0-4])*(?![\d.]))"),
        "SWOG performance status",
    ),
    # "WHO 0-1", "WHO: 0 or 1": the WHO (= ECOG) performance status, not a WHO grade (which
    # says "grade") nor a WHO classification year
    (
        re.compile(
            r"\bWHO(?=\s*:?\s+[0-4](?:\s*(?:-|to|or|,)\s*[0-4])*(?![\d.]|\s*(?:glioma|tumou?r)))"
        ),
        "WHO performance status",
    ),
    # a superscript written in brackets: "/mm(3)" is /mm^3
    (re.compile(r"(?i)(?<=/mm)\s*\(\s*3\s*\)"), r"^3"),
    # "/mm ^3", "/mm^ 3": the superscript spaced apart
    (re.compile(r"(?i)(?<=/mm)\s*\^\s*3\b"), r"^3"),
    # a superscript lost in copying: "x 109/L" is x 10^9/L, "x 106/L" x 10^6/L
    (re.compile(r"(?i)(?<=x)(\s*)10([369])(?=\s*/\s*(?:l|ul|mm\^?3)\b)"), r"\g<1>10^\2"),
    # a decimal comma before a unit or a multiple ("8,5 g/dL", "1,5 x ULN")
    (
        re.compile(
            r"(?i)(?<![\d,.])(\d{1,2}),(\d{1,2})(?=\s*(?:g/dl|g/l|mg/dl|mg/l|mmol/l|umol/l|"
            r"x\s*10|x\s*uln|x\s*upper|times|fold)\b|\s*(?:°|deg(?:rees?)?\.?\s*)[cf]\b)"
        ),
        r"\1.\2",
    ),
    # old spellings of >= and <=: "> or =", "= or >", ">/=", "=/>", "> ="
    (re.compile(r"(?:>\s*or\s*=|=\s*or\s*>|>\s*/\s*=|=\s*/\s*>|>\s+=)(?!=)"), ">="),
    (re.compile(r"(?:<\s*or\s*=|=\s*or\s*<|<\s*/\s*=|=\s*/\s*<|<\s+=)(?!=)"), "<="),
    # a comparator in words repeated as a symbol: "greater than or equal to (>=)" is one
    # comparator; the bracket goes only where the symbol says the same as the words
    (re.compile(rf"(?i)\b({_GE_WORDS})\s*\(\s*(?:>=|=>)\s*\)"), r"\1 "),
    (re.compile(rf"(?i)\b({_LE_WORDS})\s*\(\s*(?:<=|=<)\s*\)"), r"\1 "),
    (re.compile(rf"(?i)\b({_GT_WORDS})\s*\(\s*>\s*\)"), r"\1 "),
    (re.compile(rf"(?i)\b({_LT_WORDS})\s*\(\s*<\s*\)"), r"\1 "),
    # "equal or greater than", "equal to or below": the comparator written the other way round
    (
        re.compile(r"(?i)\bequal\s+(?:to\s+)?or\s+(?:(?:greater|more|higher)(?:\s+than)?|above)\b"),
        ">=",
    ),
    (
        re.compile(r"(?i)\bequal\s+(?:to\s+)?or\s+(?:(?:less|lower|fewer)(?:\s+than)?|below)\b"),
        "<=",
    ),
    # "greater or equal to 18", "less or equal 2": the "than" left out
    (re.compile(r"(?i)\b(?:greater|more|higher)\s+or\s+equal(?:\s+to)?\b"), ">="),
    (re.compile(r"(?i)\b(?:less|lower|fewer)\s+or\s+equal(?:\s+to)?\b"), "<="),
    # a comparator in words glued to its number: "greater than100 mm Hg", "at least10"
    (re.compile(r"(?i)\b(than|least|most)(?=\d)"), r"\1 "),
    # "> or = to 21 years": the "to" after a comparator symbol says nothing more
    (re.compile(r"(?i)(?<=[<>]=)\s*to\b"), ""),
    # a multiple glued to its limit: "1.25ULN", "2.5xULN" are "1.25 x ULN", "2.5 x ULN"
    (re.compile(r"(?<=\d)\s*[x×*]?(?=(?:ULN|LLN|UNL|uln|lln|unl)\b)"), " x "),
    # "gm/dL": grams ("gm" is no unit symbol)
    (re.compile(r"(?i)(?<![a-z])gms?(?=\s*/\s*(?:dl|l|ml|100\s*ml)\b)"), "g"),
    # "g/100 mL", "mg/100ml": per decilitre
    (re.compile(r"(?i)(?<![a-z])(g|mg)\s*/\s*100\s*ml\b"), r"\1/dL"),
    # a tilde between two small numbers is a range: "ECOG 0~1"
    (re.compile(r"(?<=\b\d)\s*~\s*(?=\d\b)"), "-"),
    # "transaminases": ALT and AST (in an exclusion, "either?" keeps it unread: compiler)
    (re.compile(r"(?i)\b(?:(?:serum|hepatic|liver)\s+)?transaminases\b"), "ALT and AST"),
    # "2 times normal", "1.5 x normal": a multiple of the upper normal limit
    (
        re.compile(
            r"(?i)\b(x|times)(\s+(?:the\s+)?(?:institutional\s+)?)normal\b"
            r"(?!\s+(?:limits?|range|value))"
        ),
        r"\1\2ULN",
    ),
    # "basal or squamous cell skin cancer", "basal and squamous cell carcinoma of the skin": the
    # cell types share the noun (written out, each is a lexicon phrase); only of the skin, since
    # "squamous cell carcinoma" alone may be of any organ
    (
        re.compile(
            r"(?i)\b(basal|squamous)(?:\s+cell)?(?:\s*,?\s*(?:and/or|or|and)\s+|\s*/\s*)"
            r"(squamous|basal)\s+cell\s+(skin\s+(?:cancers?|carcinomas?)"
            r"|(?:carcinomas?|cancers?)\s+of\s+(?:the\s+)?skin)\b"
        ),
        r"\1 cell \3 or \2 cell \3",
    ),
    # "pleural/pericardial effusion", "malignant pleural or pericardial effusions": the sites
    # share the noun and the word before
    (
        re.compile(
            r"(?i)\b((?:malignant|symptomatic|uncontrolled|recurrent|significant|large)\s+)?"
            r"(pleural|pericardial|peritoneal)(\s*(?:/|,?\s*(?:and/or|or|and)\s+)\s*)"
            r"(pleural|pericardial|peritoneal)\s+(effusions?)\b"
        ),
        r"\1\2 \5\3\1\4 \5",
    ),
    # "hepatitis B or C", "chronic hepatitis B and/or C": the letters share "hepatitis" and the
    # word before it
    (
        re.compile(
            r"(?i)\b((?:chronic|active|acute)\s+)?(hepatitis)\s+(B|C)"
            r"(\s*(?:,?\s*(?:and/or|or|and)\s+|/\s*))(C|B)(?![\w-])"
        ),
        r"\1\2 \3\4\1\2 \5",
    ),
)


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text and, for each of its characters, the offset in the original."""

    text: str
    offsets: tuple[int, ...]  # len(text) + 1 entries; the last is len(original)
    identity: bool = False  # the text did not change: spans need no mapping

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text to the original text."""
        if end <= start:
            return (self.offsets[start], self.offsets[start])
        return (self.offsets[start], self.offsets[end - 1] + 1)


def _map_chars(text: str) -> tuple[str, list[int]]:
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if ch in _CHAR_MAP:
            rep = _CHAR_MAP[ch]
        elif "⁰" <= ch <= "⁹" or ch in "¹²³⁻":
            prev_sup = i > 0 and (text[i - 1] in "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
            rep = ch.translate(_SUPERSCRIPTS)
            if not prev_sup:
                rep = "^" + rep
        else:
            rep = ch
        out.append(rep)
        offsets.extend([i] * len(rep))
    return "".join(out), offsets


def _rewrite(
    text: str, offsets: list[int], pattern: re.Pattern[str], repl: str
) -> tuple[str, list[int]]:
    pieces: list[str] = []
    new_offsets: list[int] = []
    last = 0
    for match in pattern.finditer(text):
        pieces.append(text[last : match.start()])
        new_offsets.extend(offsets[last : match.start()])
        replacement = match.expand(repl)
        pieces.append(replacement)
        anchor = offsets[match.start()] if match.start() < len(offsets) else offsets[-1]
        end_anchor = offsets[match.end() - 1] if match.end() > match.start() else anchor
        # characters of the replacement map onto the matched region, last one onto its end
        for k in range(len(replacement)):
            new_offsets.append(end_anchor if k == len(replacement) - 1 else anchor)
        last = match.end()
    pieces.append(text[last:])
    new_offsets.extend(offsets[last:])
    return "".join(pieces), new_offsets


_PLAIN = re.compile(r"[\x20-\x5b\x5d-\x7e]*")  # printable ASCII without "\\"


def normalize(text: str) -> Normalized:
    """Normalise `text`; see the module docstring for what changes."""
    if _PLAIN.fullmatch(text) and not any(p.search(text) for p, _ in _REWRITES):
        return Normalized(text, tuple(range(len(text) + 1)), identity=True)
    norm, offsets = _map_chars(text)
    for pattern, repl in _REWRITES:
        if pattern.search(norm):
            norm, offsets = _rewrite(norm, offsets, pattern, repl)
    offsets.append(len(text))
    return Normalized(norm, tuple(offsets))
