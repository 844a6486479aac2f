"""Bad trial files: each gets one clear line naming the file; the other files still load.

`load_records` never raises: a file that cannot be used is an error (or, for a file of an
unknown kind, a warning), and a record that loads with a problem carries a warning. Through
the command line, the whole run fails (exit 2) only when no trial could be read.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trialscreen.cli import app
from trialscreen.language.compiler import MAX_BULLET_CHARS, compile_criterion
from trialscreen.trials.ctgov_json import SHAPE_ERROR
from trialscreen.trials.ctgov_xml import ENTITIES_REFUSED
from trialscreen.trials.load import LoadReport, load_records
from trialscreen.trials.text import span_problems

runner = CliRunner()
GOOD_ID = "NCT00000001"


def study(
    nct: str = GOOD_ID, criteria: str = "Inclusion Criteria:\n\n* Adult", **ident: str
) -> dict:
    """A minimal ClinicalTrials.gov API v2 study."""
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct, **ident},
            "eligibilityModule": {"eligibilityCriteria": criteria},
        }
    }


def write_study(path: Path, nct: str = GOOD_ID, **fields: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(study(nct, **fields)), encoding="utf-8")
    return path


def messages(report: LoadReport) -> list[str]:
    return report.errors + report.warnings


def assert_one_line(message: str) -> None:
    assert message and "\n" not in message and "\r" not in message, repr(message)
    assert "Traceback" not in message


# ---- single bad files, each beside a good one ---------------------------------------------

LATIN1 = '{"protocolSection": {"identificationModule": {"nctId": "NCT1", "briefTitle": "Étude"}}}'
BINARY = random.Random(20260101).randbytes(4096) + b"\x00" * 64

BAD_FILES: list[tuple[str, bytes, str, str]] = [
    # id, content, where the message goes, what it says
    ("empty", b"", "error", "empty file"),
    ("whitespace-only", b" \n\t\r\n", "error", "empty file"),
    (
        "latin-1",
        LATIN1.encode("latin-1"),
        "error",
        f"not UTF-8 (byte 0xc9 at offset {LATIN1.index('É')})",
    ),
    ("binary", BINARY, "error", "not UTF-8 (byte "),
    ("nul-bytes", b"\x00" * 512, "either", "skipped"),
    ("utf-16", json.dumps(study()).encode("utf-16"), "error", "not UTF-8 (byte 0xff at offset 0)"),
    ("truncated-json", json.dumps(study()).encode()[:40], "error", "malformed JSON: "),
    ("truncated-json-position", b'{"studies": [{"protocolSection": ', "error", "line 1 column 34"),
    ("json-trailing-garbage", json.dumps(study()).encode() + b"}}", "error", "malformed JSON: "),
    ("json-number", b"5", "either", ""),
    ("json-null", b"null", "either", ""),
    ("json-string", b'"NCT00000002"', "either", ""),
    ("json-studies-number", b'{"studies": 5}', "error", SHAPE_ERROR),
    ("json-studies-string", b'{"studies": "all of them"}', "error", SHAPE_ERROR),
    ("json-protocol-number", b'{"protocolSection": 5}', "error", "no protocolSection object"),
    (
        "json-nctid-number",
        b'{"protocolSection": {"identificationModule": {"nctId": 5}}}',
        "error",
        "has no protocolSection.identificationModule.nctId",
    ),
    ("deep-lists", b"[" * 100_000 + b"]" * 100_000, "error", "JSON nested too deeply"),
    (
        "deep-objects",
        b'{"a": ' * 100_000 + b"1" + b"}" * 100_000,
        "error",
        "JSON nested too deeply",
    ),
    ("deep-unclosed", b'{"studies": ' + b"[" * 100_000, "error", "JSON nested too deeply"),
    (
        "truncated-xml",
        b"<clinical_study><id_info><nct_id>NCT1</nct_id>",
        "error",
        "malformed XML: ",
    ),
    ("xml-other-root", b"<html><body>hello</body></html>", "warning", "skipped: XML root <html>"),
    (
        "xml-no-id",
        b"<clinical_study><brief_title>x</brief_title></clinical_study>",
        "error",
        "no id_info/nct_id",
    ),
]


@pytest.mark.parametrize(
    ("content", "channel", "reason"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_file_gets_one_line_and_the_good_file_loads(
    tmp_path: Path, content: bytes, channel: str, reason: str
) -> None:
    bad = tmp_path / "a_bad.json"
    bad.write_bytes(content)
    good = write_study(tmp_path / "b_good.json")
    started = time.perf_counter()
    report = load_records(tmp_path)
    assert time.perf_counter() - started < 10
    assert [t.source for t in report.trials] == [str(good)]
    assert len(messages(report)) == 1, messages(report)
    message = messages(report)[0]
    assert_one_line(message)
    assert message.startswith(f"{bad}: ") and reason in message
    if channel == "error":
        assert report.errors == [message]
    elif channel == "warning":
        assert report.warnings == [message]


def test_list_of_numbers_names_each_item(tmp_path: Path) -> None:
    bad = tmp_path / "numbers.json"
    bad.write_bytes(b"[1, 2, 3]")
    report = load_records(bad)
    assert report.trials == [] and report.warnings == []
    assert report.errors == [
        f"{bad}[{i}]: not a ClinicalTrials.gov study (no protocolSection object)" for i in range(3)
    ]


def test_one_bad_study_in_a_page_skips_only_that_study(tmp_path: Path) -> None:
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"studies": [study("NCT00000001"), 7, study("NCT00000003")]}))
    report = load_records(page)
    assert [t.id for t in report.trials] == ["NCT00000001", "NCT00000003"]
    assert report.errors == [
        f"{page}[1]: not a ClinicalTrials.gov study (no protocolSection object)"
    ]


# ---- XML entities: refused, never expanded or fetched, and fast ---------------------------


def _xml(doctype: str, title: str) -> str:
    return (
        f'<?xml version="1.0"?>\n{doctype}\n<clinical_study><id_info><nct_id>{GOOD_ID}</nct_id>'
        f"</id_info><brief_title>{title}</brief_title></clinical_study>\n"
    )


def _laughs(levels: int) -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, levels)
    ]
    return _xml(f"<!DOCTYPE clinical_study [{''.join(entities)}]>", f"&lol{levels - 1};")


def _secret(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    return secret


XML_ATTACKS = {
    "xxe-etc-passwd": lambda tmp: _xml(
        '<!DOCTYPE clinical_study [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"
    ),
    "xxe-local-file": lambda tmp: _xml(
        f'<!DOCTYPE clinical_study [<!ENTITY x SYSTEM "{_secret(tmp).as_uri()}">]>', "&x;"
    ),
    "xxe-parameter-entity": lambda tmp: _xml(
        f'<!DOCTYPE clinical_study [<!ENTITY % x SYSTEM "{_secret(tmp).as_uri()}"> %x;]>', "t"
    ),
    "billion-laughs": lambda tmp: _laughs(10),
    "billion-laughs-deep": lambda tmp: _laughs(30),
    "quadratic-blowup": lambda tmp: _xml(
        f'<!DOCTYPE clinical_study [<!ENTITY a "{"a" * 50_000}">]>', "&a;" * 50_000
    ),
}


@pytest.mark.parametrize("attack", list(XML_ATTACKS), ids=list(XML_ATTACKS))
def test_xml_entities_are_refused_fast(tmp_path: Path, attack: str) -> None:
    path = tmp_path / "evil.xml"
    path.write_text(XML_ATTACKS[attack](tmp_path), encoding="utf-8")
    started = time.perf_counter()
    report = load_records(path)
    assert time.perf_counter() - started < 2
    assert report.trials == [] and report.warnings == []
    assert report.errors == [f"{path}: {ENTITIES_REFUSED}"]


@pytest.mark.parametrize("uri", ["file:///etc/passwd", "SECRET"], ids=["etc-passwd", "local-file"])
def test_external_dtd_is_not_fetched(tmp_path: Path, uri: str) -> None:
    uri = _secret(tmp_path).as_uri() if uri == "SECRET" else uri
    path = tmp_path / "evil.xml"
    path.write_text(_xml(f'<!DOCTYPE clinical_study SYSTEM "{uri}">', "t"), encoding="utf-8")
    report = load_records(path)
    everything = " ".join(messages(report) + [t.model_dump_json() for t in report.trials])
    assert "TOP-SECRET" not in everything and "root:" not in everything
    for message in messages(report):
        assert_one_line(message)


# ---- big and deep inputs -------------------------------------------------------------------

BULLET = "* Absolute neutrophil count \\>= 1,500/mm\\^3 and platelets \\>= 100,000/mm\\^3\n"


def test_ten_megabytes_of_criteria_load_and_lose_nothing(tmp_path: Path) -> None:
    count = 10_000_000 // len(BULLET) + 1
    text = "Inclusion Criteria:\n\n" + BULLET * count
    path = write_study(tmp_path / "big.json", criteria=text)
    started = time.perf_counter()
    report = load_records(path)
    assert time.perf_counter() - started < 30
    assert report.errors == [] and report.warnings == []
    (trial,) = report.trials
    assert len(trial.criteria_text) > 10_000_000
    assert len(trial.bullets) == count
    assert {b.kind for b in trial.bullets} == {"inclusion"}
    spans = [b.span for b in trial.bullets] + [h.span for h in trial.headings]
    assert span_problems(trial.criteria_text, spans) == []


def test_ten_megabytes_on_one_line_load_and_lose_nothing(tmp_path: Path) -> None:
    text = "Inclusion Criteria: " + "ANC >= 1500/mm3 and " * 500_000
    path = write_study(tmp_path / "line.json", criteria=text)
    started = time.perf_counter()
    report = load_records(path)
    assert time.perf_counter() - started < 30
    (trial,) = report.trials
    spans = [b.span for b in trial.bullets] + [h.span for h in trial.headings]
    assert trial.bullets and span_problems(trial.criteria_text, spans) == []


def test_hundred_thousand_character_bullet_compiles_partial_and_truncated() -> None:
    text = ("Absolute neutrophil count >= 1,500/mm3 and " * 2_400)[:100_000]
    assert len(text) == 100_000 > MAX_BULLET_CHARS
    started = time.perf_counter()
    compiled = compile_criterion(text, "inclusion")
    assert time.perf_counter() - started < 30
    assert compiled.status == "partial"
    assert "truncated" in compiled.flags
    assert compiled.text == text


def test_hundred_thousand_character_bullet_in_a_trial(tmp_path: Path) -> None:
    bullet = ("Platelets >= 100,000/mm3 or " * 4_000)[:100_000]
    path = write_study(tmp_path / "long.json", criteria=f"Inclusion Criteria:\n\n* {bullet}\n")
    (trial,) = load_records(path).trials
    (only,) = trial.bullets
    assert only.text == bullet.strip()
    compiled = compile_criterion(only.text, only.kind)
    assert compiled.status == "partial" and "truncated" in compiled.flags


# ---- duplicates: both kept, with a warning -------------------------------------------------


def test_same_id_in_two_files_keeps_both_and_warns(tmp_path: Path) -> None:
    first = write_study(tmp_path / "a.json", title="")
    second = write_study(tmp_path / "b.json")
    report = load_records(tmp_path)
    assert [t.source for t in report.trials] == [str(first), str(second)]
    assert report.errors == []
    assert report.warnings == [f"{second}: duplicate trial id {GOOD_ID} (also in {first})"]


def test_same_id_twice_in_one_page_keeps_both_and_warns(tmp_path: Path) -> None:
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"studies": [study(), study()]}))
    report = load_records(page)
    assert [t.source for t in report.trials] == [f"{page}[0]", f"{page}[1]"]
    assert report.warnings == [f"{page}[1]: duplicate trial id {GOOD_ID} (also in {page}[0])"]


def test_record_fields_with_line_breaks_still_give_one_line_messages(tmp_path: Path) -> None:
    """An id or a value with a newline in it must not split a warning over two lines."""
    for name in ("a.json", "b.json"):
        path = tmp_path / name
        data = study("NCT0000\n0001")
        data["protocolSection"]["eligibilityModule"]["sex"] = "F\nM"
        path.write_text(json.dumps(data))
    report = load_records(tmp_path)
    assert len(report.trials) == 2
    assert len(report.warnings) == 3, report.warnings  # two sex warnings, one duplicate id
    for message in messages(report):
        assert_one_line(message)


# ---- the command line ----------------------------------------------------------------------


def run_trials(path: Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["trials", "--trials", str(path), "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr


def test_cli_one_good_one_bad_file_lists_the_good_and_names_the_bad(tmp_path: Path) -> None:
    good = write_study(tmp_path / "a_good.json")
    bad = tmp_path / "b_bad.json"
    bad.write_bytes(b'{"protocolSection": {"identificationModule": ')
    code, out, err = run_trials(tmp_path)
    assert code == 0
    doc = json.loads(out)
    assert [row["id"] for row in doc["trials"]] == [GOOD_ID]
    assert [row["source"] for row in doc["trials"]] == [str(good)]
    assert doc["totals"]["errors"] == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}: malformed JSON"), err
    assert "Traceback" not in err


def test_cli_folder_of_only_bad_files_exits_2(tmp_path: Path) -> None:
    bad = {
        "a.json": b"",
        "b.json": BINARY,
        "c.json": b'{"studies": ',
        "d.json": b'{"studies": 5}',
        "e.xml": _laughs(10).encode(),
        "f.json": b"[" * 100_000,
    }
    for name, content in bad.items():
        (tmp_path / name).write_bytes(content)
    code, out, err = run_trials(tmp_path)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert "Traceback" not in err
    for name in bad:
        assert sum(line.startswith(f"error: {tmp_path / name}: ") for line in lines) == 1, err
    assert len(lines) == len(bad) + 1 and "no trial could be read" in lines[-1]


def test_cli_folder_where_nothing_is_a_trial_exits_2(tmp_path: Path) -> None:
    """Only files of no known kind: no trial could be read, so the run cannot have worked."""
    (tmp_path / "a.json").write_bytes(b"5")
    (tmp_path / "b.bin").write_bytes(b"\x00" * 512)
    (tmp_path / "c.md").write_text("# notes\n")
    code, out, err = run_trials(tmp_path)
    assert code == 2, (code, out[:200])
    assert out == ""
    assert "no trial could be read" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "parts", [("[bold]bad.json",), ("[", "]bad.json")], ids=["tag", "closing-tag"]
)
def test_cli_prints_file_names_verbatim(tmp_path: Path, parts: tuple[str, ...]) -> None:
    """A path that looks like console markup ("[bold]", "[/]") is printed as it is."""
    write_study(tmp_path / "good.json")
    bad = tmp_path.joinpath(*parts)
    bad.parent.mkdir(exist_ok=True)
    bad.write_bytes(b"")
    code, _, err = run_trials(tmp_path)
    assert code == 0
    assert err.strip() == f"error: {bad}: empty file"


def test_cli_survives_markup_in_record_values(tmp_path: Path) -> None:
    """Values echoed in warnings ("sex '[/]' not understood") are text, not console markup."""
    data = study()
    data["protocolSection"]["eligibilityModule"]["sex"] = "[/]"
    (tmp_path / "a.json").write_text(json.dumps(data))
    code, out, err = run_trials(tmp_path)
    assert code == 0 and json.loads(out)["totals"]["trials"] == 1
    assert (
        err.strip()
        == f"warning: {tmp_path / 'a.json'}: {GOOD_ID}: sex '[/]' not understood; taken as all"
    )
