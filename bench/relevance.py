"""Ranking quality of `match` against the hand-labelled relevance set (bench/relevance/).

360 patient x trial pairs (6 patients: four example records and two Synthea mCODE bundles; 60
trials each, drawn by keyword and at random from ../shared/corpus, not from the engine's
ranking), each labelled by reading the trial against the patient: relevance 0 (other disease),
1 (a broader group holding the patient's disease, or the disease with a contradicting subtype)
or 2 (the patient's disease), and eligible / excluded / unclear.

Prints:
- match order AUCs (the issue's figures): over pairs of one patient's trials, the share where
  `match` lists a relevant trial (label >= 1) before an irrelevant one, and a trial the patient
  is not excluded from (eligible or unclear) before an excluded one;
- relevance AUC: the probability that a relevant pair (label >= 1) has a higher engine relevance
  than an irrelevant one (ties count half); and the same for label 2 against the rest;
- nDCG@10 and nDCG over all 60 per patient, gains = labels, order = `match`'s own order
  (sections, then the ranking key), averaged over patients; and "useful" nDCG@10, where a
  trial the labels exclude the patient from gains nothing (what a coordinator can act on;
  patients with no useful trial among their 60 are left out of the mean);
- verdicts against the eligibility labels: wrong passes (engine eligible, label excluded: must
  be 0), engine ineligible where the label is eligible (wrong fails: must be 0), agreement on
  the excluded pairs (the engine's ineligible share of them), and the confusion table.

- with --top20: the top 20 of `match` over the whole corpus for each example patient, against
  blind labels (bench/relevance/top20_labels*.json: each patient's top 20 when labelled,
  shuffled with as many random corpus trials, labelled without knowing which was which;
  `drawn` says which after the fact): the share labelled relevant, and the share among the
  random trials for comparison.

    python bench/relevance.py [--top20] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from trialscreen.facts import build_facts
from trialscreen.fastpath import trial_plan
from trialscreen.inputs import read_patient_input
from trialscreen.matching import SECTIONS, match
from trialscreen.trials.load import load_trials

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "bench" / "relevance"


def auc(pairs: list[tuple[float, bool]]) -> float:
    """Mann-Whitney AUC of scores for positives over negatives (ties half)."""
    pos = [s for s, p in pairs if p]
    neg = [s for s, p in pairs if not p]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def rank_auc(scored: list[dict[str, Any]], positive: Any) -> float:
    """AUC of `match`'s order: over pairs of one patient's trials, one positive and one not,
    the share where the positive is listed first."""
    wins = pairs = 0
    by_patient: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in scored:
        by_patient[s["patient"]].append(s)
    for rows in by_patient.values():
        pos = [s["position"] for s in rows if positive(s)]
        neg = [s["position"] for s in rows if not positive(s)]
        wins += sum(p < n for p in pos for n in neg)
        pairs += len(pos) * len(neg)
    return wins / pairs if pairs else float("nan")


def ndcg(gains: list[int], k: int | None = None) -> float:
    """nDCG of gains in ranked order (2^g - 1 gains, log2 discounts)."""
    top = gains[:k] if k else gains
    ideal = sorted(gains, reverse=True)[: len(top)]

    def dcg(values: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(values))

    best = dcg(ideal)
    return dcg(top) / best if best else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument(
        "--top20",
        action="store_true",
        help="also the top 20 of match over ../shared/corpus per example patient (slower)",
    )
    args = parser.parse_args()
    labels = json.loads((HERE / "labels.json").read_text())["labels"]
    candidates = json.loads((HERE / "candidates.json").read_text())
    sources = {c["trial"]: ROOT / c["source"] for c in candidates}
    missing = [str(p) for p in sources.values() if not p.exists()]
    if missing:
        sys.exit(f"{missing[0]}: absent (this bench needs ../shared beside the checkout)")
    by_patient: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in labels:
        by_patient[row["patient"]].append(row)
    scored: list[dict[str, Any]] = []
    per_patient: dict[str, dict[str, float]] = {}
    for patient_path, rows in by_patient.items():
        patient = read_patient_input(ROOT / patient_path).patient
        facts = build_facts(patient)
        trials = [load_trials(sources[r["trial"]])[0] for r in rows]
        report = match(facts, trials, [trial_plan(t) for t in trials])
        order = {row.trial.id: i for i, row in enumerate(report.rows)}
        rank = {row.trial.id: row for row in report.rows}
        ranked = sorted(rows, key=lambda r: order[r["trial"]])
        gains = [r["relevance"] for r in ranked]
        # what a coordinator can use: a relevant trial the patient is not excluded from
        useful = [r["relevance"] if r["eligibility"] != "excluded" else 0 for r in ranked]
        per_patient[patient.id] = {
            "ndcg@10": ndcg(gains, 10),
            "ndcg": ndcg(gains),
            "useful_ndcg@10": ndcg(useful, 10),
        }
        for r in rows:
            row = rank[r["trial"]]
            scored.append(
                {
                    **r,
                    "score": row.relevance.score if row.relevance else 0.0,
                    "position": order[r["trial"]],
                    "section": row.section,
                    "verdict": row.result.verdict,
                }
            )
    confusion = Counter((s["eligibility"], s["verdict"]) for s in scored)
    excluded = [s for s in scored if s["eligibility"] == "excluded"]
    doc = {
        "pairs": len(scored),
        "patients": len(per_patient),
        "labels": dict(Counter(s["relevance"] for s in scored)),
        "auc_relevant": round(auc([(s["score"], s["relevance"] >= 1) for s in scored]), 3),
        "auc_own_disease": round(auc([(s["score"], s["relevance"] == 2) for s in scored]), 3),
        # the done-when figures: match's order puts relevant above not relevant, and trials the
        # patient is not excluded from (eligible or unclear) above excluded ones
        "rank_auc_relevant": round(rank_auc(scored, lambda s: s["relevance"] >= 1), 3),
        "rank_auc_not_excluded": round(
            rank_auc(scored, lambda s: s["eligibility"] != "excluded"), 3
        ),
        "ndcg@10": round(statistics.mean(p["ndcg@10"] for p in per_patient.values()), 3),
        "ndcg": round(statistics.mean(p["ndcg"] for p in per_patient.values()), 3),
        "useful_ndcg@10": round(
            statistics.mean(
                p["useful_ndcg@10"]
                for p in per_patient.values()
                if not math.isnan(p["useful_ndcg@10"])
            ),
            3,
        ),
        "per_patient": {k: {m: round(v, 3) for m, v in p.items()} for k, p in per_patient.items()},
        "sections_by_label": {
            str(level): dict(Counter(s["section"] for s in scored if s["relevance"] == level))
            for level in (0, 1, 2)
        },
        "wrong_passes": sum(1 for s in excluded if s["verdict"] == "eligible"),
        "wrong_fails": sum(
            1 for s in scored if s["eligibility"] == "eligible" and s["verdict"] == "ineligible"
        ),
        "excluded_found": round(
            sum(1 for s in excluded if s["verdict"] == "ineligible") / max(len(excluded), 1), 3
        ),
        "confusion": {
            f"{label} -> {verdict}": n for (label, verdict), n in sorted(confusion.items())
        },
    }
    doc["top20"] = top20() if args.top20 else None
    if args.json:
        print(json.dumps(doc, indent=2))
        return 0
    print(f"pairs {doc['pairs']} ({doc['patients']} patients), labels {doc['labels']}")
    print(f"relevance AUC (label >= 1): {doc['auc_relevant']}; (label 2): {doc['auc_own_disease']}")
    print(
        f"match order AUC: relevant above not relevant {doc['rank_auc_relevant']}; "
        f"not excluded above excluded {doc['rank_auc_not_excluded']}"
    )
    print(
        f"nDCG@10 {doc['ndcg@10']}, nDCG {doc['ndcg']}, useful nDCG@10 {doc['useful_ndcg@10']}"
        " (mean over patients)"
    )
    for name, p in doc["per_patient"].items():
        print(
            f"  {name[:40]:40} nDCG@10 {p['ndcg@10']:.3f}  nDCG {p['ndcg']:.3f}"
            f"  useful nDCG@10 {p['useful_ndcg@10']:.3f}"
        )
    print("sections by label:", {k: v for k, v in doc["sections_by_label"].items()})
    print(
        f"verdicts: wrong passes {doc['wrong_passes']}, wrong fails {doc['wrong_fails']}, "
        f"excluded pairs found ineligible {doc['excluded_found']:.1%}"
    )
    for key, n in doc["confusion"].items():
        print(f"  {key:28} {n}")
    if doc["top20"]:
        t = doc["top20"]
        print(
            f"top 20 of match over the corpus, per example patient: relevant (label >= 1) "
            f"{t['relevant']} of {t['labelled']} labelled ({t['share']:.1%}); "
            f"unlabelled {t['unlabelled']}; the random trials labelled with them: "
            f"{t['random_share']:.1%} relevant"
        )
        for name, row in t["per_patient"].items():
            print(f"  {name:32} {row['relevant']:2} of {row['labelled']:2} relevant")
    print("sections:", ", ".join(SECTIONS))
    return 0


def top20() -> dict[str, Any]:
    """The top 20 of `match` over ../shared/corpus for each example patient against the blind
    labels of bench/relevance/top20_labels.json (each patient's engine top 20 when labelled,
    shuffled with 20 random corpus trials, labelled without knowing which were which)."""
    from trialscreen.fastpath import plans_from_store

    corpus = ROOT.parent / "shared" / "corpus"
    labels = [
        row
        for path in sorted(HERE.glob("top20_labels*.json"))
        for row in json.loads(path.read_text())
    ]
    by_pair = {(r["patient"], r["trial"]): r["relevance"] for r in labels}
    random_rows = [r["relevance"] for r in labels if r.get("drawn") == "random"]
    trials = load_trials(corpus)
    plans = plans_from_store(trials)
    per_patient: dict[str, dict[str, int]] = {}
    relevant = labelled = unlabelled = 0
    shown: set[tuple[str, str]] = set()
    for path in sorted((ROOT / "patients").glob("*.json")):
        name = f"patients/{path.name}"
        facts = build_facts(read_patient_input(path).patient)
        top = match(facts, trials, plans).shown(False, 20)
        got = [by_pair.get((name, row.trial.id)) for row in top]
        shown |= {(name, row.trial.id) for row in top}
        seen = [g for g in got if g is not None]
        per_patient[path.stem] = {"relevant": sum(g >= 1 for g in seen), "labelled": len(seen)}
        relevant += sum(g >= 1 for g in seen)
        labelled += len(seen)
        unlabelled += len(got) - len(seen)
    return {
        "relevant": relevant,
        "labelled": labelled,
        "unlabelled": unlabelled,
        "share": relevant / max(labelled, 1),
        "random_share": sum(v >= 1 for v in random_rows) / max(len(random_rows), 1),
        "per_patient": per_patient,
    }


if __name__ == "__main__":
    raise SystemExit(main())
