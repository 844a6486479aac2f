"""Compiling is bounded: adversarial bullets ("ANC/ANC/ANC...", "X or X or X ...") stop at the
compile budget, are flagged `budget` and never `compiled` (they cannot pass alone), and the
work per bullet is capped. Times are printed by `bench/compile_budget.py`; the bound here is
only a guard against a hang, far above them."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trialscreen.language import compiler
from trialscreen.language.compiler import compile_criterion

SHAPES = {
    "slashes": "ANC/" * 1250,
    "ors": "ANC or " * 700,
    "ands": "platelets and " * 350,
    "brackets": "(" * 2000 + "ANC" + ")" * 2000,
    "comparisons": "ANC >= 1500 and " * 300,
    "multiples": "ALT ≤ 2.5 × ULN or " * 250,
    "concepts": "HIV or " * 700,
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_adversarial_shapes_stop_at_the_budget(shape: str) -> None:
    compile_criterion.cache_clear()
    started = time.perf_counter()
    read = compile_criterion(SHAPES[shape], "inclusion")
    assert time.perf_counter() - started < 20  # a hang guard, not a speed claim
    assert "budget" in read.flags and read.status != "compiled"


def test_the_budget_caps_the_parser_work(monkeypatch: pytest.MonkeyPatch) -> None:
    fed = 0
    real = compiler._longest_clause

    def counting(base, tokens, start, budget=None):  # type: ignore[no-untyped-def]
        nonlocal fed
        before = budget.left if budget is not None else 0
        found = real(base, tokens, start, budget)
        fed += before - (budget.left if budget is not None else 0)
        return found

    monkeypatch.setattr(compiler, "_longest_clause", counting)
    compile_criterion.cache_clear()
    compile_criterion(SHAPES["slashes"], "inclusion")
    assert 0 < fed <= compiler.SCAN_BUDGET


def test_ordinary_bullets_never_meet_the_budget() -> None:
    long_but_plain = "; ".join(["No prior chemotherapy or radiotherapy within 4 weeks"] * 80)
    compile_criterion.cache_clear()
    assert "budget" not in compile_criterion(long_but_plain, "exclusion").flags


WORDS = ["ANC", "/", "or", "and", ",", "(", ")", ">=", "1500", "x ULN", "HIV", "no", "within"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=50, max_size=1500))
def test_any_shape_compiles_and_a_spent_budget_never_decides_alone(words: list[str]) -> None:
    read = compile_criterion(" ".join(words), "inclusion")
    if "budget" in read.flags:
        assert read.status != "compiled"
