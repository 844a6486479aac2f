"""Lab names older trials use ("T4 count" for CD4 cells, "CPK", "phosphorous", "FBS"), the
percentage forms of counts (CD4 %, reticulocyte %), and viral loads written as log10."""

from __future__ import annotations

from typing import Any

import pytest
from tests.language.test_durations import both
from tests.language.test_results import reads

from trialscreen.language.compiler import compile_criterion
from trialscreen.model.predicate import leaves
from trialscreen.records import PatientError, load_patient


def _lab(name: str, value: float, unit: str, **extra: Any) -> dict[str, Any]:
    return {"observations": [{"name": name, "value": value, "unit": unit,
                              "date": "2026-10-25", **extra}]}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("T4 count >= 800 cells/mm3.", "CD4 count >= 800 cells/mm3"),
        ("Creatinine phosphokinase (CPK) less than 2.5 times the upper limit of normal.",
         "CK < 2.5 x ULN"),
        ("CD4 percentage less than 15%", "CD4 percentage < 15 %"),
        ("Reticulocyte count < 1%", "Reticulocyte percentage < 1 %"),
        ("Reticulocyte count less than 60,000/mm(3).", "Reticulocyte count < 60000 /mm^3"),
        ("Platelet count less than 20,000/mm(3)", "Platelets < 20000 /mm^3"),
        ("CD4 count between 300 and 650.", "CD4 count >= 300 and CD4 count <= 650"),
    ],
)  # fmt: skip
def test_names_and_forms_are_read(text: str, canonical: str) -> None:
    reads(text, "inclusion", "compiled", canonical)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("DLCO >= 60", "ambiguous_unit"),  # % of predicted, or mL/min/mmHg?
        ("Reticulocyte count < 2", "ambiguous_unit"),  # 2 %, or a count?
        ("CD4+ count >= 15%", "alias_mismatch"),  # a count in %: 15 cells, or 15%?
    ],
)
def test_a_bare_number_that_may_be_a_percentage_is_not_read(text: str, flag: str) -> None:
    assert flag in compile_criterion(text, "inclusion").flags


def test_t4_alone_is_thyroxine_not_cd4() -> None:
    record = _lab("CD4 count", 150, "cells/uL")
    assert both("T4 count >= 800 cells/mm3.", "inclusion", **record) == "fail"
    # a thyroxine bullet is never decided by a CD4 count
    assert both("Total T4 less than 4.5 ug/dL", "exclusion", **record) == "unknown"
    assert both("Total T4 less than 4.5 ug/dL", "exclusion", **_lab("total T4", 8, "ug/dL")) == (
        "pass"
    )


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (_lab("HIV-1 RNA", 4.7, "log10 copies/mL"), "pass"),  # 50,119 copies/mL
        (_lab("HIV-1 RNA", 3.6, "log10 copies/mL"), "fail"),  # 3,981 copies/mL
        (_lab("HIV-1 RNA", 45000, "copies/mL"), "pass"),
        (_lab("CD4 percent", 20, "%"), "unknown"),  # another test
    ],
)
def test_viral_loads_in_log10(record: dict[str, Any], expected: str) -> None:
    text = "Plasma HIV-1 RNA greater than 10,000 copies/ml."
    assert both(text, "inclusion", **record) == expected


def test_a_log10_value_out_of_range_is_refused() -> None:
    with pytest.raises(PatientError, match="log10"):
        load_patient(
            {"id": "p", "as_of": "2026-11-01", **_lab("HIV-1 RNA", 45000, "log10 copies/mL")}
        )


def test_a_hepatitis_c_viral_load_is_its_own_test() -> None:
    record = _lab("HCV RNA", 2_000_000, "IU/mL")
    assert both("HIV RNA < 50 copies/mL", "inclusion", **record) == "unknown"


def test_a_reference_range_beside_a_log10_value_is_not_used() -> None:
    record = _lab("HIV-1 RNA", 2.0, "log10 copies/mL", reference_range={"high": 50})
    assert both("HIV RNA <= ULN", "inclusion", **record) == "unknown"  # 50 what? (review C1)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Bone marrow blasts at least 20%", "Bone marrow blasts >= 20 %"),
        ("Fasting insulin <20 mcU/mL", "Serum insulin < 20 mcU/mL"),
        ("Fractional shortening greater than 28%", "LV fractional shortening > 28 %"),
        ("CD4 cell counts less than 500/mm3.", "CD4 count < 500 /mm3"),
    ],
)
def test_marrow_insulin_and_shortening_fraction(text: str, canonical: str) -> None:
    reads(text, "inclusion", "compiled", canonical)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (_lab("fasting insulin", 12, "uIU/mL"), "pass"),
        (_lab("fasting insulin", 25, "microunits/mL"), "fail"),
        (_lab("insulin", 12, "mIU/L", code="20448-7"), "pass"),  # the code names the test
        ({}, "unknown"),
    ],
)
def test_fasting_insulin_in_any_spelling_of_its_unit(record: dict[str, Any], expected: str) -> None:
    assert both("Fasting insulin <20 mcU/mL", "inclusion", **record) == expected


def test_insulin_alone_is_the_drug_not_the_hormone_level() -> None:
    assert compile_criterion("Patients on insulin", "exclusion").canonical.find("Insulin (") < 0


def test_the_insulin_canonical_reads_back_as_the_hormone() -> None:
    canonical = compile_criterion("Fasting insulin <20 mcU/mL", "inclusion").canonical
    again = compile_criterion(canonical, "inclusion")
    assert again.status == "compiled" and again.canonical == canonical


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Peripheral blood blasts < 5%", "Peripheral blood blasts < 5 %"),
        ("Circulating blasts greater than 20%", "Peripheral blood blasts > 20 %"),
    ],
)
def test_blasts_in_blood_are_not_blasts_in_marrow(text: str, canonical: str) -> None:
    reads(text, "inclusion", "compiled", canonical)
    # "blasts" alone names neither: a measurement no lexicon holds, never decided
    alone = compile_criterion("Blasts < 5%", "inclusion")
    assert [leaf.kind for leaf in leaves(alone.predicate)] == ["measure_compare"]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (_lab("peripheral blood blasts", 2, "%"), "pass"),
        (_lab("circulating blasts", 8, "%"), "fail"),
        (_lab("blasts", 2, "%", code="26446-5"), "pass"),  # the code names the test
        (_lab("bone marrow blasts", 2, "%"), "unknown"),  # a marrow value says nothing of blood
    ],
)
def test_a_blood_blast_count_decides_only_blood_blast_bounds(
    record: dict[str, Any], expected: str
) -> None:
    assert both("Peripheral blood blasts < 5%", "inclusion", **record) == expected
