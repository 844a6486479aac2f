"""Cohort screening: folders, NDJSON and FHIR bulk input, workers, and clean resume."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from conftest import PATIENTS, ROOT
from trialscreen.cli import app

runner = CliRunner()


def cohort(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["screen-cohort", *args])
    return result.exit_code, result.stderr


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_folder_of_records_one_line_per_pair_and_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "out.ndjson"
    code, _ = cohort(str(PATIENTS), "--out", str(out))
    rows = lines(out)
    n_patients = len(list(PATIENTS.glob("*.json")))
    assert code == 0
    assert sum(1 for r in rows if r.get("type") == "summary") == n_patients
    assert sum(1 for r in rows if "trial_id" in r) == n_patients * 5


def test_two_workers_write_the_same_lines(tmp_path: Path) -> None:
    one, two = tmp_path / "1.ndjson", tmp_path / "2.ndjson"
    cohort(str(PATIENTS), "--out", str(one))
    cohort(str(PATIENTS), "--out", str(two), "--workers", "2")
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")


def test_resume_skips_written_patients_and_drops_a_half_written_tail(tmp_path: Path) -> None:
    out = tmp_path / "out.ndjson"
    cohort(str(PATIENTS), "--out", str(out))
    full = out.read_text(encoding="utf-8")
    first_summary = full.index('"type": "summary"')
    cut = full.index("\n", first_summary) + 1
    out.write_text(full[:cut] + full[cut : cut + 40], encoding="utf-8")  # crash mid-line
    code, err = cohort(str(PATIENTS), "--out", str(out))
    assert code == 0 and "resumed: 1" in err
    assert out.read_text(encoding="utf-8") == full


def test_ndjson_of_records_with_a_bad_line(tmp_path: Path) -> None:
    records = [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted(PATIENTS.glob("*.json"))[:2]
    ]
    src = tmp_path / "cohort.ndjson"
    src.write_text(
        json.dumps(records[0]) + "\n{not json\n" + json.dumps(records[1]) + "\n", encoding="utf-8"
    )
    out = tmp_path / "out.ndjson"
    code, err = cohort(str(src), "--out", str(out))
    # the bad line is an error naming it (exit 2: a patient could not be read); the rest screened
    assert code == 2 and "cohort.ndjson:2" in err and "errors: 1" in err
    assert {r["patient"] for r in lines(out) if r.get("type") == "summary"} == {
        records[0]["id"],
        records[1]["id"],
    }


def test_fhir_bulk_ndjson(tmp_path: Path) -> None:
    export = ROOT / "tests" / "fhir" / "data" / "export.ndjson"
    out = tmp_path / "out.ndjson"
    code, _ = cohort(str(export), "--out", str(out))
    assert code == 0
    assert [r for r in lines(out) if r.get("type") == "summary"]
