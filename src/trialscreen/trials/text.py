"""Text helpers for bullets: Markdown unescaping, line joining, and offsets back to the source."""

from __future__ import annotations

import re

# CommonMark: a backslash before any ASCII punctuation character escapes it.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_SPACES = re.compile(r"\s+")


def unescape_markdown(text: str) -> str:
    """Undo Markdown backslash escapes (``\\>`` -> ``>``, ``\\[`` -> ``[``, ``\\\\`` -> ``\\``)."""
    return _ESCAPE.sub(r"\1", text) if "\\" in text else text


def join_pieces(source: str, pieces: list[tuple[int, int]], *, markdown: bool) -> str:
    """Join the text pieces of a bullet with single spaces (wrapped lines rejoined)."""
    text = _SPACES.sub(" ", " ".join(source[start:end] for start, end in pieces)).strip()
    return unescape_markdown(text) if markdown else text


def source_offsets(source: str, text: str, span: tuple[int, int]) -> list[int] | None:
    """Offset in `source` of each character of `text` (a bullet's text inside `span`).

    The text is the span with markers, escapes and extra whitespace removed, so it is a
    subsequence of the span; matching from the right skips the leading marker. None if not.
    """
    offsets = [0] * len(text)
    position = span[1] - 1
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        while position >= span[0] and not _same(source[position], char):
            position -= 1
        if position < span[0]:
            return None
        offsets[index] = position
        position -= 1
    return offsets


def _same(source_char: str, text_char: str) -> bool:
    """A text character matches its source (any whitespace stands for the joining space)."""
    return source_char == text_char or (text_char == " " and source_char.isspace())


def span_problems(source: str, spans: list[tuple[int, int]]) -> list[str]:
    """What breaks "nothing is lost": overlapping spans, or non-blank text outside every span."""
    problems: list[str] = []
    covered = 0
    for start, end in sorted(spans):
        if not 0 <= start < end <= len(source):
            problems.append(f"span {(start, end)} is empty or outside the text")
            continue
        if start < covered:
            problems.append(f"span {(start, end)} overlaps the span ending at {covered}")
        elif source[covered:start].strip():
            problems.append(
                f"text {source[covered:start].strip()[:40]!r} at {covered} is in no span"
            )
        covered = max(covered, end)
    if source[covered:].strip():
        problems.append(f"text {source[covered:].strip()[:40]!r} at {covered} is in no span")
    return problems
