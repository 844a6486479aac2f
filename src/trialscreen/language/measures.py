"""Measurements no lexicon holds: "VAS < 40 mm", "IPSS >= 8", "Plasma aldosterone >= 15 ng/dL".

The plain words right before a comparator become one MEASURE token, so that the clause is read
as a typed comparison (model/predicate.py MeasureCompare) that is never decided: no record value
can be tied to a name no lexicon knows, and the measure is named as the data that would decide.
Reading it accounts for its words, so a bullet that joins it to a lab the lexicon knows ("ANC >=
1500/mm3 and VAS < 4") decides where the known part settles the whole.

Only where nothing else could have read the words, and the reading is unmistakable:
- the name is one to six plain words (a bracketed alias may end it: "visual analogue scale
  (VAS)"), with at least one that is not generic ("score", "level", "of"); none is a cue word
  ("other", "only", "positive", ...), a stop word or a lexicon phrase (those tokens end the run);
- before it stand only framing words ("Patients must have a") and then the start of the bullet,
  a colon, comma, semicolon, full stop, opening bracket, "and" or "or": a name that runs on from a
  concept, a lab or a negation ("no", "history of") is left as it was;
- the comparator is followed by a number, and the number by a unit, a multiple of a normal
  limit, or the end of the clause: "less than 6 weeks" (a duration), "> 2 times" (a count) and
  "at least 4 of the following" are not measurements.
"""

from __future__ import annotations

from lark import Token

from trialscreen.language.cues import CUE_WORDS

_COMPARATORS = frozenset({"GE", "GT", "LE", "LT"})
_NAME_TYPES = frozenset({"WORD", "CLASS", "WORD_LEVEL"})
_BOUNDARIES = frozenset({"COLON", "COMMA", "LPAR", "_AND", "_OR"})
_AFTER_VALUE = frozenset({"UNIT", "COMMA", "COLON", "RPAR", "_AND", "_OR", "OR_NUM"})
_GENERIC = frozenset(
    """score scores level levels value values of class status total result results count
    counts serum plasma blood measured calculated concentration test mean average baseline
    number rate""".split()
)
_FRAME = frozenset(
    """a an the with has have had must should be is are patient patients subject subjects
    participant participants their his her who whose""".split()
)
_STOP = frozenset(
    """to in on at by as any all each this that these those which than also there they them
    its it do does was were been will may can from for into per over under within since after
    before during between""".split()
)
MAX_WORDS = 6


def _plain(token: Token) -> bool:
    word = str(token).lower().strip("'")
    return (
        token.type in _NAME_TYPES
        and word not in _FRAME
        and word not in _STOP
        and word not in CUE_WORDS
        and word.split("-", 1)[0] not in CUE_WORDS
    )


def _name_start(tokens: list[Token], k: int) -> int | None:
    """The first token of a measurement name ending right before tokens[k], or None."""
    i = k - 1
    if (
        i >= 2
        and tokens[i].type == "RPAR"
        and tokens[i - 2].type == "LPAR"
        and tokens[i - 1].type == "WORD"
        and _plain(tokens[i - 1])
    ):
        i -= 3  # "visual analogue scale (VAS) >= 4": the alias ends the name
    end = i
    while i >= 0 and end - i < MAX_WORDS and _plain(tokens[i]):
        i -= 1
    start = i + 1
    while start <= end and str(tokens[start]).lower() == "of":
        start += 1  # "of" cannot open a name
    words = [str(t).lower() for t in tokens[start : end + 1]]
    if start > end or not any(
        t.type == "WORD" and w not in _GENERIC and sum(c.isalpha() for c in w) >= 2
        for t, w in zip(tokens[start : end + 1], words, strict=True)
    ):
        return None
    before = start - 1
    while before >= 0 and str(tokens[before]).lower() in _FRAME and tokens[before].type == "WORD":
        before -= 1
    if before >= 0 and not (
        tokens[before].type in _BOUNDARIES
        or (tokens[before].type == "OTHER" and str(tokens[before]) in ".;")
    ):
        return None
    return start


def _value_ends(tokens: list[Token], k: int) -> bool:
    """After the comparator at k: a number, then a unit, a multiple of a normal limit, or the
    end of the clause."""
    if k + 1 >= len(tokens) or tokens[k + 1].type != "NUMBER":
        return False
    if k + 2 >= len(tokens):
        return True
    after = tokens[k + 2]
    if after.type == "TIMES":
        return k + 3 < len(tokens) and tokens[k + 3].type in ("ULN", "LLN")
    return after.type in _AFTER_VALUE or (after.type == "OTHER" and str(after) in ".;")


def merge_measures(tokens: list[Token], text: str) -> list[Token]:
    """The tokens (lexed from `text`) with each unmistakable measurement name made one MEASURE
    token."""
    out: list[Token] = []
    taken = 0  # tokens[:taken] are in `out`
    for k, token in enumerate(tokens):
        if token.type not in _COMPARATORS or k < taken + 1 or not _value_ends(tokens, k):
            continue
        start = _name_start(tokens, k)
        if start is None or start < taken:
            continue
        first, last = tokens[start], tokens[k - 1]
        name = text[first.start_pos or 0 : last.end_pos or 0]
        out.extend(tokens[taken:start])
        out.append(
            Token(
                "MEASURE",
                name,
                start_pos=first.start_pos,
                line=first.line,
                column=first.column,
                end_line=last.end_line,
                end_column=last.end_column,
                end_pos=last.end_pos,
            )
        )
        taken = k
    if not out:
        return tokens
    return out + tokens[taken:]
