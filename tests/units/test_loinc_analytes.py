"""Lab tests added from the LOINC tables (bench/loinc_analytes.py): records name them, criteria
read them, and the bare names that also mean something else stay unread."""

from __future__ import annotations

import pytest

from trialscreen.facts import build_facts
from trialscreen.language.compiler import compile_criterion
from trialscreen.model.predicate import leaves
from trialscreen.records import check_record
from trialscreen.screening import judge
from trialscreen.units import analytes

# name a record writes, value, unit -> the analyte it is
RECORD_NAMES = [
    ("ESR", 35, "mm/h", "esr"),
    ("Erythrocyte sedimentation rate", 35, "mm/hr", "esr"),
    ("IGF-1", 420, "ng/mL", "igf1"),
    ("Insulin-like growth factor-I [Mass/volume] in Serum or Plasma", 420, "ng/mL", "igf1"),
    ("serum tryptase", 25, "ng/mL", "tryptase"),
    ("serum IgG", 650, "mg/dL", "igg"),
    ("total IgE", 300, "[IU]/mL", "ige"),
    ("UACR", 45, "mg/g", "uacr"),
    ("parathyroid hormone", 80, "pg/mL", "pth"),
    ("prolactin", 12, "ng/mL", "prolactin"),
    ("DHEA-S", 150, "ug/dL", "dhea_s"),
    ("CK-MB", 3, "ng/mL", "ck_mb"),
    ("homocysteine", 11, "umol/L", "homocysteine"),
    ("C-peptide", 0.4, "nmol/L", "c_peptide"),
    ("RBC count", 4.1, "10^6/uL", "rbc_count"),
    ("RDW", 13.2, "%", "rdw"),
    ("anion gap", 12, "mmol/L", "anion_gap"),
    ("PaCO2", 41, "mmHg", "pco2"),
    ("PaO2", 85, "mm[Hg]", "po2"),
    ("PaO2/FiO2", 250, "mmHg", "pf_ratio"),
    ("free light chain ratio", 3.2, "", "flc_ratio"),
    ("TIBC", 300, "ug/dL", "tibc"),
    ("AMH", 1.2, "ng/mL", "amh"),
    ("2-hour plasma glucose", 11.1, "mmol/L", "glucose_2h"),
]


@pytest.mark.parametrize(("name", "value", "unit", "analyte"), RECORD_NAMES)
def test_a_record_names_the_test(name: str, value: float, unit: str, analyte: str) -> None:
    obs = {"name": name, "value": value, "unit": unit or None, "date": "2026-10-20"}
    check = check_record({"id": "p", "as_of": "2026-11-01", "observations": [obs]})
    assert check.errors == [] and check.warnings == [], (check.errors, check.warnings)
    assert check.patient is not None
    assert list(build_facts(check.patient).labs) == [analyte]


def test_si_values_convert_where_the_molar_mass_is_known() -> None:
    obs = [
        {"name": "C-peptide", "value": 0.2, "unit": "pmol/mL", "date": "2026-10-20"},
        {"name": "2-hour plasma glucose", "value": 11.1, "unit": "mmol/L", "date": "2026-10-20"},
    ]
    check = check_record({"id": "p", "as_of": "2026-11-01", "observations": obs})
    assert check.patient is not None
    labs = build_facts(check.patient).labs
    assert labs["c_peptide"].value == pytest.approx(0.604, rel=1e-3)  # ng/mL
    assert labs["glucose_2h"].value == pytest.approx(200.0, rel=1e-2)  # mg/dL


def test_a_uacr_in_mg_per_mmol_converts_with_creatinines_molar_mass() -> None:
    obs = {"name": "UACR", "value": 3.4, "unit": "mg/mmol", "date": "2026-10-20"}
    check = check_record({"id": "p", "as_of": "2026-11-01", "observations": [obs]})
    assert check.patient is not None
    assert build_facts(check.patient).labs["uacr"].value == pytest.approx(30.06, rel=1e-3)
    # PTH in pmol/L (molar mass 9425 g/mol)
    obs = {"name": "PTH", "value": 8.2, "unit": "pmol/L", "date": "2026-10-20"}
    check = check_record({"id": "p", "as_of": "2026-11-01", "observations": [obs]})
    assert check.patient is not None
    assert build_facts(check.patient).labs["pth"].value == pytest.approx(77.285, rel=1e-3)


def _analytes_in(text: str) -> set[str]:
    compiled = compile_criterion(text)
    return {leaf.analyte for leaf in leaves(compiled.predicate) if leaf.kind in ("lab_compare",)}


@pytest.mark.parametrize(
    ("text", "analyte", "canonical"),
    [
        ("ESR <= 20 mm/h", "esr", "ESR <= 20 mm/h"),
        ("Erythrocyte sedimentation rate (ESR) > 30 mm/hr", "esr", "ESR > 30 mm/hr"),
        ("UACR >= 30 mg/g", "uacr", "UACR >= 30 mg/g"),
        ("PaO2/FiO2 < 300", "pf_ratio", "PaO2/FiO2 < 300"),
        ("PaO2 / FiO2 ratio < 200 mmHg", "pf_ratio", "PaO2/FiO2 < 200 mmHg"),
        ("Serum IgA less than 11mg/dl.", "iga", "Serum IgA < 11 mg/dl"),
        ("DHEA-S no greater than 430 micrograms/dL", "dhea_s", "DHEA-S <= 430 micrograms/dL"),
    ],
)
def test_criteria_read_the_new_tests(text: str, analyte: str, canonical: str) -> None:
    compiled = compile_criterion(text)
    assert compiled.status == "compiled", (compiled.status, compiled.uncovered_text())
    assert compiled.canonical == canonical
    assert _analytes_in(text) == {analyte}


@pytest.mark.parametrize(
    "text",
    [
        "CMV IgG positive",  # serology, not total IgG
        "Prior RBC transfusion within 4 weeks",  # a transfusion, not a count
        "T3 or T4 tumour",  # a tumour stage
        "Progesterone receptor positive",  # a receptor
        "Prior treatment with calcitonin",  # the drug
        "Transthyretin amyloidosis",  # a disease
    ],
)
def test_names_that_mean_something_else_are_not_these_tests(text: str) -> None:
    new = {
        "igg", "rbc_count", "total_t3", "progesterone", "calcitonin", "prealbumin", "acth",
    }  # fmt: skip
    assert not (_analytes_in(text) & new), compile_criterion(text).canonical


def test_an_assumed_esr_limit_decides_only_where_every_usual_limit_agrees() -> None:
    compiled = compile_criterion("ESR <= 1.5 x ULN")

    def outcome(value: float) -> bool | None:
        obs = {"name": "ESR", "value": value, "unit": "mm/h", "date": "2026-10-20"}
        record = {"id": "p", "as_of": "2026-11-01", "age": 50, "observations": [obs]}
        check = check_record(record)  # an adult: the usual (adult) limits may stand in
        assert check.patient is not None
        return judge(compiled, build_facts(check.patient))[0].met

    assert outcome(20) is True  # under 1.5 x 15: met for every limit in use (15-30 mm/h)
    assert outcome(30) is None  # met for some laboratories and sexes, not others
    assert outcome(50) is False  # over 1.5 x 30


def test_no_assumed_limit_for_a_patient_not_known_to_be_an_adult() -> None:
    compiled = compile_criterion("ESR <= 1.5 x ULN")
    obs = {"name": "ESR", "value": 20, "unit": "mm/h", "date": "2026-10-20"}
    for extra in ({}, {"age": 12}):
        check = check_record({"id": "p", "as_of": "2026-11-01", "observations": [obs], **extra})
        assert check.patient is not None
        assert judge(compiled, build_facts(check.patient))[0].met is None


def test_tests_without_a_default_limit_need_the_patients_own() -> None:
    for analyte in ("igf1", "growth_hormone", "igg", "c_peptide", "ammonia", "amh"):
        info = analytes.get(analyte)
        assert info.default_uln is None and info.default_lln is None, analyte
