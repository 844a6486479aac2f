"""Hypothesis: segmentation is total and loses nothing, whatever the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from trialscreen.trials.segment import STYLES, segment
from trialscreen.trials.text import source_offsets, span_problems

PIECES = [
    "Inclusion Criteria:",
    "Exclusion Criteria",
    "DISEASE CHARACTERISTICS:",
    "Age:",
    "Excluded:",
    "Patients must have:",
    "--Patient Characteristics--",
    "No eligibility criteria",
    "-",
    "- ",
    "* ",
    "\u2022",
    "1. ",
    "a) ",
    "(ii) ",
    "o ",
    "3\\. ",
    "No ",
    "ECOG 0-1",
    "\\>",
    "\\*",
    "**",
    "---",
    ":",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\u00a0",
    "\u2028",
    "x",
]
TEXTS = st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=TEXTS, style=st.sampled_from(STYLES))
def test_segment_is_total_and_loses_nothing(text: str, style: str) -> None:
    criteria, headings = segment(text, style=style)
    assert span_problems(text, [c.span for c in criteria] + [h.span for h in headings]) == []
    for number, bullet in enumerate(criteria):
        assert bullet.index == number
        assert bullet.parent is None or 0 <= bullet.parent < number
        assert bullet.text and bullet.text == bullet.text.strip()
        assert source_offsets(text, bullet.text, bullet.span) is not None
