"""What people and programs see: rich tables, JSON shapes, the audit and the coverage report."""

from __future__ import annotations

import re
import time
from collections import Counter
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from trialscreen.language.compiler import clear_caches, compile_criterion
from trialscreen.language.render import render
from trialscreen.language.structure import read_document
from trialscreen.model.compiled import CompiledCriterion
from trialscreen.model.patient import Patient
from trialscreen.model.predicate import Predicate, leaves
from trialscreen.model.trial import Trial
from trialscreen.screening import TrialResult

_COLOURS = {
    "pass": "green",
    "fail": "red",
    "unknown": "yellow",
    "warn": "dark_orange",
    "no_constraint": "dim",
    "eligible": "green",
    "ineligible": "red",
    "undetermined": "yellow",
    "no_criteria": "dim",
}
_NUMERIC_KINDS = frozenset(
    {
        "lab_compare",
        "score_compare",
        "age_compare",
        "life_expectancy",
        "measure_compare",
        "time_since",
        "concept_duration",
        "concept_onset",
        "regimen_count",
    }
)
_HAS_COMPARISON = re.compile(
    r"(?:[<>≤≥]|=<|=>|\b(?:greater|less|more|fewer|at least|at most|"
    r"no more|up to|minimum|maximum|above|below|exceed\w*)\b)[^\d]{0,40}\d",
    re.IGNORECASE,
)


def trial_row(t: Trial) -> dict[str, Any]:
    return {
        "id": t.id,
        "title": t.title,
        "format": t.format,
        "source": t.source,
        "minimum_age": str(t.minimum_age) if t.minimum_age else None,
        "maximum_age": str(t.maximum_age) if t.maximum_age else None,
        "sex": t.sex,
        "inclusion": t.count("inclusion"),
        "exclusion": t.count("exclusion"),
        "warnings": t.warnings,
    }


def print_trials(out: Console, rows: list[dict[str, Any]], totals: dict[str, int]) -> None:
    table = Table("id", "title", "format", "ages", "sex", "incl", "excl", "warnings")
    for r in rows:
        ages = f"{r['minimum_age'] or '-'} to {r['maximum_age'] or '-'}"
        table.add_row(
            Text(r["id"]),
            Text(r["title"][:60]),
            r["format"],
            Text(ages),
            r["sex"],
            str(r["inclusion"]),
            str(r["exclusion"]),
            Text("; ".join(r["warnings"])[:60]),
        )
    out.print(table)
    out.print(", ".join(f"{k}: {v}" for k, v in totals.items()))


def compiled_json(c: CompiledCriterion) -> dict[str, Any]:
    return {
        "text": c.text,
        "kind": c.kind,
        "status": c.status,
        "canonical": c.canonical,
        "flags": list(c.flags),
        "uncovered": [list(s) for s in c.uncovered],
        "uncovered_text": c.uncovered_text(),
        "predicate": c.predicate.model_dump(mode="json"),
        "structure": [f.removeprefix("structure:") for f in c.flags if f.startswith("structure:")],
        "applies_if": None if c.applies_if is None else c.applies_if.model_dump(mode="json"),
    }


def marked(c: CompiledCriterion) -> Text:
    """The bullet with each predicate's span underlined and uncovered text dimmed red."""
    text = Text(c.text)
    for leaf in leaves(c.predicate):
        if leaf.kind != "unparsed":
            text.stylize("underline cyan", *leaf.span)
    for start, end in c.uncovered:
        text.stylize("red", start, end)
    return text


def print_compiled(out: Console, c: CompiledCriterion) -> None:
    out.print(marked(c))
    out.print(f"[bold]status:[/] {c.status}   [bold]kind:[/] {c.kind}")
    out.print(Text(f"canonical: {c.canonical}"))
    if c.flags:
        out.print(Text(f"flags: {', '.join(c.flags)}", style="magenta"))
    if c.uncovered:
        out.print(Text(f"uncovered: {' | '.join(c.uncovered_text())}", style="red"))
    out.print(Text(c.predicate.model_dump_json(indent=2, exclude_defaults=True), style="dim"))


def audit_json(trial: Trial, compiled: list[CompiledCriterion]) -> dict[str, Any]:
    bullets = []
    for b, c in zip(trial.bullets, compiled, strict=True):
        bullets.append(
            {
                "index": b.index,
                "kind": b.kind,
                "section": b.section,
                "parent": b.parent,
                "span": list(b.span),
                "text": b.text,
            }
            | {k: v for k, v in compiled_json(c).items() if k not in ("text", "kind")}
        )
    return {
        "trial_id": trial.id,
        "title": trial.title,
        "source": trial.source,
        "format": trial.format,
        "headings": [h.model_dump() for h in trial.headings],
        "bullets": bullets,
        "warnings": trial.warnings,
    }


def print_audit(out: Console, trial: Trial, compiled: list[CompiledCriterion]) -> None:
    out.print(
        f"[bold]{escape(trial.id)}[/] {escape(trial.title)}  ({trial.format}, "
        f"{escape(trial.source)})",
        highlight=False,
    )
    for b, c in zip(trial.bullets, compiled, strict=True):
        parent = f" parent={b.parent}" if b.parent is not None else ""
        out.print(
            f"\n[bold]#{b.index}[/] {b.kind} section={escape(b.section or '-')}{parent} "
            f"span={b.span[0]}-{b.span[1]} [{_COLOURS.get(c.status, 'white')}]{c.status}[/]",
            highlight=False,
        )
        out.print(marked(c))
        out.print(Text(f"  → {c.canonical}", style="cyan"))
        if c.flags:
            out.print(Text(f"  flags: {', '.join(c.flags)}", style="magenta"))
        if c.uncovered:
            out.print(Text(f"  uncovered: {' | '.join(c.uncovered_text())}", style="red"))
        if c.applies_if is not None:
            out.print(Text(f"  applies only if: {render(c.applies_if)}", style="cyan"))
    for w in trial.warnings:
        out.print(Text(f"warning: {w}", style="yellow"))


def _typed_numeric(leaf: Predicate) -> bool:
    """A leaf that holds a typed number: a comparison, a window or a grade."""
    return (
        leaf.kind in _NUMERIC_KINDS
        or getattr(leaf, "within_days", None) is not None
        or getattr(leaf, "grade", None) is not None
    )


def is_numeric_bullet(text: str) -> bool:
    """Does the bullet hold a comparator followed by a number?"""
    return bool(_HAS_COMPARISON.search(text))


STATUSES = ("compiled", "no_constraint", "partial", "unparsed")


def coverage(trials: list[Trial], top: int) -> dict[str, Any]:
    """Bullets by status, typed-numeric share, frequent uncovered phrases, compile throughput."""
    clear_caches()
    bullets = [(b.text, b.kind) for t in trials for b in t.bullets]
    started = time.perf_counter()
    compiled = [compile_criterion(text, kind) for text, kind in bullets]
    seconds = time.perf_counter() - started
    read: list[CompiledCriterion] = []  # each bullet in its place in its list
    at = 0
    for trial in trials:
        read += read_document(trial, compiled[at : at + len(trial.bullets)])
        at += len(trial.bullets)
    compiled = read
    status: Counter[str] = Counter(c.status for c in compiled)
    numeric = [c for c in compiled if is_numeric_bullet(c.text)]
    typed_leaves = [(c, [x for x in leaves(c.predicate) if _typed_numeric(x)]) for c in numeric]
    typed = [c for c, found in typed_leaves if found]
    # typed, but only as measurements no lexicon holds (never decided): counted apart
    measure_only = [
        c for c, found in typed_leaves if found and all(x.kind == "measure_compare" for x in found)
    ]
    # compiled bullets made only of such measurements are read, but can never decide
    never = sum(
        1
        for c in compiled
        if c.status == "compiled" and all(x.kind == "measure_compare" for x in leaves(c.predicate))
    )
    phrases: Counter[str] = Counter()
    for c in compiled:
        for piece in c.uncovered_text():
            phrases[" ".join(piece.lower().split()[:4])] += 1
    n = max(len(compiled), 1)
    return {
        "trials": len(trials),
        "bullets": len(compiled),
        "status": {k: status.get(k, 0) for k in STATUSES},
        "share": {k: round(status.get(k, 0) / n, 4) for k in STATUSES},
        # bullets that can decide: fully read, or no constraint by the document's structure
        # (compiled bullets made only of measurements no lexicon holds are left out)
        "decidable_share": round((status["compiled"] - never + status["no_constraint"]) / n, 4),
        "compiled_never_decide": never,
        # partial bullets whose unread parts stand as unknown conjuncts: they can fail, and
        # never pass alone (run-on pieces, "... and recovered")
        "sound_partial": sum(1 for c in compiled if "sound_partial" in c.flags),
        "numeric_bullets": len(numeric),
        "numeric_typed": len(typed),
        "numeric_typed_share": round(len(typed) / max(len(numeric), 1), 4),
        "numeric_typed_measure_only": len(measure_only),
        "top_uncovered": [{"phrase": p, "count": k} for p, k in phrases.most_common(top)],
        "compile_seconds": round(seconds, 3),
        "bullets_per_second": round(len(compiled) / seconds, 1) if seconds else None,
    }


def print_coverage(out: Console, doc: dict[str, Any]) -> None:
    out.print(f"trials {doc['trials']}, bullets {doc['bullets']}")
    for k, v in doc["status"].items():
        out.print(f"  {k:13} {v:7}  {doc['share'][k]:.1%}")
    out.print(
        f"can decide (compiled or no constraint): {doc['decidable_share']:.1%} (compiled but "
        f"only measurements no lexicon holds, never deciding: {doc['compiled_never_decide']})"
    )
    out.print(f"partial but sound (can fail, never pass alone): {doc['sound_partial']}")
    out.print(
        f"bullets with a comparator and a number: {doc['numeric_bullets']}, typed numeric "
        f"predicates: {doc['numeric_typed']} ({doc['numeric_typed_share']:.1%}; of them "
        f"{doc['numeric_typed_measure_only']} only as measurements no lexicon holds)"
    )
    out.print(f"compile: {doc['bullets_per_second']} bullets/s")
    table = Table("count", "uncovered phrase")
    for row in doc["top_uncovered"]:
        table.add_row(str(row["count"]), row["phrase"])
    out.print(table)


def print_screen(out: Console, patient: Patient, results: list[TrialResult]) -> None:
    for r in results:
        colour = _COLOURS[r.verdict]
        out.print(
            f"\n[bold]{escape(r.trial_id)}[/] {escape(r.title[:80])} — [{colour}]{r.verdict}[/]",
            highlight=False,
        )
        table = Table("#", "kind", "outcome", "criterion", "reason", show_lines=False)
        for c in r.criteria:
            shown = "warn" if c.warning else c.outcome
            oc = _COLOURS[shown]
            table.add_row(
                str(c.index),
                c.kind[:4],
                f"[{oc}]{shown}[/]",
                Text(c.text[:70]),
                Text("" if c.outcome == "pass" else c.reason[:90]),
            )
        out.print(table)
        out.print(
            Text(
                f"pass {r.count('pass')}, fail {r.count('fail')}, unknown {r.count('unknown')}"
                f" (warn {sum(1 for c in r.criteria if c.warning)}),"
                f" no constraint {r.count('no_constraint')}"
                + (f"; needs: {', '.join(r.needs[:5])}" if r.needs else "")
            )
        )
    out.print(Text(f"\npatient {patient.id} as of {patient.as_of}: {len(results)} trials screened"))


_SECTION_TITLES = {
    "relevant": "Relevant trials",
    "screened": "Trials screened (no condition on record: no relevance)",
    "not_relevant": "Not relevant to the patient's conditions",
    "no_criteria": "No eligibility criteria in the record",
}


def print_match(out: Console, patient: Patient, doc: dict[str, Any]) -> None:
    """The `match` document as tables, one per section, then what to collect next."""
    rows: list[dict[str, Any]] = doc["matches"]
    for section in _SECTION_TITLES:
        part = [r for r in rows if r["section"] == section]
        if not part:
            continue
        out.print(f"\n[bold]{_SECTION_TITLES[section]}[/] ({len(part)})", highlight=False)
        table = Table("trial", "title", "rel.", "verdict", "p/f/?", "why not / what would decide")
        for r in part:
            shown = "likely fails" if r["likely_fails"] else r["verdict"]
            colour = _COLOURS["warn" if r["likely_fails"] else r["verdict"]]
            table.add_row(
                Text(r["trial_id"]),
                Text(r["title"][:46]),
                "-" if r["relevance"] is None else f"{r['relevance']:.2f}",
                f"[{colour}]{shown}[/]",
                f"{r['pass']}/{r['fail']}/{r['unknown']}",
                Text(why_text(r)[:80]),
            )
        out.print(table)
    counts = doc["counts"]
    out.print(
        Text(
            f"\npatient {patient.id} as of {patient.as_of}: {doc['trials']} trials; "
            + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items() if v)
            + (f"; filtered out {doc['filtered_out']}" if doc["filtered_out"] else "")
            + ("" if doc["listed_all"] else " (not relevant and no-criteria rows: --all)")
        )
    )
    if doc["collect_next"]:
        out.print("[bold]What to collect next[/] (across the undetermined trials listed)")
        for item in doc["collect_next"]:
            out.print(Text(f"  {collect_line(item)}"))


def why_text(row: dict[str, Any]) -> str:
    """For people: the criterion that failed, or the items that would decide the trial."""
    why = row.get("why_not")
    if why:
        return f"fails: {why['criterion']} — {why['reason']}"
    if row["verdict"] == "undetermined":
        return "needs: " + ", ".join(row["needs"][:3])
    return ""


def collect_line(item: dict[str, Any]) -> str:
    line = f"{item['item']}: needed by {item['trials']} trial{'s' if item['trials'] != 1 else ''}"
    if item["settles"]:
        line += f", would settle {item['settles']} alone"
    return line


def print_check(out: Console, doc: dict[str, Any]) -> None:
    colour = _COLOURS[doc["outcome"]]
    out.print(f"[{colour}]{doc['outcome']}[/] ({doc['kind']}, met={doc['met']})")
    out.print(Text(f"canonical: {doc['canonical']}"))
    out.print(Text(f"reason: {doc['reason']}"))
    for e in doc["evidence"]:
        out.print(Text(f"  evidence: {e}", style="dim"))
    if doc["needs"]:
        out.print(Text(f"needs: {', '.join(doc['needs'])}", style="yellow"))


def print_import(out: Console, doc: dict[str, Any]) -> None:
    table = Table("field", "value", "from")
    patient = doc["patient"]
    prov = doc["provenance"]
    for key in ("id", "birth_date", "sex", "pregnant"):
        if key in patient:
            table.add_row(key, Text(str(patient[key])), Text(prov.get(key, "")))
    shown = ("variant", "result", "value", "unit", "status", "date")
    for group in ("observations", "conditions", "treatments", "adverse_events", "biomarkers"):
        for i, item in enumerate(patient.get(group, [])):
            label = item.get("name") or item.get("term")
            value = " ".join(str(item[k]) for k in shown if k in item)
            table.add_row(
                f"{group}[{i}]", Text(f"{label}: {value}"), Text(prov.get(f"{group}[{i}]", ""))
            )
    out.print(table)
    for w in doc["warnings"]:
        out.print(Text(f"warning: {w}", style="yellow"))


def print_names(out: Console, found: list[Any]) -> None:
    """`trialscreen names`: one row per lexicon entry (vocabulary.Entry)."""
    table = Table("kind", "name", "id", "unit / category", "other names", "codes")
    for e in found:
        others = ", ".join(e.synonyms[:8]) + (
            f", … (+{len(e.synonyms) - 8})" if len(e.synonyms) > 8 else ""
        )
        table.add_row(
            e.kind, Text(e.name), e.id, Text(e.about), Text(others), Text(", ".join(e.codes[:4]))
        )
    out.print(table)
