"""A patient who has died is not screened (no trial is listed as open to them), on every path;
as of a day before death they screen as anyone else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import SEEDS
from trialscreen import api
from trialscreen.cli import app
from trialscreen.records import PatientError, check_record
from trialscreen.trials.load import load_trials

runner = CliRunner()


def _record(**extra: Any) -> dict[str, Any]:
    base = {"id": "pt-d", "birth_date": "1960-01-01", "sex": "female", "as_of": "2026-06-01"}
    return {**base, **extra}


def _write(tmp_path: Path, record: dict[str, Any], name: str = "p.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def test_screen_and_match_refuse_a_patient_who_died_with_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path, _record(death_date="2026-05-01"))
    for command in ("screen", "match", "check"):
        args = [command, str(path)] if command != "check" else [command, "ECOG <= 2", str(path)]
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (command, result.stdout)
        assert "died on 2026-05-01" in result.stderr and "Traceback" not in result.stderr
        assert result.stdout == ""


def test_as_of_before_death_screens(tmp_path: Path) -> None:
    path = _write(tmp_path, _record(death_date="2026-05-01"))
    result = runner.invoke(app, ["screen", str(path), "--as-of", "2026-04-30", "--json"])
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["trials"]) == len(load_trials(SEEDS))


def test_deceased_without_a_date_is_never_screened(tmp_path: Path) -> None:
    path = _write(tmp_path, _record(deceased=True))
    result = runner.invoke(app, ["match", str(path), "--as-of", "1990-01-01"])
    assert result.exit_code == 2 and "recorded as deceased" in result.stderr


def test_the_api_refuses_too() -> None:
    patient = check_record(_record(death_date="2026-01-01")).accepted()
    trials = load_trials(SEEDS)
    with pytest.raises(PatientError, match="not screened"):
        api.screen(patient, trials)
    with pytest.raises(PatientError, match="not screened"):
        api.match(patient, trials)


def test_a_cohort_keeps_a_row_saying_so_and_screens_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "cohort"
    folder.mkdir()
    _write(folder, _record(id="dead-1", death_date="2026-02-02"), "a.json")
    _write(folder, _record(id="alive-1"), "b.json")
    out = tmp_path / "out.ndjson"
    result = runner.invoke(app, ["screen-cohort", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    dead = [r for r in rows if r["patient"] == "dead-1"]
    assert len(dead) == 1 and dead[0]["type"] == "summary" and dead[0]["trials"] == 0
    assert "died on 2026-02-02" in dead[0]["not_screened"]
    alive = [r for r in rows if r["patient"] == "alive-1" and "trial_id" in r]
    assert len(alive) == len(load_trials(SEEDS))


def test_impossible_death_fields_are_errors() -> None:
    check = check_record(_record(deceased=False, death_date="2026-01-01"))
    assert any("deceased" in e and "false, with death_date" in e for e in check.errors)
    check = check_record(_record(birth_date="1970-01-01", death_date="1960-01-01"))
    assert any("death_date" in e and "before birth_date" in e for e in check.errors)


def test_import_fhir_still_shows_the_record(tmp_path: Path) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Patient",
                    "id": "x1",
                    "gender": "female",
                    "birthDate": "1950-02-03",
                    "deceasedDateTime": "2020-03-04T10:00:00Z",
                }
            }
        ],
    }
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    result = runner.invoke(app, ["import-fhir", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)["patient"]
    assert (doc["deceased"], doc["death_date"]) == (True, "2020-03-04")
    refused = runner.invoke(app, ["screen", str(path)])
    assert refused.exit_code == 2 and "died on 2020-03-04" in refused.stderr


def test_a_year_alone_is_no_death_date_and_evaluate_refuses_too() -> None:
    check = check_record(_record(death_date="2026"))
    assert any("'2026' is not a day" in e for e in check.errors)
    patient = check_record(_record(death_date="2026-01-01")).accepted()
    with pytest.raises(PatientError, match="not screened"):
        api.evaluate("ECOG <= 2", patient)
