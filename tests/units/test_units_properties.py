"""Hypothesis properties: conversions round-trip exactly; parse_unit is total."""

from __future__ import annotations

import pint
from hypothesis import given
from hypothesis import strategies as st

from trialscreen.units import UnitError, conversion_factor, get, parse_unit

# Units a patient record or criterion may use for each analyte.
UNITS = {
    "anc": ["/uL", "/mm3", "10^9/L", "10^3/uL", "K/uL", "cells/uL", "/nL", "/L"],
    "creatinine": ["mg/dL", "mg/L", "µmol/L", "umol/L", "mmol/L", "g/L"],
    "total_bilirubin": ["mg/dL", "µmol/L", "mg/L"],
    "glucose": ["mg/dL", "mmol/L", "g/L"],
    "calcium": ["mg/dL", "mmol/L", "mEq/L"],
    "magnesium": ["mg/dL", "mmol/L", "mEq/L"],
    "sodium": ["mmol/L", "mEq/L"],
    "hemoglobin": ["g/dL", "g/L", "mmol/L"],
    "alt": ["U/L", "IU/L", "mU/mL", "U/mL", "kU/L"],
    "egfr": ["mL/min/1.73m2", "mL/min", "L/h"],
    "qtc": ["ms", "s", "msec"],
    "systolic_bp": ["mmHg", "mm[Hg]", "kPa"],
    "weight": ["kg", "g", "lb"],
    "lvef": ["%", ""],
    "proteinuria": ["g/24h", "mg/24h", "g/d"],
    "testosterone": ["ng/dL", "nmol/L", "ng/mL"],
}

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
