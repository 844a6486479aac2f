"""Build src/trialscreen/units/loinc_names.json: the LOINC names of the codes the analyte lexicon
knows, so that a record may name a test by its LOINC long common name or short name
("Hemoglobin [Mass/volume] in Blood", "Hgb Bld-mCnc").

Sources (../shared/reference): the LOINC top-2000 common lab results (LOINC licence) and the NLM
LHNCBC flowsheet rows (LHNCBC licence and LOINC terms). Only names of codes already listed for an
analyte in analytes.json are kept: a name never brings in a new analyte by itself.

Run: python bench/loinc_names.py [REFERENCE_DIR]
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from trialscreen.units import analytes

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "reference"
OUT = ROOT / "src" / "trialscreen" / "units" / "loinc_names.json"


def _writable(name: str) -> bool:
    """A name a record could carry: LOINC's "XXX" (specimen not specified) is a placeholder in
    short names, not something anyone writes."""
    return "XXX" not in name


def main(argv: list[str]) -> int:
    ref = Path(argv[0]) if argv else DEFAULT
    codes = {code for a in analytes.all_analytes() for code in a.loinc}
    names: dict[str, str] = {}
    top = ref / "loinc_top2000_and_preferred_units_ohdsi_themis/themis/extras"
    with (top / "LOINC_1.6_Top2000CommonLabResultsUS.csv").open(encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if row["LOINC #"] in codes:
                for name in (row["Long Common Name"], row["Short Name"]):
                    if _writable(name):
                        names.setdefault(name.strip(), row["LOINC #"])
    flowsheet = ref / "lab_loinc_ucum_normal_ranges_lhncbc_flowsheet/lab_rows.json"
    for row in json.loads(flowsheet.read_text(encoding="utf-8")):
        code = row.get("LOINC_MERGED")
        if code in codes:
            for key in ("LONG_COMMON_NAME_LOINC", "LOINC_ShortName", "LOINC_DISPLAY"):
                if row.get(key) and _writable(str(row[key])):
                    names.setdefault(str(row[key]).strip(), code)
    doc = {
        "notice": analytes.loinc_notice(),
        "source": "LOINC top-2000 common lab results (LOINC 1.6) and the NLM LHNCBC flowsheet "
        "lab rows; names of the codes listed in analytes.json (bench/loinc_names.py)",
        "names": dict(sorted(names.items())),
    }
    OUT.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(names)} names of {len({*names.values()})} codes -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
