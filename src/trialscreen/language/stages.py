"""Cancer stages as criteria and records write them: "III or IV", "IIIB/IV", "I-IIIA", "IIIC-IV",
"stage 4". One reading for both sides: a set of stage groups (0, I-IV), each whole or only some
of its letters (A-D), and the test of a record's stage against it. A record's sub-stage below a
letter ("IB2") is a kind of its letter; a criterion's ("FIGO stage IB2") is not read.
"""

from __future__ import annotations

import re

StageKey = tuple[int, str]  # (group 0-4, letter or "")

_ROMAN = {"0": 0, "I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_NAMES = ("0", "I", "II", "III", "IV")
_ITEM = re.compile(r"(?i)(IV|I{1,3}|0|[1-4])([A-D])?([1-3])?(?![\w])")
_LETTERS = "ABCD"
# the words before a set that join two items into a range
_RANGE = re.compile(r"(?i)^\s*(?:-|–|to|through)\s*(?:stage\s+)?$")


def _item(text: str) -> tuple[int, str] | None:
    match = _ITEM.fullmatch(text.strip())
    if match is None:
        return None
    return _ROMAN[match.group(1).upper()], (match.group(2) or "").upper()


def stage_key(text: str | None) -> StageKey | None:
    """A record's stage ("IIIB", "stage 4", "IV") as (group, letter); None when unreadable."""
    if not text:
        return None
    cleaned = re.sub(r"(?i)^\s*stage\s+", "", text.strip())
    return _item(cleaned)


def stage_set(written: str) -> tuple[str, ...]:
    """The stages a written set allows, each "III" (the whole group) or "IIIB" (one letter):
    "III or IV" -> ("III", "IV"); "I-IIIA" -> ("I", "II", "IIIA"); "IIIB-IV" -> ("IIIB",
    "IIIC", "IV"). Empty when it cannot be read."""
    text = re.sub(r"(?i)^.*?\bstages?\s*:?\s*", "", written, count=1)
    found = list(_ITEM.finditer(text))
    if not found or any(item.group(3) for item in found):
        return ()  # "IB2", "IIIC1": sub-stages below a letter are not read
    allowed: list[str] = []
    index = 0
    while index < len(found):
        first = found[index]
        start = _item(first.group(0))
        if start is None:
            return ()
        between = text[first.end() : found[index + 1].start()] if index + 1 < len(found) else ""
        if index + 1 < len(found) and _RANGE.match(between):
            end = _item(found[index + 1].group(0))
            if end is None or end[0] < start[0]:
                return ()
            allowed += _span(start, end)
            index += 2
        else:
            allowed.append(_NAMES[start[0]] + start[1])
            index += 1
    return tuple(dict.fromkeys(allowed))


def _span(start: tuple[int, str], end: tuple[int, str]) -> list[str]:
    out: list[str] = []
    for group in range(start[0], end[0] + 1):
        first = start[1] if group == start[0] else ""
        last = end[1] if group == end[0] else ""
        if not first and not last:
            out.append(_NAMES[group])
            continue
        letters = _LETTERS[_LETTERS.index(first) if first else 0 :]
        if last:
            letters = letters[: letters.index(last) + 1] if last in letters else ""
        out += [_NAMES[group] + letter for letter in letters]
    return out


def stage_met(allowed: tuple[str, ...], stage: str | None) -> bool | None:
    """Is a record's stage (as written) in the allowed set? See `stage_in`."""
    return stage_in(allowed, stage_key(stage))


def stage_name(key: StageKey) -> str:
    """A stage key as written: (3, "B") -> "IIIB"."""
    return _NAMES[key[0]] + key[1]


def stage_in(allowed: tuple[str, ...], key: StageKey | None) -> bool | None:
    """Is a stage, read once (`stage_key`), in the allowed set? None when there is no stage, or
    a group ("III") where only some of its letters are allowed ("IIIB/IV")."""
    if key is None:
        return None
    group, letter = key
    name = _NAMES[group]
    if name in allowed:
        return True
    lettered = [a for a in allowed if a[:-1] == name and a[-1] in _LETTERS]
    if not lettered:
        return False
    if not letter:
        return None
    if name + letter in allowed:
        return True
    # IIIC against a set that stops at IIIB may be a newer subdivision of IIIB (lung cancer's
    # 8th edition carved IIIC out of IIIB): not decided; any other letter outside is outside
    newer = group == 3 and letter == "C" and max(a[-1] for a in lettered) == "B"
    return None if newer else False


def stage_text(allowed: tuple[str, ...]) -> str:
    """The set as words: "stage III or IV"."""
    if len(allowed) == 1:
        return f"stage {allowed[0]}"
    return "stage " + ", ".join(allowed[:-1]) + " or " + allowed[-1]
