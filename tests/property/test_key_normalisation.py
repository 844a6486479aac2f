"""The concept lexicon's one-pass lookup key is the character-by-character normalisation
(which also keeps positions, for finding phrases in text) with hyphens as spaces."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from trialscreen.lexicon.concepts import _key, _normalise

_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("-\u2010\u2013\u2014'.\u2019`,;:()[]{}\"/ \t\n\u00a0")),
        st.characters(),
    ),
    max_size=60,
)


@given(_TEXT)
def test_the_key_is_the_normalised_text_with_hyphens_as_spaces(text: str) -> None:
    assert _key(text) == " ".join(_normalise(text)[0].replace("-", " ").split())


def test_a_final_sigma_is_lowered_as_one_character() -> None:
    assert _key("ΟΔΟΣ") == " ".join(_normalise("ΟΔΟΣ")[0].split()) == "οδοσ"
