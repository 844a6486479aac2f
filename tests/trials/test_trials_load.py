"""Loading: bad files, directories, duplicates, the default seeds, XML safety."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import trialscreen
from conftest import SEEDS
from trialscreen.trials import load_records, load_trials
from trialscreen.trials.ctgov_xml import ENTITIES_REFUSED
from trialscreen.trials.load import default_trials_path


def write_study(path: Path, nct: str = "NCT00000001") -> Path:
    """A minimal study with one criterion (so it loads without warnings)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    protocol = {
        "identificationModule": {"nctId": nct},
        "eligibilityModule": {"eligibilityCriteria": "Inclusion Criteria:\n\n* Adult"},
    }
    path.write_text(json.dumps({"protocolSection": protocol}))
    return path


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t", "empty file"),
        (b'{"protocolSection": {"identificationModule": {"nctId": "NCT0', "malformed JSON: "),
        (b"\xff\xfe{}", "not UTF-8 (byte 0xff at offset 0)"),
        (b'{"study": 1}', "JSON is not a ClinicalTrials.gov study"),
        (b"42", "JSON of the wrong shape"),
        (b"[1]", "[0]: not a ClinicalTrials.gov study (no protocolSection object)"),
        (b"<clinical_study><id_info>", "malformed XML: "),
        (b'{"protocolSection": {}}', "study has no protocolSection.identificationModule.nctId"),
        (b"[" * 100_000, "JSON nested too deeply"),
    ],
    ids=[
        "empty",
        "blank",
        "truncated-json",
        "not-utf8",
        "json-shape",
        "json-number",
        "json-list-of-numbers",
        "truncated-xml",
        "no-nct-id",
        "deep-json",
    ],
)
def test_bad_files_are_reported_not_raised(tmp_path: Path, content: bytes, reason: str) -> None:
    bad = tmp_path / "a_bad.json"
    bad.write_bytes(content)
    good = write_study(tmp_path / "b_good.json")
    report = load_records(tmp_path)
    assert [t.source for t in report.trials] == [str(good)]
    messages = report.errors + report.warnings
    assert len(messages) == 1
    assert messages[0].startswith(f"{bad}") and reason in messages[0]
    assert "\n" not in messages[0]


def test_unknown_kind_is_skipped_with_a_warning(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\nNothing about trials here.\n")
    report = load_records(notes)
    assert (report.trials, report.errors) == ([], [])
    assert report.warnings == [
        f"{notes}: skipped: not JSON, ClinicalTrials.gov XML or a trial page"
    ]


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    report = load_records(tmp_path / "nowhere")
    assert report.errors == [f"{tmp_path / 'nowhere'}: no such file or directory"]


def test_format_is_read_from_content_not_extension(tmp_path: Path) -> None:
    write_study(tmp_path / "study.txt")
    assert [t.format for t in load_trials(tmp_path)] == ["ctgov_json"]


def test_directories_are_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    write_study(tmp_path / "b" / "z.json", "NCT00000003")
    write_study(tmp_path / "b" / "a.json", "NCT00000002")
    write_study(tmp_path / "a.json", "NCT00000001")
    write_study(tmp_path / ".hidden" / "h.json", "NCT00000009")
    write_study(tmp_path / "b" / ".h.json", "NCT00000008")
    assert [t.id for t in load_trials(tmp_path)] == ["NCT00000001", "NCT00000002", "NCT00000003"]


def test_duplicate_ids_are_kept_and_warned(tmp_path: Path) -> None:
    first = write_study(tmp_path / "a.json")
    second = write_study(tmp_path / "b.json")
    report = load_records(tmp_path)
    assert [t.id for t in report.trials] == ["NCT00000001", "NCT00000001"]
    assert f"{second}: duplicate trial id NCT00000001 (also in {first})" in report.warnings


def test_default_path_is_the_seeds() -> None:
    packaged = Path(trialscreen.__file__).parent / "seeds"
    assert default_trials_path() == (packaged if packaged.is_dir() else SEEDS)
    assert [t.id for t in load_trials()] == [t.id for t in load_trials(SEEDS)]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE clinical_study [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info>
<brief_title>&lol4;</brief_title></clinical_study>
"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE clinical_study [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info>
<brief_title>&secret;</brief_title></clinical_study>
"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL], ids=["billion-laughs", "external"])
def test_xml_entities_are_refused(tmp_path: Path, document: str) -> None:
    path = tmp_path / "evil.xml"
    path.write_text(document)
    report = load_records(path)
    assert report.trials == []
    assert report.errors == [f"{path}: {ENTITIES_REFUSED}"]


def test_xml_with_a_plain_doctype_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "s.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE clinical_study>\n'
        "<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info></clinical_study>"
    )
    assert [t.id for t in load_trials(path)] == ["NCT00000001"]


def test_undeclared_entity_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "s.xml"
    path.write_text("<clinical_study><brief_title>&lol;</brief_title></clinical_study>")
    report = load_records(path)
    assert report.errors[0].startswith(f"{path}: malformed XML: undefined entity")


def _xml_study(nct: str) -> str:
    return (
        f"<clinical_study><id_info><nct_id>{nct}</nct_id></id_info>"
        f"<brief_title>Study {nct}</brief_title><eligibility><criteria><textblock>"
        "Inclusion Criteria:\n\n  - Adult\n</textblock></criteria></eligibility></clinical_study>"
    )


def test_the_registry_archive_is_read_from_the_zip(tmp_path: Path) -> None:
    """The ClinicalTrials.gov full archive layout (folders of XML in one zip) and API JSON
    inside it, read without unpacking; a bad member is an error naming it, the rest load."""
    import zipfile

    archive = tmp_path / "AllPublicXML.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("NCT0000xxxx/NCT00000102.xml", _xml_study("NCT00000102"))
        zf.writestr("NCT0000xxxx/NCT00000104.xml", _xml_study("NCT00000104"))
        zf.writestr("NCT0000xxxx/", "")
        zf.writestr("__MACOSX/.hidden.xml", "junk")
        zf.writestr(
            "v2/NCT00000105.json", write_study(tmp_path / "s.json", "NCT00000105").read_text()
        )
        zf.writestr("NCT0000xxxx/NCT00000106.xml", "<clinical_study><id_info>")
    report = load_records(archive)
    assert [t.id for t in report.trials] == ["NCT00000102", "NCT00000104", "NCT00000105"]
    assert report.trials[0].bullets[0].text == "Adult"
    assert (
        len(report.errors) == 1
        and "AllPublicXML.zip!NCT0000xxxx/NCT00000106.xml" in report.errors[0]
    )
    bad = tmp_path / "broken.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert "not a readable zip archive" in load_records(bad).errors[0]


def test_ndjson_one_bad_line_is_a_warning(tmp_path: Path) -> None:
    good = write_study(tmp_path / "a.json", "NCT00000001").read_text()
    other = write_study(tmp_path / "b.json", "NCT00000002").read_text()
    path = tmp_path / "studies.ndjson"
    path.write_bytes(
        good.encode() + b"\n{not json\n" + b"[1, 2]\n\xff\xfe\n\n" + other.encode() + b"\n"
    )
    report = load_records(path)
    assert [t.id for t in report.trials] == ["NCT00000001", "NCT00000002"]
    assert not report.errors
    lines = sorted(w.split(": line ")[1].split(":")[0] for w in report.warnings if ": line " in w)
    assert lines == ["2", "4"]
    assert any("studies.ndjson:3" in w and "skipped" in w for w in report.warnings)
