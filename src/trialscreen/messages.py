"""One-line messages: text from the input (ids, keys, paths) cannot split or style a message."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """Control characters (a newline in an id) escaped, so a message stays on one line."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)
