"""Reviews 18, 20, 23 and 25: adversarial variants: verbatim bullets in invented contexts ("Women aged 18 years
or older" beside "Men with breast cancer are also eligible") or reworded. Judged like
meaning-suite cases, outside the suite because they are not verbatim: the engine may say unknown
where a decision was possible, never the wrong decision."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "meaning"))

from suite import Case, outcome, variant_cases, verdict  # noqa: E402

DATA = Path(__file__).parent / "data"
VARIANTS = [
    case
    for name in (
        "review_variants.json",
        "review23_variants.json",
        "review25_variants.json",
        "review26_variants.json",
        "review27_variants.json",
        "review28_variants.json",
    )
    for case in variant_cases(DATA / name)
]


@pytest.mark.parametrize("case", VARIANTS, ids=[c.id for c in VARIANTS])
def test_no_wrong_decision_on_a_variant(case: Case) -> None:
    got, reason = outcome(case)
    assert verdict(case.expected, got) != "wrong", f"{case.text!r}: {got} ({reason})"
