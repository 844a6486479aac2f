"""The pint registry: clinical spellings parse, conversions are exact, failures are UnitErrors."""

from __future__ import annotations

import pint
import pytest

from trialscreen.units import UnitError, conversion_factor, parse_unit, to_canonical, ureg

SPELLINGS = [
    "/mm3", "/mm^3", "/mm³", "mm3", "/µL", "/μL", "/uL", "/ul", "cells/uL", "cells/mm3",
    "10^9/L", "10*9/L", "x10^9/L", "x 10(9)/L", "10e9/L", "×10⁹/L", "10^3/uL", "10*3/uL",
    "K/uL", "K/µL", "thou/uL", "/L", "/nL", "G/L", "g/dL", "g/dl", "g/L", "mg/dL", "mg/dl",
    "mg/L", "µmol/L", "umol/L", "μmol/L", "mmol/L", "mEq/L", "ng/mL", "pg/mL", "U/L", "IU/L",
    "IU/mL", "mIU/mL", "U/mL", "kU/L", "[IU]/L", "uIU/mL", "mL/min", "ml/min", "mL/min/1.73m2",
    "mL/min/1.73 m²", "mL/min/{1.73_m2}", "mm[Hg]", "mmHg", "mm Hg", "%", "s", "sec", "seconds",
    "ms", "msec", "kg", "g", "kg/m2", "kg/m^2", "cm", "mm", "m2", "bpm", "/min", "years",
    "months", "weeks", "days", "hours", "Cel", "fL", "pg", "{ratio}", "", "{cells}/uL",
    "copies/mL", "g/24h", "mg/24 h", "g/(24.h)", "mg/mg",
]  # fmt: skip


@pytest.mark.parametrize("text", SPELLINGS)
def test_every_clinical_spelling_parses_into_the_one_registry(text: str) -> None:
    unit = parse_unit(text)
    assert isinstance(unit, pint.Unit)
    assert unit == ureg.Unit(unit)  # a unit of `ureg`, usable with its quantities


@pytest.mark.parametrize("text", SPELLINGS)
def test_pint_renderings_parse_back_to_the_same_unit(text: str) -> None:
    unit = parse_unit(text)
    assert parse_unit(str(unit)) == unit
    assert parse_unit(f"{unit:~}") == unit


SAME = [
    ("/mm3", ["/mm^3", "/mm³", "/µL", "/μL", "/uL", "/ul", "cells/uL", "cells/mm3", "{cells}/uL"]),
    ("10^9/L", ["10*9/L", "x10^9/L", "x 10(9)/L", "10e9/L", "×10⁹/L", "G/L", "/nL", "10^3/uL"]),
    ("10^3/uL", ["10*3/uL", "K/uL", "K/µL", "thou/uL"]),
    ("mmHg", ["mm[Hg]", "mm Hg"]),
    ("U/L", ["IU/L", "[IU]/L", "mIU/mL", "mU/mL"]),
    ("µmol/L", ["umol/L", "μmol/L"]),
    ("mL/min", ["ml/min", "mL/min/1.73m2", "mL/min/1.73 m²", "mL/min/{1.73_m2}"]),
    ("", ["{ratio}", "ratio", "mg/mg"]),
    ("s", ["sec", "seconds"]),
    ("ms", ["msec"]),
    ("kg/m2", ["kg/m^2"]),
    ("bpm", ["/min"]),
    ("g/24h", ["g/d", "g/(24.h)", "g/day"]),
]


@pytest.mark.parametrize(("reference", "spellings"), SAME)
def test_spellings_of_one_unit_convert_with_factor_one(
    reference: str, spellings: list[str]
) -> None:
    for text in spellings:
        assert conversion_factor(text, reference) == 1.0, text


@pytest.mark.parametrize(
    "text", ["blorp", "mg/blorp", "10^5/L", "/100{WBC}", "2 mg", "((", "U/L)", "x10^4/L"]
)
def test_unknown_unit_is_a_one_line_unit_error_naming_the_text(text: str) -> None:
    with pytest.raises(UnitError) as caught:
        parse_unit(text)
    assert isinstance(caught.value, ValueError)
    assert "\n" not in str(caught.value)


def test_count_conversions_are_exact() -> None:
    assert 1500 * conversion_factor("/mm3", "10^9/L") == pytest.approx(1.5, rel=1e-12)
    assert 1.5 * conversion_factor("10^9/L", "/uL") == 1500.0
    assert 150 * conversion_factor("10^3/uL", "/uL") == 150_000.0


@pytest.mark.parametrize(
    ("value", "src", "dst", "analyte", "expected", "tolerance"),
    [
        # creatinine at the LHNCBC molar mass 113.1179 g/mol: 88.40 (the oft-quoted 88.42 is 113.10)
        (1, "mg/dL", "µmol/L", "creatinine", 88.40, 0.01),
        (1, "mg/dL", "µmol/L", "total_bilirubin", 17.1, 0.05),
        (100, "mg/dL", "mmol/L", "glucose", 5.55, 0.005),
        (10, "mg/dL", "mmol/L", "calcium", 2.495, 0.0005),
        (9, "g/dL", "g/L", "hemoglobin", 90, 1e-12),
        (10, "mg/dL", "mEq/L", "calcium", 4.99, 0.005),
        (2, "mEq/L", "mmol/L", "magnesium", 1, 1e-12),
        (140, "mEq/L", "mmol/L", "sodium", 140, 1e-12),
        (14, "mg/dL", "mmol/L", "bun", 5.0, 0.01),
        (200, "mg/dL", "mmol/L", "cholesterol", 5.17, 0.005),
        (150, "mg/dL", "mmol/L", "triglycerides", 1.69, 0.005),
        (1.61, "g/dL", "mmol/L", "hemoglobin", 1.0, 0.005),
        (50, "ng/dL", "nmol/L", "testosterone", 1.73, 0.005),
        (3.5, "g/dL", "g/L", "albumin", 35, 1e-12),
    ],
)
def test_clinical_conversions(
    value: float, src: str, dst: str, analyte: str, expected: float, tolerance: float
) -> None:
    assert value * conversion_factor(src, dst, analyte) == pytest.approx(expected, abs=tolerance)


def test_enzyme_units_and_mercury_are_the_same_units() -> None:
    assert conversion_factor("mm[Hg]", "mmHg") == 1.0
    assert conversion_factor("IU/L", "U/L") == 1.0
    assert conversion_factor("U/L", "U/mL") == pytest.approx(0.001)


def test_incompatible_units_raise_unit_error_naming_both() -> None:
    with pytest.raises(UnitError, match=r"'mg/dL'.*'/uL'"):
        conversion_factor("mg/dL", "/uL", "platelets")
    with pytest.raises(UnitError, match="'U/L'"):
        conversion_factor("U/L", "umol/min/L")  # IU is not pint's umol/min


def test_mass_to_moles_needs_an_analyte_with_a_molar_mass() -> None:
    with pytest.raises(UnitError):
        conversion_factor("mg/dL", "µmol/L")
    with pytest.raises(UnitError):
        conversion_factor("mg/dL", "µmol/L", "alt")
    with pytest.raises(UnitError):
        conversion_factor("mEq/L", "mmol/L", "phosphate")  # no valence


def test_policies_for_labels_scores_and_hba1c() -> None:
    assert conversion_factor("mL/min/1.73 m2", "mL/min", "creatinine_clearance") == 1.0
    assert to_canonical(70, "%", "karnofsky") == 70.0  # units on a score are labels
    with pytest.raises(UnitError, match="score"):
        conversion_factor("mg", "", "ecog")
    with pytest.raises(UnitError, match="not proportional"):
        conversion_factor("mmol/mol", "%", "hba1c")
    assert conversion_factor("", "%", "lvef") == 100.0


def test_offset_units_are_rejected_but_identity_is_allowed() -> None:
    assert conversion_factor("Cel", "Cel") == 1.0
    with pytest.raises(UnitError, match="multiplicative"):
        conversion_factor("degF", "Cel")


def test_to_canonical_uses_the_analytes_canonical_unit() -> None:
    assert to_canonical(1.5, "10^9/L", "anc") == 1500.0
    assert to_canonical(88.4, "µmol/L", "creatinine") == pytest.approx(1.0, abs=0.001)
    assert to_canonical(120, "g/L", "hemoglobin") == 12.0
    with pytest.raises(KeyError):
        to_canonical(1, "mg/dL", "no_such_analyte")


def test_conversion_factor_accepts_a_synonym_and_is_cached() -> None:
    assert conversion_factor("mg/dL", "µmol/L", "serum creatinine") == conversion_factor(
        "mg/dL", "µmol/L", "creatinine"
    )
    assert conversion_factor.cache_info().hits > 0
