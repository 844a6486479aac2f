"""Hypothesis properties: conversions round-trip exactly; parse_unit is total."""

from __future__ import annotations

import pint
from hypothesis import given
from hypothesis import strategies as st

from trialscreen.units import (
    UnitError,
    all_analytes,
    conversion_factor,
    get,
    parse_unit,
    unit_allowed,
)

# Spellings a patient record or criterion may use; each analyte draws the ones it accepts.
POOL = [
    "/uL", "/mm3", "10^9/L", "10^3/uL", "K/uL", "cells/uL", "/nL", "/L", "copies/mL",
    "mg/dL", "mg/L", "g/dL", "g/L", "ug/dL", "ng/mL", "pg/mL", "ng/dL", "mg/mg", "mg/g",
    "µmol/L", "umol/L", "mmol/L", "nmol/L", "pmol/L", "mEq/L",
    "U/L", "IU/L", "mU/mL", "U/mL", "kU/L", "mIU/mL", "mIU/L", "uIU/mL", "IU/mL",
    "mL/min/1.73m2", "mL/min", "L/h", "ms", "s", "msec", "min", "mmHg", "mm[Hg]", "kPa",
    "kg", "g", "lb", "cm", "m", "in", "kg/m2", "m2", "%", "", "/min", "bpm",
    "g/24h", "mg/24h", "g/d", "Cel",
]  # fmt: skip
UNITS = {
    a.id: units for a in all_analytes() if len(units := [u for u in POOL if unit_allowed(a, u)]) > 1
}


def test_most_analytes_have_alternative_units() -> None:
    assert len(UNITS) >= 50


pairs = st.sampled_from(sorted(UNITS)).flatmap(
    lambda a: st.tuples(st.just(a), st.sampled_from(UNITS[a]), st.sampled_from(UNITS[a]))
)
values = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(pairs, values)
def test_any_value_round_trips_through_any_compatible_unit(
    pair: tuple[str, str, str], value: float
) -> None:
    analyte, a, b = pair
    there = value * conversion_factor(a, b, analyte)
    back = there * conversion_factor(b, a, analyte)
    assert abs(back - value) <= 1e-9 * abs(value)


@given(pairs, values)
def test_conversion_through_the_canonical_unit_agrees_with_direct(
    pair: tuple[str, str, str], value: float
) -> None:
    analyte, a, b = pair
    canonical = get(analyte).canonical_unit
    direct = value * conversion_factor(a, b, analyte)
    via = (
        value * conversion_factor(a, canonical, analyte) * conversion_factor(canonical, b, analyte)
    )
    assert abs(direct - via) <= 1e-9 * abs(direct)


@given(st.text(max_size=24))
def test_parse_unit_is_total(text: str) -> None:
    try:
        assert isinstance(parse_unit(text), pint.Unit)
    except UnitError:
        pass


@given(st.text(alphabet="0123456789/^*.()x eE{}[]µuLlmgdUIK%", max_size=16))
def test_parse_unit_is_total_on_unit_like_text(text: str) -> None:
    try:
        assert isinstance(parse_unit(text), pint.Unit)
    except UnitError:
        pass
