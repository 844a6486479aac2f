"""The analyte lexicon: coverage, no synonym collisions, sane limits, lookups."""

from __future__ import annotations

import re
from importlib import resources

import pydantic
import pytest

from trialscreen.units import (
    Analyte,
    all_analytes,
    by_loinc,
    get,
    lookup,
    parse_unit,
    sources,
    suggest,
    synonyms,
    unit_allowed,
)

ANALYTES = all_analytes()


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower().replace("β", "beta"))


def test_the_lexicon_is_large_and_ids_are_unique_snake_case() -> None:
    assert len(ANALYTES) >= 60
    ids = [a.id for a in ANALYTES]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)


def test_no_synonym_belongs_to_two_analytes_even_after_normalisation() -> None:
    owner: dict[str, str] = {}
    for analyte in ANALYTES:
        for synonym in {analyte.id.replace("_", " "), analyte.name.lower(), *analyte.synonyms}:
            assert owner.setdefault(_key(synonym), analyte.id) == analyte.id, synonym
    assert all(lookup(s) == get(i) for s, i in synonyms().items())


@pytest.mark.parametrize("analyte", ANALYTES, ids=lambda a: a.id)
def test_each_analyte_is_consistent(analyte: Analyte) -> None:
    parse_unit(analyte.canonical_unit)
    assert unit_allowed(analyte, analyte.canonical_unit)
    assert analyte.plausible_low < analyte.plausible_high
    for limit in (analyte.default_lln, analyte.default_uln):
        assert limit is None or analyte.plausible_low <= limit <= analyte.plausible_high
    if analyte.default_lln is not None or analyte.default_uln is not None:
        assert analyte.range_source and analyte.range_source.split()[0] in sources()
    assert (analyte.kind == "score") == (analyte.score_range is not None)
    assert analyte.synonyms and all(s == s.strip().lower() for s in analyte.synonyms)
    assert all(by_loinc(code) == analyte for code in analyte.loinc)


LOOKUPS = {
    "anc": ["ANC", "absolute neutrophil count", "absolute granulocyte count", "AGC",
            "granulocytes", "neutrophils", "neutrophil count", "absolute neutrophils"],
    "alt": ["SGPT", "alanine aminotransferase", "alanine transaminase", "ALT", "serum ALT"],
    "ast": ["SGOT", "aspartate aminotransferase", "AST"],
    "hemoglobin": ["Hgb", "Hb", "haemoglobin", "hemoglobin"],
    "platelets": ["platelet count", "PLT", "platelet", "Platelets", "platelet counts"],
    "total_bilirubin": ["bilirubin", "serum bilirubin", "total bilirubin", "TBili"],
    "creatinine": ["serum creatinine", "Cr", "SCr", "creatinine"],
    "creatinine_clearance": ["CrCl", "creatinine clearance", "calculated creatinine clearance"],
    "inr": ["PT-INR", "pt inr", "PT/INR", "INR", "international normalized ratio"],
    "ptt": ["aPTT", "PTT", "partial thromboplastin time"],
    "lvef": ["left ventricular ejection fraction", "ejection fraction", "LVEF", "MUGA"],
    "qtc": ["QTc", "QTcF", "corrected QT interval"],
    "ecog": ["ECOG", "ECOG performance status", "ECOG PS", "WHO performance status", "Zubrod",
             "performance status", "PS"],
    "karnofsky": ["Karnofsky", "KPS", "Karnofsky performance status"],
    "lansky": ["Lansky"],
    "nyha": ["NYHA class", "New York Heart Association class"],
    "b2_microglobulin": ["β2-microglobulin", "beta-2 microglobulin"],
    "ca19_9": ["CA 19-9", "CA19-9"],
    "egfr": ["eGFR", "estimated glomerular filtration rate"],
}  # fmt: skip


@pytest.mark.parametrize(("analyte_id", "names"), LOOKUPS.items())
def test_lookup_finds_the_synonyms_used_in_eligibility_text(
    analyte_id: str, names: list[str]
) -> None:
    for name in names:
        found = lookup(name)
        assert found is not None and found.id == analyte_id, name


def test_lookup_misses_return_none_and_do_not_over_reach() -> None:
    for name in ["", "p", "   ", "blood pressure", "flux capacitor", "-"]:
        assert lookup(name) is None, name


def test_required_ids_exist() -> None:
    required = """anc platelets hemoglobin alt ast total_bilirubin creatinine creatinine_clearance
        egfr inr ptt pt alkaline_phosphatase albumin amylase lipase wbc lymphocytes glucose hba1c
        calcium sodium potassium magnesium lvef qtc psa cea ca125 testosterone estradiol fsh tsh
        ldh bun cholesterol triglycerides systolic_bp diastolic_bp weight bmi height heart_rate cd4
        viral_load hematocrit fibrinogen ggt uric_acid phosphate direct_bilirubin proteinuria
        urine_protein_creatinine_ratio troponin bnp ferritin b2_microglobulin afp hcg ca19_9
        ecog karnofsky lansky nyha""".split()
    for analyte_id in required:
        assert get(analyte_id).id == analyte_id


def test_scores() -> None:
    assert get("ecog").loinc[0] == "89247-1" and get("ecog").score_range == (0, 5)
    assert get("karnofsky").loinc[0] == "89243-0" and get("karnofsky").score_range == (0, 100)
    assert all(get(s).canonical_unit == "" for s in ["ecog", "karnofsky", "lansky", "nyha"])


def test_canonical_units_policy() -> None:
    assert {get(a).canonical_unit for a in ["anc", "platelets", "wbc", "lymphocytes"]} == {"/uL"}
    assert {get(a).canonical_unit for a in ["alt", "ast", "alkaline_phosphatase"]} == {"U/L"}
    expected = {"creatinine": "mg/dL", "total_bilirubin": "mg/dL", "hemoglobin": "g/dL",
                "inr": "", "ptt": "s", "lvef": "%", "qtc": "ms", "systolic_bp": "mmHg",
                "weight": "kg", "bmi": "kg/m2", "creatinine_clearance": "mL/min"}  # fmt: skip
    assert {a: get(a).canonical_unit for a in expected} == expected


def test_molar_masses_and_valences_are_data() -> None:
    masses = {"creatinine": 113.12, "total_bilirubin": 584.66, "glucose": 180.16,
              "calcium": 40.078, "bun": 28.014, "cholesterol": 386.65, "triglycerides": 885.7,
              "uric_acid": 168.11, "magnesium": 24.305, "phosphate": 30.974}  # fmt: skip
    for analyte_id, mass in masses.items():
        assert get(analyte_id).molar_mass == pytest.approx(mass, abs=0.005)
        assert get(analyte_id).molar_mass_source
    assert [get(a).valence for a in ["calcium", "magnesium", "sodium", "potassium"]] == [2, 2, 1, 1]


def test_by_loinc_get_and_all() -> None:
    assert by_loinc("1742-6") == get("alt")
    assert by_loinc(" 2160-0 ") == get("creatinine")
    assert by_loinc("14682-9") == get("creatinine")  # the µmol/L code, same analyte
    assert by_loinc("0000-0") is None
    with pytest.raises(KeyError):
        get("nope")
    assert all_analytes() == ANALYTES and all_analytes() is not all_analytes()


def test_suggest_offers_close_synonyms() -> None:
    assert "hemoglobin" in suggest("hemoglobn")
    assert suggest("creatinne")[0] == "creatinine"  # ("creatinin" is now a synonym)
    assert len(suggest("bilirubn", n=2)) == 2
    assert suggest("zzzzzz") == []


def test_unit_allowed() -> None:
    assert unit_allowed(get("platelets"), "10^9/L")
    assert not unit_allowed(get("platelets"), "mg/dL")
    assert unit_allowed(get("creatinine"), "µmol/L")
    assert unit_allowed(get("calcium"), "mEq/L")
    assert unit_allowed(get("egfr"), "mL/min")
    assert not unit_allowed(get("hba1c"), "mmol/mol")
    assert not unit_allowed(get("alt"), "blorp")
    assert unit_allowed(get("karnofsky"), "%")


def test_analytes_are_frozen_and_strict() -> None:
    alt = get("alt")
    with pytest.raises(pydantic.ValidationError):
        alt.default_uln = 1.0  # type: ignore[misc]
    data = alt.model_dump()
    with pytest.raises(pydantic.ValidationError):
        Analyte.model_validate({**data, "colour": "red"})
    with pytest.raises(pydantic.ValidationError, match="plausible"):
        Analyte.model_validate({**data, "default_uln": 1e9})
    with pytest.raises(pydantic.ValidationError, match="unknown unit"):
        Analyte.model_validate({**data, "canonical_unit": "blorp"})
    assert hash(alt) == hash(Analyte.model_validate(data))


def test_synonyms_is_a_fresh_dict_of_lowercase_synonyms() -> None:
    table = synonyms()
    assert table["sgpt"] == "alt" and table["pt-inr"] == "inr"
    table["sgpt"] = "changed"
    assert synonyms()["sgpt"] == "alt"


def test_data_is_package_data_with_the_loinc_notice() -> None:
    files = resources.files("trialscreen.units")
    assert "LOINC" in files.joinpath("analytes.json").read_text("utf-8")
    assert files.joinpath("clinical_units.txt").is_file()
    assert set(sources()) >= {"lhncbc", "conventional"}


def test_scores_take_an_empty_unit_or_a_label() -> None:
    assert unit_allowed(get("ecog"), "")
    assert unit_allowed(get("karnofsky"), "%")
    assert not unit_allowed(get("ecog"), "mg/dL")
