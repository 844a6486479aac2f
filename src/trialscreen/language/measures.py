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
  none names a person ("Children < 18" is an age), a change ("loss of", "rise of", "doubling
  time") or another moment ("nadir"); no title-case word follows a lower-case one (two sentences
  run together);
- before it stand only framing words ("Patients must have a") and then the start of the bullet
  (or an opening bracket there), a colon, comma, semicolon, full stop, "and" or "or": a name
  that runs on from a concept, a lab, a negation ("no", "history of") or a bracket after a
  condition (which defines it) is left as it was;
- the comparator is followed by a number, the number by a unit or a multiple of a normal limit
  or neither, and then the clause ends (the bullet's end, a comma, a closing bracket, "and",
  "or", a full stop): "less than 6 weeks" (a duration), "> 2 times" (a count), "at least 4 of
  the following", "at least 50% ejection fraction" and "1:160" (a titre) are not measurements.
"""

from __future__ import annotations

from lark import Token

from trialscreen.language.cues import CUE_WORDS

_COMPARATORS = frozenset({"GE", "GT", "LE", "LT"})
_NAME_TYPES = frozenset({"WORD", "CLASS", "WORD_LEVEL", "_BASELINE", "_DURATION"})
# an opening bracket is a boundary only at the start: after a condition it defines it
# ("hepatic dysfunction (liver function tests > 2 x ULN)"), which a measure must not read
_BOUNDARIES = frozenset({"COLON", "COMMA", "_AND", "_OR", "AND_CMP", "OR_CMP"})
# what may end the value (after the number, and after its unit): a colon would read a titre
# ("1:160") as 1, and a word after the unit may be what is measured ("50% ejection fraction")
_VALUE_ENDS = frozenset({"COMMA", "RPAR", "_AND", "_OR", "OR_NUM", "OR_CMP", "AND_CMP", "_AT_NOW"})
_VERBS = frozenset({"must be", "should be", "is", "are", "be"})  # the verbs WORD_LEVEL holds
_GENERIC = frozenset(
    """score scores level levels value values of class status total result results count
    counts serum plasma blood measured calculated concentration test mean average baseline
    number rate""".split()
)
_FRAME = frozenset(
    """a an the with has have had must should be is are patient patients subject subjects
    participant participants their his her who whose""".split()
)
# a measurement is not a person ("Children < 18" is an age), nor a change of something
# ("loss of > 10%", "rise of", "PSA doubling time"), nor another moment of it ("nadir", "peak")
_NOT_A_LEVEL = frozenset(
    """children child adults adult men women males females boys girls infants persons people
    individuals volunteers donors smokers loss lost drop decrease decreased decline reduction
    reduced increase increased rise rising gain fall change changes improvement worsening
    doubling nadir peak maximum minimum""".split()
)
_STOP = frozenset(
    """to in on at by as any all each this that these those which than also there they them
    its it do does was were been will may can from for into per over under within since after
    before during between""".split()
)
MAX_WORDS = 6


def _frame(token: Token) -> bool:
    word = " ".join(str(token).lower().split())
    return (token.type == "WORD" and word in _FRAME) or (
        token.type == "WORD_LEVEL" and word in _VERBS
    )


def _plain(token: Token) -> bool:
    word = str(token).lower().strip("'")
    return (
        token.type in _NAME_TYPES
        and not _frame(token)
        and word not in _FRAME
        and word not in _STOP
        and word not in CUE_WORDS
        and word.split("-", 1)[0] not in CUE_WORDS
    )


def _name_start(tokens: list[Token], k: int) -> int | None:
    """The first token of a measurement name ending right before tokens[k] (or before an "of"
    there: "pain score of >= 4"), or None."""
    i = k - 1
    if i >= 1 and _of_before_bound(tokens, k):
        i -= 1
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
    name = tokens[start : end + 1]
    words = [str(t).lower() for t in name]
    if start > end or not any(
        t.type == "WORD" and w not in _GENERIC and sum(c.isalpha() for c in w) >= 2
        for t, w in zip(name, words, strict=True)
    ):
        return None
    if any(w in _NOT_A_LEVEL for w in words):
        return None
    if any(  # "... microscopic evidence Tumors must be": two sentences run together
        str(b).istitle() and len(str(b)) > 1 and str(a).isalpha() and str(a).islower()
        for a, b in zip(name, name[1:], strict=False)
    ):
        return None
    before = start - 1
    while before >= 0 and _frame(tokens[before]):
        before -= 1
    if before >= 0 and not (
        tokens[before].type in _BOUNDARIES
        or (tokens[before].type == "LPAR" and before == 0)
        or (tokens[before].type == "OTHER" and str(tokens[before]) in ".;")
    ):
        return None
    return start


def _of_before_bound(tokens: list[Token], k: int) -> bool:
    """ "a pain score of >= 4": the "of" between a name and its comparator."""
    return str(tokens[k - 1]).lower() == "of"


def _value_ends(tokens: list[Token], k: int) -> bool:
    """After the comparator at k: a number, then a unit, a multiple of a normal limit, or the
    end of the clause."""
    if k + 1 >= len(tokens) or tokens[k + 1].type != "NUMBER":
        return False
    at = k + 2
    if at < len(tokens) and tokens[at].type == "TIMES":
        if at + 1 >= len(tokens) or tokens[at + 1].type not in ("ULN", "LLN"):
            return False  # "> 2 times": a count
        at += 2
    elif at < len(tokens) and tokens[at].type == "UNIT":
        at += 1
    if at >= len(tokens):
        return True
    after = tokens[at]
    return after.type in _VALUE_ENDS or (after.type == "OTHER" and str(after) in ".;")


def spanning_token(kind: str, value: str, first: Token, last: Token) -> Token:
    """One token of type `kind` in place of the tokens from `first` to `last`."""
    return Token(
        kind,
        value,
        start_pos=first.start_pos,
        line=first.line,
        column=first.column,
        end_line=last.end_line,
        end_column=last.end_column,
        end_pos=last.end_pos,
    )


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
        # the name without an "of" before the bound; the token reaches over it (read)
        named = tokens[k - 2] if _of_before_bound(tokens, k) else last
        name = text[first.start_pos or 0 : named.end_pos or 0]
        out.extend(tokens[taken:start])
        out.append(spanning_token("MEASURE", name, first, last))
        taken = k
    if not out:
        return tokens
    return out + tokens[taken:]
