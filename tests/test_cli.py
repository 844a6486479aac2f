"""The command line: every command, JSON shapes, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import PATIENTS, ROOT
from trialscreen.cli import app

runner = CliRunner()
EXAMPLE = str(PATIENTS / "pt-0001-example.json")


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_trials_json_has_rows_and_totals() -> None:
    code, out, _ = run("trials", "--json")
    doc = json.loads(out)
    assert code == 0
    assert doc["totals"]["trials"] == 5
    rows = {r["id"]: r for r in doc["trials"]}
    assert (rows["NCT00605566"]["inclusion"], rows["NCT00605566"]["exclusion"]) == (7, 9)
    assert (rows["NCT01444807"]["inclusion"], rows["NCT01444807"]["exclusion"]) == (18, 22)


def test_trials_table() -> None:
    code, out, _ = run("trials")
    assert code == 0 and "NCT00573755" in out and "trials: 5" in out


def test_audit_json_has_spans_and_parse() -> None:
    code, out, _ = run("audit", "NCT00573755", "--json")
    doc = json.loads(out)
    assert code == 0 and len(doc["bullets"]) == 49
    anc = next(b for b in doc["bullets"] if b["text"].startswith("ANC"))
    assert anc["status"] == "compiled" and anc["canonical"].startswith("ANC >= 1500")
    assert anc["predicate"]["span"] == [0, len(anc["text"])]


def test_audit_unknown_id_suggests() -> None:
    code, _, err = run("audit", "NCT0057375")
    assert code == 2 and "NCT00573755" in err


def test_parse_json() -> None:
    code, out, _ = run(
        "parse", "ALT and AST ≤ 2.5 × ULN (≤ 5 × ULN for patients with liver involvement)", "--json"
    )
    doc = json.loads(out)
    assert code == 0 and doc["status"] == "compiled" and doc["predicate"]["kind"] == "all_of"
    code, out, _ = run("parse", "Able to swallow tablets")
    assert code == 0 and "unparsed" in out


def test_parse_bad_kind() -> None:
    assert run("parse", "x", "--kind", "maybe")[0] == 2


def test_coverage_json() -> None:
    code, out, _ = run("coverage", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["bullets"] == 7 + 9 + 49 + 40
    assert sum(doc["status"].values()) == doc["bullets"]
    assert set(doc["status"]) == {"compiled", "no_constraint", "partial", "unparsed"}


def test_screen_json_shape() -> None:
    code, out, _ = run("screen", EXAMPLE, "--trial", "NCT00573755", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["patient"] == "pt-0001" and doc["as_of"] == "2026-11-01"
    trial = doc["trials"][0]
    assert {"trial_id", "title", "verdict", "needs", "criteria"} <= set(trial)
    assert {"index", "kind", "section", "text", "met", "outcome", "reason", "evidence"} <= set(
        trial["criteria"][0]
    )


def test_match_lists_relevant_trials_with_why_not() -> None:
    code, out, _ = run("match", EXAMPLE, "--json")
    doc = json.loads(out)
    assert code == 0
    assert doc["matches"] and all(m["section"] == "relevant" for m in doc["matches"])
    assert sum(doc["counts"].values()) == doc["trials"] == 5
    for row in doc["matches"]:
        assert row["relevance"] >= 0.5 and row["url"].startswith("https://clinicaltrials.gov/")
        # an ineligible row names the criterion that failed, with its reason
        assert (row["why_not"] is not None) == (row["verdict"] == "ineligible")
    everything = json.loads(run("match", EXAMPLE, "--json", "--all")[1])
    assert len(everything["matches"]) == 5
    sections = [m["section"] for m in everything["matches"]]
    assert sections == sorted(sections, key=["relevant", "not_relevant", "no_criteria"].index)
    code, out, _ = run("match", EXAMPLE, "--json", "--all", "--limit", "2")
    assert len(json.loads(out)["matches"]) == 2


def test_match_filters_and_formats() -> None:
    doc = json.loads(run("match", EXAMPLE, "--json", "--all", "--status", "recruiting")[1])
    assert [m["trial_id"] for m in doc["matches"]] == ["NCT01444807"]
    assert doc["filtered_out"] == 4
    doc = json.loads(run("match", EXAMPLE, "--json", "--all", "--country", "Italy")[1])
    assert {m["trial_id"] for m in doc["matches"]} == {"NCT01444807"}
    code, out, _ = run("match", EXAMPLE, "--format", "csv", "--all")
    assert code == 0 and out.splitlines()[0].startswith("section,trial_id,title,relevance")
    assert len(out.splitlines()) == 6
    code, out, _ = run("match", EXAMPLE, "--format", "html")
    assert code == 0 and out.startswith("<!DOCTYPE html>") and "<script" not in out
    code, _, err = run("match", EXAMPLE, "--format", "pdf")
    assert code == 2 and "--format 'pdf'" in err
    code, _, err = run("match", EXAMPLE, "--min-relevance", "2")
    assert code == 2 and "--min-relevance" in err


def test_screen_formats() -> None:
    code, out, _ = run("screen", EXAMPLE, "--trial", "NCT00605566", "--format", "csv")
    rows = out.splitlines()
    assert code == 0 and rows[0].startswith("trial_id,verdict,index,kind,outcome")
    assert len(rows) > 10 and all(r.startswith("NCT00605566,") for r in rows[1:])
    code, out, _ = run("screen", EXAMPLE, "--trial", "NCT00605566", "--format", "html")
    assert code == 0 and "<q>" in out and "NCT00605566" in out


def test_match_table() -> None:
    code, out, _ = run("match", EXAMPLE)
    assert code == 0 and "NCT00605566" in out


def test_check_json() -> None:
    code, out, _ = run("check", "ANC ≥ 1,500/mm³", EXAMPLE, "--json")
    doc = json.loads(out)
    assert code == 0 and doc["met"] is True and doc["outcome"] == "pass"
    assert {"text", "kind", "met", "outcome", "reason", "evidence", "canonical"} <= set(doc)
    code, out, _ = run("check", "Known brain metastases", EXAMPLE, "--exclusion", "--json")
    assert json.loads(out)["outcome"] == "unknown"


def test_schema() -> None:
    code, out, _ = run("schema")
    assert code == 0 and "observations" in json.loads(out)["properties"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file"),
        ("{", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        (
            '{"id": "x", "observations": [{"name": "platelets", "value": 100, "unit": "mg/dL"}]}',
            "observations[0].unit: 'mg/dL' cannot be a unit of Platelets",
        ),
        ('{"id": "x", "age": "old"}', "age:"),
        (
            '{"id": "x", "as_of": "2026-01-01", "observations": [{"name": "ANC", "value": 1, "unit": "10^9/L", "date": "2027-01-01"}]}',
            "is after as_of",
        ),
    ],
)
def test_bad_patient_is_one_line_exit_2(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "p.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run("check", "ANC >= 1500/mm3", str(path))
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert str(path) in " ".join(err.split())


def test_missing_trials_path_is_exit_2() -> None:
    assert run("trials", "--trials", "/nonexistent/x")[0] == 2


def test_import_fhir_and_screen_a_bundle() -> None:
    bundles = sorted((ROOT / "tests" / "fhir" / "data").glob("*.json"))
    bundle = next(p for p in bundles if '"Bundle"' in p.read_text(encoding="utf-8"))
    code, out, _ = run("import-fhir", str(bundle), "--json")
    doc = json.loads(out)
    assert code == 0 and doc["provenance"]
    code, out, _ = run("match", str(bundle), "--json", "--all")
    assert code == 0 and json.loads(out)["matches"]


def test_index_then_reuse(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite3"
    code, out, _ = run("index", "--db", str(db), "--json")
    first = json.loads(out)
    assert code == 0 and first["compiled"] == 5 and first["reused"] == 0
    second = json.loads(run("index", "--db", str(db), "--json")[1])
    assert second["compiled"] == 0 and second["reused"] == 5


def test_no_cache_gives_the_same_match() -> None:
    cached = json.loads(run("match", EXAMPLE, "--json", "--all")[1])
    uncached = json.loads(run("--no-cache", "match", EXAMPLE, "--json", "--all")[1])
    assert cached == uncached


def test_record_warnings_are_summarised_by_kind(tmp_path: Path) -> None:
    for n in range(3):
        (tmp_path / f"NCT0000000{n}.xml").write_text(
            "<clinical_study><id_info><nct_id>NCT0000000"
            f"{n}</nct_id></id_info><brief_title>T</brief_title>"
            "<eligibility><criteria><textblock>No eligibility criteria</textblock></criteria>"
            "</eligibility></clinical_study>"
        )
    code, _, err = run("trials", "--trials", str(tmp_path))
    lines = [line for line in err.splitlines() if line.startswith("warning")]
    assert code == 0 and len(lines) == 1 and "(and 2 more like it" in lines[0]
    code, _, err = run("--verbose", "trials", "--trials", str(tmp_path))
    assert len([line for line in err.splitlines() if line.startswith("warning")]) == 3
