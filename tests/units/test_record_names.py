"""A record may name a test as people write it: by synonym, by its LOINC long or short name, or
with its abbreviation in brackets. Names that disagree, or name another specimen, are refused."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from trialscreen.facts import build_facts
from trialscreen.records import check_record, load_patient
from trialscreen.units import analytes


def _loinc_names() -> list[tuple[str, str]]:
    text = resources.files("trialscreen.units").joinpath("loinc_names.json").read_text("utf-8")
    return sorted(json.loads(text)["names"].items())


def test_a_hundred_loinc_names_load_as_their_analyte() -> None:
    names = [(n, c) for n, c in _loinc_names() if "[" in n][:100]  # long common names
    assert len(names) == 100
    for name, code in names:
        expected = analytes.by_loinc(code)
        assert expected is not None
        found = analytes.lookup(name)
        assert found is not None and found.id == expected.id, name


@pytest.mark.parametrize(
    ("name", "analyte"),
    [
        ("Absolute neutrophil count (ANC)", "anc"),
        ("Hemoglobin [Mass/volume] in Blood", "hemoglobin"),
        ("Serum creatinine", "creatinine"),
        ("ALT (SGPT)", "alt"),
        ("Hgb Bld-mCnc", "hemoglobin"),
    ],
)
def test_names_people_write(name: str, analyte: str) -> None:
    found = analytes.lookup(name)
    assert found is not None and found.id == analyte
    unit = {"anc": "10^9/L", "hemoglobin": "g/dL", "creatinine": "mg/dL", "alt": "U/L"}[analyte]
    obs = {"name": name, "value": 1.0, "unit": unit, "date": "2026-10-25"}
    load_patient({"id": "p", "as_of": "2026-11-01", "observations": [obs]})


@pytest.mark.parametrize("name", ["ALT (AST)", "Creatinine [Mass/volume] in Urine"])
def test_names_that_disagree_or_name_another_specimen_are_not_read(name: str) -> None:
    assert analytes.lookup(name) is None
    obs = {"name": name, "value": 1.0, "unit": "U/L", "date": "2026-10-25"}
    check = check_record({"id": "p", "as_of": "2026-11-01", "observations": [obs]})
    assert check.errors == [] and len(check.warnings) == 1
    assert check.warnings[0].startswith(f"observations[0].name: unknown analyte {name!r}")
    assert check.patient is not None and build_facts(check.patient).labs == {}
