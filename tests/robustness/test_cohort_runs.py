"""Cohort runs lose nothing: the output is never an input, records sharing an id are two
patients, a resume never mixes trial sets or engine versions, two runs cannot interleave,
bad lines are named and the rest is screened, and the exit code says when a patient was not
read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import PATIENTS, ROOT
from trialscreen.cli import app
from trialscreen.cohort_output import CohortOutput, OutputRefused, run_header
from trialscreen.trials.load import load_trials

runner = CliRunner()
SEEDS = ROOT / "seeds"
EXAMPLE = json.loads((PATIENTS / "pt-0001-example.json").read_text(encoding="utf-8"))


def cohort(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["screen-cohort", *args])
    return result.exit_code, result.stderr


def rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def summaries(path: Path) -> list[dict[str, object]]:
    return [r for r in rows(path) if r.get("type") == "summary"]


def ndjson(path: Path, *records: object) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_out_equal_to_the_input_is_refused_and_the_input_kept(tmp_path: Path) -> None:
    src = ndjson(tmp_path / "cohort.ndjson", EXAMPLE)
    before = src.read_bytes()
    code, err = cohort(str(src), "--out", str(src))
    assert code == 2 and "is an input of this run" in err and len(err.splitlines()) == 1
    assert src.read_bytes() == before


def test_out_inside_the_patient_folder_or_a_trial_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "patients"
    folder.mkdir()
    ndjson(folder / "a.ndjson", EXAMPLE)
    code, err = cohort(str(folder), "--out", str(folder / "out.ndjson"))
    assert code == 2 and "is an input of this run" in err
    assert not (folder / "out.ndjson").exists()
    trial = tmp_path / "trial.txt"
    trial.write_bytes(next(SEEDS.glob("*.txt")).read_bytes())
    before = trial.read_bytes()
    code, err = cohort(str(folder), "--trials", str(trial), "--out", str(trial))
    assert code == 2 and "is an input of this run" in err and trial.read_bytes() == before


def test_out_naming_a_folder_is_one_line(tmp_path: Path) -> None:
    code, err = cohort(str(PATIENTS), "--out", str(tmp_path))
    assert code == 2 and err.strip() == f"error: --out {tmp_path}: is a folder; name a file"


def test_two_records_with_one_id_are_two_patients(tmp_path: Path) -> None:
    other = {**EXAMPLE, "sex": "male"}
    src = ndjson(tmp_path / "c.ndjson", EXAMPLE, other)
    out = tmp_path / "out.ndjson"
    code, err = cohort(str(src), "--out", str(out))
    assert code == 0 and "another record with this id; both screened" in err
    keys = [s["patient_key"] for s in summaries(out)]
    assert len(keys) == 2 and len(set(keys)) == 2
    assert all(str(k).startswith(EXAMPLE["id"] + "#") for k in keys)
    # and a rerun resumes both, not one of them as "already seen"
    code, err = cohort(str(src), "--out", str(out))
    assert code == 0 and "resumed: 2" in err and len(summaries(out)) == 2


def test_the_same_record_twice_is_screened_once(tmp_path: Path) -> None:
    src = ndjson(tmp_path / "c.ndjson", EXAMPLE, EXAMPLE)
    out = tmp_path / "out.ndjson"
    code, err = cohort(str(src), "--out", str(out))
    assert code == 0 and "the same record again; screened once" in err
    assert len(summaries(out)) == 1


def test_a_changed_record_is_screened_again_on_resume(tmp_path: Path) -> None:
    src = ndjson(tmp_path / "c.ndjson", EXAMPLE)
    out = tmp_path / "out.ndjson"
    cohort(str(src), "--out", str(out))
    ndjson(src, {**EXAMPLE, "sex": "male"})
    code, err = cohort(str(src), "--out", str(out))
    assert code == 0 and "screened: 1" in err and len(summaries(out)) == 2
    assert "the record changed since it was screened" in err
    # every row says which record it is for, so the two result sets can be told apart
    keys = {r["patient_key"] for r in rows(out) if r.get("type") != "run"}
    assert len(keys) == 2


def test_a_reformatted_record_is_not_screened_again(tmp_path: Path) -> None:
    folder = tmp_path / "patients"
    folder.mkdir()
    record = folder / "a.json"
    record.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    out = tmp_path / "out.ndjson"
    cohort(str(folder), "--out", str(out))
    record.write_text(json.dumps(EXAMPLE, indent=4), encoding="utf-8")
    code, err = cohort(str(folder), "--out", str(out))
    assert code == 0 and "resumed: 1" in err and len(summaries(out)) == 1


def test_two_runs_on_one_out_do_not_duplicate_rows(tmp_path: Path) -> None:
    out = tmp_path / "out.ndjson"
    cohort(str(PATIENTS), "--out", str(out))
    first = out.read_text(encoding="utf-8")
    code, err = cohort(str(PATIENTS), "--out", str(out))
    assert code == 0 and "screened: 0" in err
    assert out.read_text(encoding="utf-8") == first


def test_resume_with_another_trial_set_is_refused_and_restart_starts_over(tmp_path: Path) -> None:
    out = tmp_path / "out.ndjson"
    one = next(SEEDS.glob("*.txt"))
    cohort(str(PATIENTS), "--out", str(out))
    before = out.read_bytes()
    code, err = cohort(str(PATIENTS), "--trials", str(one), "--out", str(out))
    assert code == 2 and "another trial set" in err and "--restart" in err
    assert out.read_bytes() == before
    code, err = cohort(str(PATIENTS), "--trials", str(one), "--out", str(out), "--restart")
    assert code == 0
    header = rows(out)[0]
    assert header["type"] == "run" and header["trial_count"] == len(load_trials(one))


def test_resume_with_another_engine_or_date_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.ndjson"
    cohort(str(PATIENTS), "--out", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    out.write_text(
        "\n".join([json.dumps({**header, "engine": "0.0.1+old"}), *lines[1:]]) + "\n",
        encoding="utf-8",
    )
    code, err = cohort(str(PATIENTS), "--out", str(out))
    assert code == 2 and "another engine version" in err
    ndjson(out, header)
    code, err = cohort(str(PATIENTS), "--out", str(out), "--as-of", "2026-11-02")
    assert code == 2 and "another as_of" in err


def test_an_output_of_an_older_version_or_another_tool_is_not_mixed_into(tmp_path: Path) -> None:
    out = tmp_path / "out.ndjson"
    ndjson(out, {"type": "summary", "patient": "pt-0001"})
    code, err = cohort(str(PATIENTS), "--out", str(out))
    assert code == 2 and "without a run line" in err
    out.write_text("some notes\n", encoding="utf-8")
    code, err = cohort(str(PATIENTS), "--out", str(out))
    assert code == 2 and "not a screen-cohort output" in err
    assert out.read_text(encoding="utf-8") == "some notes\n"


def test_a_second_run_on_a_locked_out_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.ndjson"
    trials = load_trials(SEEDS)
    held = CohortOutput.open(out, run_header(trials, None), [PATIENTS])
    try:
        code, err = cohort(str(PATIENTS), "--out", str(out))
        assert code == 2 and "in use by another screen-cohort run" in err
        with pytest.raises(OutputRefused, match="in use"):
            CohortOutput.open(out, run_header(trials, None), [PATIENTS])
    finally:
        held.close()
    code, _ = cohort(str(PATIENTS), "--out", str(out))
    assert code == 0


def test_every_patient_bad_exits_2(tmp_path: Path) -> None:
    src = tmp_path / "c.ndjson"
    src.write_bytes(b'{"id": 3}\n[1, 2]\n{not json\n')
    out = tmp_path / "out.ndjson"
    code, err = cohort(str(src), "--out", str(out))
    assert code == 2 and "errors: 3" in err and "screened: 0" in err


def test_record_ndjson_bad_lines_are_named_and_the_rest_screened(tmp_path: Path) -> None:
    src = tmp_path / "c.ndjson"
    good = json.dumps(EXAMPLE).encode()
    other = json.dumps({**EXAMPLE, "id": "pt-other"}).encode()
    src.write_bytes(good + b"\n[1, 2]\n\xff\xfe not utf-8\n{broken\n" + other + b"\n")
    out = tmp_path / "out.ndjson"
    code, err = cohort(str(src), "--out", str(out))
    assert code == 2
    assert "c.ndjson:2: a patient record must be a JSON object, not list" in err
    assert "c.ndjson:3: not UTF-8 text" in err and "c.ndjson:4: not JSON" in err
    assert [s["patient"] for s in summaries(out)] == [EXAMPLE["id"], "pt-other"]


def test_fhir_bulk_bad_lines_are_warnings_and_the_patients_screened(tmp_path: Path) -> None:
    export = (ROOT / "tests" / "fhir" / "data" / "export.ndjson").read_bytes().splitlines()
    src = tmp_path / "export.ndjson"
    src.write_bytes(b"\n".join([export[0], b"{broken", b"[1]", b"\xff\xfe", *export[1:]]) + b"\n")
    out = tmp_path / "out.ndjson"
    code, err = cohort(str(src), "--out", str(out))
    assert code == 0, err
    assert "export.ndjson:2: not JSON" in err and "export.ndjson:3: not a FHIR resource" in err
    assert "export.ndjson:4: not UTF-8 text" in err
    clean = tmp_path / "clean.ndjson"
    clean.write_bytes(b"\n".join(export) + b"\n")
    ref = tmp_path / "ref.ndjson"
    cohort(str(clean), "--out", str(ref))
    assert rows(out)[1:] == rows(ref)[1:]


def test_a_json_file_of_one_record_on_many_lines_is_one_patient(tmp_path: Path) -> None:
    src = tmp_path / "one.json"
    src.write_text(json.dumps(EXAMPLE, indent=2), encoding="utf-8")
    out = tmp_path / "out.ndjson"
    code, err = cohort(str(src), "--out", str(out))
    assert code == 0, err
    assert [s["patient"] for s in summaries(out)] == [EXAMPLE["id"]]


def test_an_ndjson_whose_first_line_is_bad_still_reads_the_rest(tmp_path: Path) -> None:
    src = tmp_path / "c.ndjson"
    src.write_text("{broken\n" + json.dumps(EXAMPLE) + "\n", encoding="utf-8")
    out = tmp_path / "out.ndjson"
    code, err = cohort(str(src), "--out", str(out))
    assert code == 2 and "c.ndjson:1: not JSON" in err
    assert [s["patient"] for s in summaries(out)] == [EXAMPLE["id"]]
