"""Partial dates ("2019", "2019-05"), as records and FHIR write them: the days they may be.

A partial date is never read as one day. A birth date read so gives an age interval (an age
criterion decides only where every possible birthday agrees); any other partial date leaves the
entry's timing unknown to the day, so windows about it stay unknown, while the entry itself still
counts (a treatment in "2019" was received).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_PARTIAL = re.compile(r"\s*(\d{4})(?:-(\d{2}))?\s*")


def partial_span(text: object) -> tuple[dt.date, dt.date] | None:
    """(first, last) day of a year or a year-month; None for anything else (a full date too)."""
    if not isinstance(text, str):
        return None
    match = _PARTIAL.fullmatch(text)
    if match is None:
        return None
    year, month = int(match.group(1)), match.group(2)
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if not 1 <= int(month) <= 12 or year < 1:
        return None
    last = calendar.monthrange(year, int(month))[1]
    return dt.date(year, int(month), 1), dt.date(year, int(month), last)


def partial_warning(path: str, text: str) -> str:
    """The warning for a partial date at a field path."""
    if path.endswith("birth_date"):
        return f"{path}: {text!r} is a partial date; ages are read as an interval"
    return f"{path}: {text!r} is a partial date; timing to the day is not known"
