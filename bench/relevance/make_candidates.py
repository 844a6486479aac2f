"""Draw the trials to label for the relevance test set (bench/relevance.py).

For each labelled patient: trials whose registry conditions or title name the patient's main
disease, trials naming one of the patient's other conditions or cancer in general, and trials
drawn at random — chosen from the registry text with fixed keyword lists and a fixed seed, never
from trialscreen's own ranking, so that the labels are written before the engine is consulted.

    python bench/relevance/make_candidates.py [CORPUS]   # writes bench/relevance/candidates.json
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

from trialscreen.trials.load import load_trials

HERE = Path(__file__).parent

# patient file (relative to the repository), main-disease pattern, other-condition pattern, counts
_FHIR = "../shared/patients-fhir/synthea-mcode-breast/"
_SOLID = r"solid tumou?r|advanced cancer"
PATIENTS = [
    (
        "patients/pt-0001-example.json",
        r"neuroendocrine|carcinoid|islet|pancrea",
        rf"\bhiv\b|aids|liver metast|{_SOLID}",
        20,
        20,
        20,
    ),
    (
        "patients/pt-0003-low-anc.json",
        r"renal cell|kidney cancer|renal cancer|kidney neoplasm",
        rf"brain metast|{_SOLID}|neoplasm",
        20,
        20,
        20,
    ),
    ("patients/pt-0005-no-labs.json", r"breast", rf"{_SOLID}|neoplasm|carcinoma", 25, 15, 20),
    (
        "patients/pt-0006-assumed-uln.json",
        r"renal cell|kidney cancer|renal cancer",
        rf"liver metast|hepat|{_SOLID}",
        20,
        20,
        20,
    ),
    (
        _FHIR + "Alena861_Marks830_32c222ac-888a-8fd0-2b55-4610b6feb0ea.json",
        r"breast",
        r"leuk(a)?emia|\baml\b|neutropeni",
        20,
        20,
        20,
    ),
    (
        _FHIR + "Argelia29_Fisher429_0bb5d096-9a49-9633-307d-c2a0e8dd93a4.json",
        r"breast",
        r"leuk(a)?emia|\baml\b|otitis|pharyngitis|strep",
        20,
        20,
        20,
    ),
]


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/corpus")
    if not corpus.exists():
        sys.exit(f"{corpus}: no such folder")
    trials = sorted(load_trials(corpus), key=lambda t: t.id)
    rng = random.Random(20261204)
    out = []
    for patient, main_re, other_re, n_main, n_other, n_random in PATIENTS:

        def text(t: object) -> str:
            return " ".join(t.conditions) + " " + t.title  # type: ignore[attr-defined]

        main = [t for t in trials if re.search(main_re, text(t), re.I)]
        other = [t for t in trials if re.search(other_re, text(t), re.I) and t not in main]
        chosen = rng.sample(main, min(n_main, len(main)))
        chosen += rng.sample(other, min(n_other, len(other)))
        rest = [t for t in trials if t not in chosen]
        chosen += rng.sample(rest, n_random)
        for t in chosen:
            source = Path(t.source)
            where = source.relative_to(corpus.parent) if source.is_absolute() else source
            out.append(
                {
                    "patient": patient,
                    "trial": t.id,
                    "source": str(where),
                    "title": t.title,
                    "conditions": t.conditions,
                }
            )
    (HERE / "candidates.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"{len(out)} candidate pairs for {len(PATIENTS)} patients")


if __name__ == "__main__":
    main()
