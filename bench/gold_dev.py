"""Numeric extraction against human labels: the facebook-ctp medical NER test set (gold-dev).

Input: ner/test_processed_medical_ner.tsv. Each line is `start:end:label,...<TAB>text`; the text
is lower-cased, tokens are space-separated, and every number is masked as "@NUMBER". Spans are
1-based and end-exclusive in 1-based counting, so a span is text[start - 1 : end - 1].

Number scheme: every "@NUMBER" is replaced by the same number (`--number`, default "2") before
compiling, and the gold spans are moved onto the substituted text. Real values are lost, so this
measures what the grammar recognises, not value accuracy; a constant can also read oddly ("1.73
m2" becomes "2 m2", "0, 1 or 2" becomes "2, 2 or 2", "1 year" vs "2 years").

Gold numeric item: one lower_bound or upper_bound span attached to a variable span of the same
line. A bound attaches to the nearest non-bound span of any label (gap in characters; a tie goes
to the span before it); the item exists only when that span is a variable, labelled
clinical_variable, age or bmi (`--labels`; age and bmi are the set's own labels for variables
that trialscreen compiles to age_compare and lab_compare, so leaving them out would count every
age_compare as a false positive). A bound attached to a condition or a treatment ("within 2
days of ...") is not an item.

Prediction: every numeric leaf (lab_compare, score_compare, age_compare, life_expectancy) of the
line's predicate, compiled as an inclusion bullet (`--kind`).

Match: a leaf *locates* an item when its span overlaps the variable span, or its analyte or scale
is the analyte the variable text names in the lexicon (or equals the text); for age_compare and
life_expectancy when the variable text says "age" or "life expectancy". A located leaf *agrees*
when its op points the bound's way: lower_bound <-> >= or >, upper_bound <-> <= or <; == agrees
with neither. True positives pair items with agreeing leaves one to one (greedy, closest first);
precision = TP / predicted leaves, recall = TP / gold items. Bound-direction accuracy = among items
located by a leaf with a directional op, the share that some located leaf agrees with.

Run: python bench/gold_dev.py [GOLD_DIR_OR_TSV] [--number N] [--labels a,b] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trialscreen.language.compiler import compile_criterion
from trialscreen.report import leaves
from trialscreen.units.analytes import lookup

DEFAULT_GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold-dev"
TSV = Path("facebook-ctp/data/ner/test_processed_medical_ner.tsv")
MASK = "@NUMBER"
BOUNDS = frozenset({"lower_bound", "upper_bound"})
NUMERIC_KINDS = frozenset(
    {"lab_compare", "score_compare", "age_compare", "life_expectancy", "measure_compare"}
)
AGREES = {"lower_bound": frozenset({">=", ">"}), "upper_bound": frozenset({"<=", "<"})}
DIRECTIONAL = frozenset({">=", ">", "<=", "<"})


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Item:
    """A gold numeric item: a variable span and the bound attached to it."""

    line: int
    variable: Span
    bound: Span
    text: str  # the variable's text, lower-cased, spaces collapsed


def parse_line(line: str) -> tuple[list[Span], str]:
    """The spans (0-based, end-exclusive) and the text of one TSV line."""
    head, _, text = line.rstrip("\n").partition("\t")
    spans = []
    for field in filter(None, head.split(",")):
        start, end, label = field.split(":", 2)
        spans.append(Span(int(start) - 1, int(end) - 1, label))
    return spans, text


def substitute(text: str, number: str) -> tuple[str, list[int]]:
    """The text with each mask replaced, and a map from old offsets to new ones."""
    pieces = text.split(MASK)
    where: list[int] = []
    new = 0
    for k, piece in enumerate(pieces):
        if k:
            where += [new + min(i, len(number)) for i in range(len(MASK))]
            new += len(number)
        where += range(new, new + len(piece))
        new += len(piece)
    where.append(new)
    return number.join(pieces), where


def gap(a: Span, b: Span) -> int:
    return max(a.start - b.end, b.start - a.end, 0)


def gold_items(n: int, spans: list[Span], text: str, labels: frozenset[str]) -> list[Item]:
    """Each bound attached to its nearest non-bound span; kept when that span is a variable."""
    anchors = [s for s in spans if s.label not in BOUNDS]
    items = []
    for bound in (s for s in spans if s.label in BOUNDS):
        if not anchors:
            continue
        near = min(anchors, key=lambda s: (gap(s, bound), s.start > bound.start))
        if near.label in labels:
            name = " ".join(text[near.start : near.end].split())
            items.append(Item(n, near, bound, name))
    return items


def _names(leaf: Any) -> set[str]:
    return {str(getattr(leaf, "analyte", "") or getattr(leaf, "scale", "")).lower()} - {""}


def name_match(leaf: Any, variable: str) -> bool:
    """Does the leaf's analyte, scale or kind name the variable?"""
    if leaf.kind == "age_compare":
        return re.search(r"\bage", variable) is not None
    if leaf.kind == "life_expectancy":
        return "life expectancy" in variable
    found = lookup(variable)
    wanted = {variable, found.id} if found else {variable}
    return bool(_names(leaf) & wanted)


def locates(leaf: Any, item: Item, where: list[int]) -> bool:
    start, end = where[item.variable.start], where[item.variable.end]
    overlap = leaf.span[0] < end and start < leaf.span[1]
    return overlap or name_match(leaf, item.text)


def agrees(leaf: Any, item: Item) -> bool:
    return leaf.op in AGREES[item.bound.label]


def match_line(items: list[Item], found: list[Any], where: list[int]) -> dict[Item, str]:
    """Each item's outcome: tp, direction (located, no agreeing leaf), equality, elsewhere, none."""
    pairs = []
    for i, item in enumerate(items):
        for j, leaf in enumerate(found):
            if locates(leaf, item, where) and agrees(leaf, item):
                bound = where[item.bound.start]
                pairs.append((abs(leaf.span[0] - bound), i, j))
    used_items: set[int] = set()
    used_leaves: set[int] = set()
    for _, i, j in sorted(pairs):
        if i not in used_items and j not in used_leaves:
            used_items.add(i)
            used_leaves.add(j)
    return {item: _outcome(i in used_items, item, found, where) for i, item in enumerate(items)}


def _outcome(tp: bool, item: Item, found: list[Any], where: list[int]) -> str:
    located = [leaf for leaf in found if locates(leaf, item, where)]
    if tp:
        return "tp"
    if any(leaf.op in DIRECTIONAL for leaf in located):
        return "agreeing leaf used" if any(agrees(x, item) for x in located) else "direction"
    if located:
        return "equality"
    return "elsewhere" if found else "none"


def _brief(failure: Exception) -> str:
    """The exception's type and its first three message lines, on one line."""
    return " | ".join(f"{type(failure).__name__}: {failure}".splitlines()[:3])


def evaluate(path: Path, number: str, labels: frozenset[str], kind: str) -> dict[str, Any]:
    """Compile each line and score its numeric leaves against the gold items."""
    compile_criterion.cache_clear()
    lines = path.read_text(encoding="utf-8").splitlines()
    outcomes: dict[Item, str] = {}
    predicted = 0
    status: Counter[str] = Counter()
    errors: list[dict[str, str]] = []
    for n, line in enumerate(lines):
        spans, text = parse_line(line)
        new_text, where = substitute(text, number)
        try:
            compiled = compile_criterion(new_text, kind)  # type: ignore[arg-type]
        except Exception as failure:  # a bug in the compiler: record it, score the line empty
            errors.append({"text": new_text, "error": _brief(failure)})
            status["exception"] += 1
            found = []
        else:
            status[compiled.status] += 1
            found = [x for x in leaves(compiled.predicate) if x.kind in NUMERIC_KINDS]
        predicted += len(found)
        outcomes |= match_line(gold_items(n, spans, text, labels), found, where)
    doc = summarise(len(lines), predicted, outcomes, status, number, labels)
    return doc | {"exceptions": len(errors), "exception_examples": errors[:10]}


def summarise(
    lines: int,
    predicted: int,
    outcomes: dict[Item, str],
    status: Counter[str],
    number: str,
    labels: frozenset[str],
) -> dict[str, Any]:
    tp = sum(o == "tp" for o in outcomes.values())
    gold = len(outcomes)
    precision = tp / predicted if predicted else 0.0
    recall = tp / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    directional = [o for o in outcomes.values() if o in ("tp", "direction", "agreeing leaf used")]
    right = sum(o != "direction" for o in directional)
    by_label = Counter(i.variable.label for i in outcomes)
    tp_label = Counter(i.variable.label for i, o in outcomes.items() if o == "tp")
    return {
        "number": number,
        "labels": sorted(labels),
        "gold_lines": lines,
        "line_status": dict(status),
        "gold_items": gold,
        "predicted": predicted,
        "true_positives": tp,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "direction_located": len(directional),
        "direction_accuracy": round(right / len(directional), 4) if directional else None,
        "recall_by_label": {
            k: {"items": v, "tp": tp_label[k], "recall": round(tp_label[k] / v, 4)}
            for k, v in sorted(by_label.items())
        },
        "missed_outcomes": dict(Counter(o for o in outcomes.values() if o != "tp")),
        "top_missed": top_missed(outcomes, 15),
    }


def top_missed(outcomes: dict[Item, str], n: int) -> list[dict[str, Any]]:
    """The most frequent missed variable texts, with why they were missed."""
    missed = [(i.text, o) for i, o in outcomes.items() if o != "tp"]
    counts = Counter(text for text, _ in missed)
    return [
        {
            "variable": text,
            "missed": k,
            "why": dict(Counter(o for t, o in missed if t == text).most_common()),
        }
        for text, k in counts.most_common(n)
    ]


def print_plain(doc: dict[str, Any]) -> None:
    print(
        f"number substituted for @NUMBER: {doc['number']}; variable labels: "
        f"{', '.join(doc['labels'])}"
    )
    print(
        f"gold lines:             {doc['gold_lines']}  "
        + ", ".join(f"{k} {v}" for k, v in sorted(doc["line_status"].items()))
    )
    print(f"gold numeric items:     {doc['gold_items']}")
    print(f"predicted numeric:      {doc['predicted']}")
    print(f"true positives:         {doc['true_positives']}")
    print(f"precision:              {doc['precision']:.3f}")
    print(f"recall:                 {doc['recall']:.3f}")
    print(f"F1:                     {doc['f1']:.3f}")
    acc = doc["direction_accuracy"]
    print(
        f"bound-direction acc.:   {acc if acc is None else f'{acc:.3f}'} "
        f"(of {doc['direction_located']} items located by a directional leaf)"
    )
    for label, row in doc["recall_by_label"].items():
        print(f"  recall {label:18} {row['tp']:5} / {row['items']:5} = {row['recall']:.3f}")
    print(
        "missed items by reason: "
        + ", ".join(f"{k} {v}" for k, v in sorted(doc["missed_outcomes"].items()))
    )
    print(f"\n{'missed':>6}  variable  (why)")
    for row in doc["top_missed"]:
        why = ", ".join(f"{k} {v}" for k, v in row["why"].items())
        print(f"{row['missed']:6}  {row['variable']}  ({why})")
    print(f"\nexceptions in compile_criterion: {doc['exceptions']}")
    for row in doc["exception_examples"]:
        print(f"  {row['error'][:300]}\n    bullet: {row['text']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument(
        "gold",
        nargs="?",
        type=Path,
        default=DEFAULT_GOLD,
        help="the gold-dev folder or the TSV itself (default: ../shared/gold-dev)",
    )
    ap.add_argument("--number", default="2", help="what replaces each @NUMBER (default 2)")
    ap.add_argument(
        "--labels",
        default="clinical_variable,age,bmi",
        help="span labels that count as variables (comma-separated)",
    )
    ap.add_argument("--kind", default="inclusion", choices=("inclusion", "exclusion"))
    ap.add_argument("--json", action="store_true", help="print a JSON document")
    args = ap.parse_args(argv)
    path = args.gold if args.gold.is_file() else args.gold / TSV
    if not path.is_file():
        print(f"gold-dev data not found: {path} (pass the folder or the TSV as an argument)")
        return 2
    labels = frozenset(x.strip() for x in args.labels.split(",") if x.strip())
    doc = evaluate(path, args.number, labels, args.kind)
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        print_plain(doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
