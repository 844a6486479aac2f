"""The `match` and `screen` documents as CSV (one row per trial, or per criterion) and as one
self-contained HTML page a coordinator can open or print: no script, no external style, font
or image, so it needs no network to view. Everything from the input is escaped."""

from __future__ import annotations

import csv
import html
import io
from typing import Any

from trialscreen.report import collect_line, why_text

MATCH_COLUMNS = (
    "section",
    "trial_id",
    "title",
    "relevance",
    "verdict",
    "likely_fails",
    "pass",
    "fail",
    "unknown",
    "unknown_manual",
    "why_not",
    "needs",
    "status",
    "phases",
    "countries",
    "url",
)
SCREEN_COLUMNS = (
    "trial_id",
    "verdict",
    "index",
    "kind",
    "outcome",
    "warning",
    "text",
    "canonical",
    "reason",
    "needs",
    "evidence",
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={_cell(v)}" for k, v in value.items())
    return str(value)


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula: registry text beginning with = + - @
    (or a tab or carriage return) gets a leading apostrophe (OWASP's CSV injection advice)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe(_cell(row.get(c))) for c in columns])
    return buffer.getvalue()


def match_csv(doc: dict[str, Any]) -> str:
    """One row per listed trial; `why_not` is the failed criterion and its reason."""
    rows = [{**r, "why_not": why_text(r) if r.get("why_not") else ""} for r in doc["matches"]]
    return _csv(MATCH_COLUMNS, rows)


def screen_csv(doc: dict[str, Any]) -> str:
    """One row per criterion of every trial screened."""
    rows = [
        {"trial_id": t["trial_id"], "verdict": t["verdict"], **c}
        for t in doc["trials"]
        for c in t["criteria"]
    ]
    return _csv(SCREEN_COLUMNS, rows)


_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5em;color:#111}
h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.3em .45em;text-align:left;vertical-align:top;font-size:.9em}
th{background:#f2f2f2}.eligible,.pass{color:#06612b;font-weight:600}
.ineligible,.fail{color:#a10d0d;font-weight:600}.undetermined,.unknown{color:#8a6100}
.warn{color:#b45309;font-weight:600}.no_constraint,.no_criteria{color:#555}
.muted{color:#555;font-size:.85em}q{font-style:italic}
@media print{a{color:inherit;text-decoration:none}}
"""


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def _e(value: Any) -> str:
    return html.escape(_cell(value))


def _link(row: dict[str, Any]) -> str:
    url = row.get("url")
    ident = _e(row["trial_id"])
    return f'<a href="{html.escape(url, quote=True)}">{ident}</a>' if url else ident


def match_html(doc: dict[str, Any]) -> str:
    """The ranking as one page: a table per section, then what to collect next."""
    parts = [
        f"<h1>Trials for patient {_e(doc['patient'])}</h1>",
        f'<p class="muted">as of {_e(doc["as_of"])}; {doc["trials"]} trials; '
        + ", ".join(f"{_e(k.replace('_', ' '))} {v}" for k, v in doc["counts"].items() if v)
        + "</p>",
    ]
    titles = {
        "relevant": "Relevant trials",
        "screened": "Trials screened",
        "not_relevant": "Not relevant to the patient's conditions",
        "no_criteria": "No eligibility criteria in the record",
    }
    for section, title in titles.items():
        rows = [r for r in doc["matches"] if r["section"] == section]
        if not rows:
            continue
        parts.append(
            f"<h2>{title} ({len(rows)})</h2><table><tr><th>trial</th><th>title</th>"
            "<th>relevance</th><th>verdict</th><th>pass / fail / unknown</th>"
            "<th>why not, or what would decide it</th></tr>"
        )
        for r in rows:
            verdict = "likely fails" if r["likely_fails"] else r["verdict"]
            css = "warn" if r["likely_fails"] else r["verdict"]
            rel = "" if r["relevance"] is None else f"{r['relevance']:.2f}"
            because = _e(r.get("relevance_because") or "")
            parts.append(
                f"<tr><td>{_link(r)}</td><td>{_e(r['title'])}</td>"
                f'<td title="{because}">{rel}</td><td class="{css}">{_e(verdict)}</td>'
                f"<td>{r['pass']} / {r['fail']} / {r['unknown']}</td>"
                f"<td>{_e(why_text(r))}</td></tr>"
            )
        parts.append("</table>")
    if doc.get("collect_next"):
        parts.append("<h2>What to collect next</h2><ul>")
        parts += [f"<li>{_e(collect_line(item))}</li>" for item in doc["collect_next"]]
        parts.append("</ul>")
    return _page(f"trialscreen match {doc['patient']}", "".join(parts))


def screen_html(doc: dict[str, Any]) -> str:
    """Each trial with every criterion: source text, outcome, reading, reason and evidence."""
    parts = [
        f"<h1>Screening of patient {_e(doc['patient'])}</h1>",
        f'<p class="muted">as of {_e(doc["as_of"])}; {len(doc["trials"])} trials</p>',
    ]
    for t in doc["trials"]:
        parts.append(
            f'<h2>{_link(t)} {_e(t["title"])} — <span class="{_e(t["verdict"])}">'
            f"{_e(t['verdict'])}</span></h2>"
            f'<p class="muted">pass {t["pass"]}, fail {t["fail"]}, unknown {t["unknown"]} '
            f"(likely fails {t['warn']}), no constraint {t['no_constraint']}"
            + (f"; needs: {_e(t['needs'][:5])}" if t["needs"] else "")
            + "</p><table><tr><th>#</th><th>kind</th><th>outcome</th><th>criterion (source text)"
            "</th><th>read as</th><th>reason and evidence</th></tr>"
        )
        for c in t["criteria"]:
            outcome = "likely fails" if c["warning"] else c["outcome"]
            css = "warn" if c["warning"] else c["outcome"]
            evidence = "".join(f'<div class="muted">{_e(e)}</div>' for e in c["evidence"])
            parts.append(
                f"<tr><td>{_e(c['index'])}</td><td>{_e(c['kind'])}</td>"
                f'<td class="{css}">{_e(outcome)}</td><td><q>{_e(c["text"])}</q></td>'
                f"<td>{_e(c['canonical'])}</td><td>{_e(c['reason'])}{evidence}</td></tr>"
            )
        parts.append("</table>")
    return _page(f"trialscreen screen {doc['patient']}", "".join(parts))
