"""Add common lab tests to src/trialscreen/units/analytes.json from the LOINC tables.

Each test below is a LOINC code from the LOINC top-2000 common lab results or the NLM LHNCBC
flowsheet rows (../shared/reference). The canonical unit, the normal range and the molecular
weight come from the flowsheet row of the first code, converted to the canonical unit, where it
has one; `range` gives a conventional range where it has none or where it is not a normal range
(`range_source` then says "conventional"). The synonyms are written by hand. They are what
criteria and records write. A bare name that is also a drug, a receptor or a serology ("insulin",
"progesterone", "IgG" in "CMV IgG", "factor VIII", "calcitonin") is left out: a criterion or a
record using it stays unread rather than read as the wrong thing.

Only ids missing from analytes.json are added (rerunning changes nothing), placed at the end of
the file. Then run `python bench/loinc_names.py` to add the LOINC names of the new codes.

Run: python bench/loinc_analytes.py [REFERENCE_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from trialscreen.units.registry import conversion_factor

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "reference"
LEXICON = ROOT / "src" / "trialscreen" / "units" / "analytes.json"

# id, name, synonyms, LOINC codes, canonical unit, kind, plausible bounds, and optionally:
# range (lln, uln) where the flowsheet has none or a wrong one, uln_range, molar_mass, note
TESTS: list[dict[str, Any]] = [
    {
        "id": "esr",
        "name": "ESR",
        "synonyms": [
            "esr",
            "erythrocyte sedimentation rate",
            "sedimentation rate",
            "sed rate",
            "westergren esr",
            "westergren sedimentation rate",
            "esr westergren",
        ],
        "loinc": ["30341-2", "4537-7", "4538-5"],
        "unit": "mm/h",
        "kind": "rate",
        "plausible": (0, 200),
        "range": (None, 20),
        "uln_range": (15, 30),
        "note": "the upper limit rises with age and is higher in women (about 15-30 mm/h): an "
        "assumed limit decides only where every limit in that spread agrees",
    },
    {
        "id": "igf1",
        "name": "IGF-1",
        "synonyms": [
            "igf-1",
            "igf1",
            "igf-i",
            "igf i",
            "insulin-like growth factor 1",
            "insulin-like growth factor-1",
            "insulin-like growth factor i",
            "insulin-like growth factor-i",
            "insulin like growth factor 1",
            "somatomedin c",
            "serum igf-1",
            "serum igf-i",
        ],
        "loinc": ["2484-4"],
        "unit": "ng/mL",
        "kind": "mass_concentration",
        "plausible": (5, 3000),
        "range": (None, None),
        "note": "normal limits depend on age and sex: no default is assumed, so '× ULN' needs "
        "the patient's own (age-matched) range",
    },
    {
        "id": "growth_hormone",
        "name": "Growth hormone",
        "synonyms": [
            "gh",
            "growth hormone level",
            "serum growth hormone",
            "serum gh",
            "gh level",
            "random gh",
            "random growth hormone",
            "somatotropin level",
            "human growth hormone level",
        ],
        "loinc": ["2963-7"],
        "unit": "ng/mL",
        "kind": "mass_concentration",
        "plausible": (0.01, 500),
        "range": (None, None),
        "note": "a random serum GH; 'growth hormone' alone is also the drug (somatropin), and "
        "a GH nadir after an oral glucose load is another measurement",
    },
    {
        "id": "tryptase",
        "name": "Tryptase",
        "synonyms": [
            "tryptase",
            "serum tryptase",
            "baseline serum tryptase",
            "baseline tryptase",
            "total tryptase",
            "serum total tryptase",
        ],
        "loinc": ["21582-2"],
        "unit": "ng/mL",
        "kind": "mass_concentration",
        "plausible": (0.5, 1000),
        "range": (None, 11.4),
        "note": "upper limit 11.4 ng/mL as commonly reported for the ImmunoCAP assay "
        "(conventional)",
    },
    {
        "id": "igg",
        "name": "Serum IgG",
        "synonyms": [
            "serum igg",
            "immunoglobulin g",
            "total igg",
            "igg level",
            "serum igg level",
            "serum immunoglobulin g",
            "igg levels",
        ],
        "loinc": ["2465-3"],
        "unit": "mg/dL",
        "kind": "mass_concentration",
        "plausible": (10, 15000),
        "range": (None, None),
        "note": "total IgG; limits depend on age (children) and criteria set thresholds far "
        "below them (hypogammaglobulinaemia): no default; bare 'IgG' is left out (CMV "
        "IgG, anti-HBc IgG, IgG kappa myeloma)",
    },
    {
        "id": "iga",
        "name": "Serum IgA",
        "synonyms": [
            "serum iga",
            "immunoglobulin a",
            "total iga",
            "iga level",
            "serum iga level",
            "serum immunoglobulin a",
            "iga levels",
        ],
        "loinc": ["2458-8"],
        "unit": "mg/dL",
        "kind": "mass_concentration",
        "plausible": (1, 15000),
        "range": (None, None),
        "note": "total IgA; limits depend on age and IgA deficiency is far below them: no "
        "default; bare 'IgA' is left out (IgA myeloma, IgA nephropathy, tTG-IgA)",
    },
    {
        "id": "igm",
        "name": "Serum IgM",
        "synonyms": [
            "serum igm",
            "immunoglobulin m",
            "total igm",
            "igm level",
            "serum igm level",
            "serum immunoglobulin m",
            "igm levels",
        ],
        "loinc": ["2472-9"],
        "unit": "mg/dL",
        "kind": "mass_concentration",
        "plausible": (1, 15000),
        "range": (None, None),
        "note": "total IgM; limits depend on age: no default; bare 'IgM' is left out (anti-HBc "
        "IgM, IgM paraprotein)",
    },
    {
        "id": "ige",
        "name": "Total IgE",
        "synonyms": [
            "total ige",
            "serum ige",
            "total serum ige",
            "ige level",
            "serum ige level",
            "immunoglobulin e",
            "total immunoglobulin e",
            "ige levels",
        ],
        "loinc": ["19113-0"],
        "unit": "[IU]/mL",
        "kind": "other",
        "plausible": (0.1, 50000),
        "note": "total IgE in IU/mL (= kU/L); bare 'IgE' is left out (IgE-mediated allergy, "
        "specific IgE)",
    },
    {
        "id": "uacr",
        "name": "UACR",
        "synonyms": [
            "uacr",
            "urine albumin-to-creatinine ratio",
            "urine albumin/creatinine ratio",
            "urine albumin creatinine ratio",
            "urinary albumin-to-creatinine ratio",
            "urinary albumin/creatinine ratio",
            "urinary albumin creatinine ratio",
            "albumin-to-creatinine ratio",
            "albumin/creatinine ratio",
            "albumin creatinine ratio",
            "microalbumin/creatinine ratio",
            "urine microalbumin/creatinine ratio",
            "urine acr",
        ],
        "loinc": ["9318-7", "14959-1"],
        "unit": "mg/g",
        "kind": "ratio",
        "plausible": (0, 30000),
        "range": (None, 30),
        "uln_range": (25, 30),
        "per_molar_mass": 113.12,
        "note": "mg/g; per_molar_mass is creatinine's molar mass (the ratio's denominator), so "
        "a value in mg/mmol (SI) converts (1 mg/mmol = 8.84 mg/g); 'ACR' alone is left out "
        "(American College of Rheumatology criteria)",
    },
    {
        "id": "pth",
        "name": "PTH",
        "synonyms": [
            "pth",
            "parathyroid hormone",
            "intact pth",
            "ipth",
            "intact parathyroid hormone",
            "serum pth",
            "serum parathyroid hormone",
            "plasma pth",
        ],
        "loinc": ["2731-8"],
        "unit": "pg/mL",
        "kind": "mass_concentration",
        "plausible": (1, 5000),
        "range": (15, 65),
        "molar_mass": 9425,
        "note": "intact PTH; 15-65 pg/mL is the common adult range (conventional); molar mass "
        "9425 g/mol (PTH 1-84), so pmol/L converts (1 pmol/L = 9.425 pg/mL)",
    },
    {
        "id": "prolactin",
        "name": "Prolactin",
        "synonyms": ["prolactin", "serum prolactin", "prolactin level", "plasma prolactin"],
        "loinc": ["2842-3", "20568-2"],
        "unit": "ng/mL",
        "kind": "mass_concentration",
        "plausible": (0.5, 20000),
        "uln_range": (15, 29.2),
        "note": "the upper limit is lower in men (about 15-18 ng/mL) than in women",
    },
    {
        "id": "acth",
        "name": "ACTH",
        "synonyms": [
            "plasma acth",
            "acth level",
            "serum acth",
            "adrenocorticotropic hormone level",
            "plasma adrenocorticotropic hormone",
        ],
        "loinc": ["2141-0"],
        "unit": "pg/mL",
        "kind": "mass_concentration",
        "plausible": (1, 10000),
        "note": "bare 'ACTH' and 'corticotropin' are left out: they also name the drug",
    },
    {
        "id": "total_t3",
        "name": "Total T3",
        "synonyms": [
            "total t3",
            "t3 total",
            "total triiodothyronine",
            "triiodothyronine",
            "serum t3",
            "serum triiodothyronine",
        ],
        "loinc": ["3053-6"],
        "unit": "ng/dL",
        "kind": "mass_concentration",
        "plausible": (10, 1500),
        "note": "bare 'T3' is left out (tumour stage T3)",
    },
    {
        "id": "progesterone",
        "name": "Serum progesterone",
        "synonyms": [
            "serum progesterone",
            "progesterone level",
            "plasma progesterone",
            "serum progesterone level",
        ],
        "loinc": ["2839-9"],
        "unit": "ng/mL",
        "kind": "mass_concentration",
        "plausible": (0.01, 500),
        "range": (None, None),
        "note": "the range depends on the cycle phase: no default; bare 'progesterone' is the "
        "drug or the receptor",
    },
    {
        "id": "dhea_s",
        "name": "DHEA-S",
        "synonyms": [
            "dhea-s",
            "dheas",
            "dhea sulfate",
            "dhea sulphate",
            "dhea-so4",
            "dehydroepiandrosterone sulfate",
            "dehydroepiandrosterone sulphate",
        ],
        "loinc": ["2191-5"],
        "unit": "ug/dL",
        "kind": "mass_concentration",
        "plausible": (1, 3000),
        "range": (None, None),
        "note": "the range depends on age and sex: no default",
    },
    {
        "id": "calcitonin",
        "name": "Serum calcitonin",
        "synonyms": [
            "serum calcitonin",
            "calcitonin level",
            "plasma calcitonin",
            "serum calcitonin level",
            "basal calcitonin",
        ],
        "loinc": ["1992-7"],
        "unit": "pg/mL",
        "kind": "mass_concentration",
        "plausible": (0.5, 100000),
        "range": (None, None),
        "note": "the upper limit differs by sex and assay: no default; bare 'calcitonin' is "
        "also the drug",
    },
    {
        "id": "ck_mb",
        "name": "CK-MB",
        "synonyms": [
            "ck-mb",
            "ckmb",
            "ck mb",
            "creatine kinase-mb",
            "creatine kinase mb",
            "cpk-mb",
            "ck-mb mass",
        ],
        "loinc": ["13969-1"],
        "unit": "ng/mL",
        "kind": "mass_concentration",
        "plausible": (0.1, 1000),
    },
    {
        "id": "homocysteine",
        "name": "Homocysteine",
        "synonyms": [
            "homocysteine",
            "total homocysteine",
            "plasma homocysteine",
            "serum homocysteine",
        ],
        "loinc": ["13965-9"],
        "unit": "umol/L",
        "kind": "substance_concentration",
        "plausible": (1, 500),
    },
    {
        "id": "c_peptide",
        "name": "C-peptide",
        "synonyms": [
            "c-peptide",
            "c peptide",
            "serum c-peptide",
            "fasting c-peptide",
            "fasting c peptide",
            "plasma c-peptide",
            "random c-peptide",
        ],
        "loinc": ["1986-9"],
        "unit": "ng/mL",
        "kind": "mass_concentration",
        "plausible": (0.01, 50),
        "molar_mass": 3020.3,
        "range": (None, None),
        "note": "criteria set thresholds far below the normal range (residual secretion in type "
        "1 diabetes): no default; a stimulated or peak C-peptide (after a meal test) is "
        "another measurement; molar mass 3020.3 g/mol (human C-peptide, 31 amino acids; "
        "conventional)",
    },
    {
        "id": "ammonia",
        "name": "Ammonia",
        "synonyms": [
            "ammonia",
            "plasma ammonia",
            "serum ammonia",
            "blood ammonia",
            "ammonia level",
        ],
        "loinc": ["16362-6"],
        "unit": "umol/L",
        "kind": "substance_concentration",
        "plausible": (1, 2000),
        "range": (None, None),
        "note": "limits differ widely between laboratories: no default",
    },
    {
        "id": "procalcitonin",
        "name": "Procalcitonin",
        "synonyms": ["procalcitonin", "serum procalcitonin", "procalcitonin level"],
        "loinc": ["33959-8"],
        "unit": "ng/mL",
        "kind": "mass_concentration",
        "plausible": (0.01, 1000),
    },
    {
        "id": "rbc_count",
        "name": "RBC count",
        "synonyms": [
            "red blood cell count",
            "red cell count",
            "erythrocyte count",
            "rbc count",
            "red blood cells count",
            "erythrocyte number",
        ],
        "loinc": ["789-8", "26453-1"],
        "unit": "/uL",
        "kind": "count",
        "plausible": (100000, 10000000),
        "range": (3900000, 5720000),
        "note": "3.9-5.72 x10^6/uL (LHNCBC 789-8, whose unit column says cells/mcL); bare 'RBC' "
        "is left out (RBC transfusion)",
    },
    {
        "id": "rdw",
        "name": "RDW",
        "synonyms": [
            "rdw",
            "rdw-cv",
            "red cell distribution width",
            "red blood cell distribution width",
            "erythrocyte distribution width",
        ],
        "loinc": ["788-0", "30385-9"],
        "unit": "%",
        "kind": "percent",
        "plausible": (5, 40),
        "range": (11.5, 14.5),
        "note": "11.5-14.5% (LHNCBC 30385-9)",
    },
    {
        "id": "mch",
        "name": "MCH",
        "synonyms": [
            "mch",
            "mean corpuscular hemoglobin",
            "mean cell hemoglobin",
            "mean corpuscular haemoglobin",
        ],
        "loinc": ["785-6"],
        "unit": "pg",
        "kind": "mass",
        "plausible": (10, 60),
        "range": (27, 33),
    },
    {
        "id": "mchc",
        "name": "MCHC",
        "synonyms": [
            "mchc",
            "mean corpuscular hemoglobin concentration",
            "mean cell hemoglobin concentration",
            "mean corpuscular haemoglobin concentration",
        ],
        "loinc": ["786-4"],
        "unit": "g/dL",
        "kind": "mass_concentration",
        "plausible": (20, 45),
        "range": (32, 36),
    },
    {
        "id": "anion_gap",
        "name": "Anion gap",
        "synonyms": ["anion gap", "serum anion gap"],
        "loinc": ["33037-3", "1863-0", "10466-1"],
        "unit": "mmol/L",
        "kind": "substance_concentration",
        "plausible": (0, 60),
        "range": (8, 16),
        "note": "limits differ with the formula (with or without potassium): 8-16 mmol/L "
        "(LHNCBC 1863-0)",
    },
    {
        "id": "pco2",
        "name": "pCO2",
        "synonyms": [
            "pco2",
            "paco2",
            "arterial pco2",
            "partial pressure of carbon dioxide",
            "arterial carbon dioxide tension",
            "pa co2",
        ],
        "loinc": ["2019-8", "11557-6"],
        "unit": "mm[Hg]",
        "kind": "pressure",
        "plausible": (5, 200),
        "range": (35, 45),
    },
    {
        "id": "po2",
        "name": "pO2",
        "synonyms": [
            "po2",
            "pao2",
            "arterial po2",
            "partial pressure of oxygen",
            "arterial oxygen tension",
            "pa o2",
        ],
        "loinc": ["2703-7", "11556-8"],
        "unit": "mm[Hg]",
        "kind": "pressure",
        "plausible": (10, 700),
        "range": (80, 100),
        "note": "PaO2/FiO2 is its own analyte (pf_ratio), never PaO2",
    },
    {
        "id": "pf_ratio",
        "name": "PaO2/FiO2",
        "synonyms": [
            "pao2/fio2",
            "pao2/fio2 ratio",
            "pao2:fio2",
            "pao2 to fio2 ratio",
            "p/f ratio",
            "pf ratio",
            "horowitz index",
            "pao2/fio2 ratio (p/f)",
        ],
        "loinc": ["50984-4"],
        "unit": "mm[Hg]",
        "kind": "pressure",
        "plausible": (20, 700),
        "range": (None, None),
        "note": "the ratio of arterial oxygen tension to the inspired oxygen fraction (LOINC "
        "50984-4 Horowitz index), in mmHg",
    },
    {
        "id": "flc_ratio",
        "name": "Serum free light chain ratio",
        "synonyms": [
            "flc ratio",
            "free light chain ratio",
            "serum free light chain ratio",
            "sflc ratio",
            "kappa/lambda ratio",
            "kappa:lambda ratio",
            "kappa to lambda ratio",
            "serum flc ratio",
            "kappa/lambda free light chain ratio",
            "free kappa/lambda ratio",
            "κ/λ ratio",
        ],
        "loinc": ["48378-4"],
        "unit": "",
        "kind": "ratio",
        "plausible": (0.001, 10000),
        "range": (0.26, 1.65),
        "note": "serum free kappa/lambda ratio; 0.26-1.65 is the usual reference interval "
        "(conventional)",
    },
    {
        "id": "haptoglobin",
        "name": "Haptoglobin",
        "synonyms": ["haptoglobin", "serum haptoglobin", "haptoglobin level"],
        "loinc": ["4542-7"],
        "unit": "mg/dL",
        "kind": "mass_concentration",
        "plausible": (1, 1000),
    },
    {
        "id": "transferrin",
        "name": "Transferrin",
        "synonyms": ["transferrin", "serum transferrin"],
        "loinc": ["3034-6"],
        "unit": "mg/dL",
        "kind": "mass_concentration",
        "plausible": (10, 1000),
    },
    {
        "id": "tibc",
        "name": "TIBC",
        "synonyms": [
            "tibc",
            "total iron binding capacity",
            "total iron-binding capacity",
            "iron binding capacity",
        ],
        "loinc": ["2500-7"],
        "unit": "ug/dL",
        "kind": "mass_concentration",
        "plausible": (50, 1000),
    },
    {
        "id": "amh",
        "name": "AMH",
        "synonyms": [
            "amh",
            "anti-mullerian hormone",
            "anti-müllerian hormone",
            "antimullerian hormone",
            "anti mullerian hormone",
            "serum amh",
            "mullerian-inhibiting substance",
        ],
        "loinc": ["38476-8"],
        "unit": "ng/mL",
        "kind": "mass_concentration",
        "plausible": (0.01, 50),
        "range": (None, None),
        "note": "depends on age: no default",
    },
    {
        "id": "prealbumin",
        "name": "Prealbumin",
        "synonyms": ["prealbumin", "serum prealbumin", "pre-albumin"],
        "loinc": ["14338-8"],
        "unit": "mg/dL",
        "kind": "mass_concentration",
        "plausible": (1, 100),
        "note": "'transthyretin' is left out (transthyretin amyloidosis)",
    },
    {
        "id": "apob",
        "name": "Apolipoprotein B",
        "synonyms": [
            "apob",
            "apo b",
            "apo-b",
            "apolipoprotein b",
            "apolipoprotein b-100",
            "apolipoprotein b100",
        ],
        "loinc": ["1884-6"],
        "unit": "mg/dL",
        "kind": "mass_concentration",
        "plausible": (5, 500),
    },
    {
        "id": "thyroglobulin",
        "name": "Thyroglobulin",
        "synonyms": [
            "thyroglobulin",
            "serum thyroglobulin",
            "thyroglobulin level",
            "stimulated thyroglobulin",
        ],
        "loinc": ["3013-0"],
        "unit": "ng/mL",
        "kind": "mass_concentration",
        "plausible": (0.01, 100000),
        "range": (None, None),
        "note": "after thyroidectomy any detectable value matters: no default",
    },
    {
        "id": "glucose_2h",
        "name": "2-hour glucose (OGTT)",
        "synonyms": [
            "2-hour plasma glucose",
            "2-hour glucose",
            "2 hour plasma glucose",
            "2-h plasma glucose",
            "2-h glucose",
            "2-hour post-load glucose",
            "2-hour ogtt glucose",
            "2-h ogtt glucose",
            "2-hour postprandial glucose",
            "2 hour glucose",
            "2h plasma glucose",
            "2-hour oral glucose tolerance test",
        ],
        "loinc": ["1518-0", "20436-2"],
        "unit": "mg/dL",
        "kind": "mass_concentration",
        "plausible": (20, 1500),
        "molar_mass": 180.156,
        "range": (None, 140),
        "note": "plasma glucose 2 hours after a 75 g oral load; >= 200 mg/dL is diabetes, "
        "140-199 impaired tolerance (ADA)",
    },
]


def _rows(ref: Path) -> dict[str, dict[str, Any]]:
    rows = json.loads(
        (ref / "lab_loinc_ucum_normal_ranges_lhncbc_flowsheet/lab_rows.json").read_text(
            encoding="utf-8"
        )
    )
    return {str(r.get("LOINC_MERGED")): r for r in rows}


def _entry(test: dict[str, Any], rows: dict[str, dict[str, Any]]) -> dict[str, Any]:
    code = test["loinc"][0]
    row = rows.get(code)
    low_high: tuple[float | None, float | None] = (None, None)
    source = "conventional"
    if "range" in test:
        low_high = test["range"]
    elif row is not None and row.get("norm_high") is not None:
        unit = row.get("units_normRange") or row.get("UCUM_EX") or test["unit"]
        factor = conversion_factor(unit, test["unit"], None) if test["unit"] else 1.0
        low = row.get("norm_low")
        low_high = (round(low * factor, 6) if low else None, round(row["norm_high"] * factor, 6))
        source = f"lhncbc {code} ({row.get('norm_range')} {unit})"
    entry: dict[str, Any] = {
        "id": test["id"],
        "name": test["name"],
        "synonyms": test["synonyms"],
        "loinc": test["loinc"],
        "canonical_unit": test["unit"],
        "kind": test["kind"],
    }
    molar_mass = test.get("molar_mass") or (row or {}).get("Molecular_weight")
    if test.get("molar_mass") or (
        molar_mass and test["kind"] in ("mass_concentration", "substance_concentration")
    ):
        entry["molar_mass"] = molar_mass
        entry["molar_mass_source"] = (
            "LHNCBC lab_rows.json Molecular_weight"
            if not test.get("molar_mass")
            else "conventional"
        )
    if test.get("per_molar_mass"):
        entry["per_molar_mass"] = test["per_molar_mass"]
    entry["plausible_low"], entry["plausible_high"] = test["plausible"]
    if low_high[0] is not None:
        entry["default_lln"] = low_high[0]
    if low_high[1] is not None:
        entry["default_uln"] = low_high[1]
    if "uln_range" in test:
        entry["uln_range"] = list(test["uln_range"])
        entry.setdefault("default_uln", test["uln_range"][1])
    if "default_lln" in entry or "default_uln" in entry:
        entry["range_source"] = source
    if test.get("note"):
        entry["note"] = test["note"]
    return entry


def _dump(entry: dict[str, Any]) -> str:
    """One entry in the file's layout: a key per line, lists on one line."""
    lines = [
        f"      {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in entry.items()
    ]
    return "    {\n" + ",\n".join(lines) + "\n    }"


def main(argv: list[str]) -> int:
    ref = Path(argv[0]) if argv else DEFAULT
    rows = _rows(ref)
    text = LEXICON.read_text(encoding="utf-8")
    have = {a["id"] for a in json.loads(text)["analytes"]}
    added = [_entry(t, rows) for t in TESTS if t["id"] not in have]
    if not added:
        print("nothing to add")
        return 0
    end = text.rstrip().rstrip("}").rstrip().rstrip("]").rstrip()
    text = end + ",\n" + ",\n".join(_dump(e) for e in added) + "\n  ]\n}\n"
    json.loads(text)  # still one JSON document
    LEXICON.write_text(text, encoding="utf-8")
    print(f"added {len(added)} analytes: {', '.join(e['id'] for e in added)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
