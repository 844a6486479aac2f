"""Load trial records from files and directories, whatever their format.

The format is read from the content: JSON (a study with `protocolSection`, a list of them, or an
API page `{"studies": [...]}`), XML with root `clinical_study`, or a plain-text trial page (a
`.txt` file, or text with "Ages Eligible for Study" / "Inclusion Criteria" lines). Directories
are read recursively in sorted order, skipping hidden entries. A file of another kind is
skipped with a warning; a malformed file is an error; neither stops the others from loading.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import trialscreen
from trialscreen import files
from trialscreen.messages import one_line
from trialscreen.model.trial import Trial
from trialscreen.trials.catalogue import Catalogue
from trialscreen.trials.ctgov_json import read_json
from trialscreen.trials.ctgov_xml import ROOT, parse_xml, read_xml
from trialscreen.trials.report import LoadReport
from trialscreen.trials.seed_page import looks_like_page, read_page

__all__ = ["LoadReport", "default_trials_path", "load_records", "load_trials", "read_file"]


def default_trials_path() -> Path:
    """The project's seeds: the copy packaged in the wheel, else the checkout's seeds/."""
    packaged = Path(trialscreen.__file__).parent / "seeds"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[3] / "seeds"


def load_trials(*paths: str | Path) -> list[Trial]:
    """The trials in the given files and directories (the default seeds when none are given)."""
    return load_records(*paths).trials


def load_records(
    *paths: str | Path, catalogue: Catalogue | None = None, trial_id: str | None = None
) -> LoadReport:
    """Trials, warnings and errors for files and directories (default: the seeds); with a
    catalogue, files unchanged since it last read them are not read again, and with a trial
    id only the files that may hold it are (its trials and their messages only)."""
    report = LoadReport()
    files = list(_files(paths or (default_trials_path(),), report))
    if catalogue is None:
        readings: Iterable[LoadReport] = map(read_file, files)
    elif trial_id is not None:
        readings = catalogue.holding(files, trial_id, read_file)
    else:
        readings = catalogue.reports(files, read_file)
    for reading in readings:
        report.extend(reading)
    _warn_duplicates(report)
    report.warnings[:] = [one_line(m) for m in report.warnings]
    report.errors[:] = [one_line(m) for m in report.errors]
    return report


def read_file(path: Path) -> LoadReport:
    """The trials of one file, with a warning or an error instead of an exception. A `.zip`
    (the ClinicalTrials.gov archive: folders of XML, or API JSON) is read member by member
    without unpacking; `.ndjson` / `.jsonl` holds one API v2 study per line."""
    report = LoadReport()
    try:
        if path.suffix.lower() == ".zip":
            files.check_regular(path)
            return _read_zip(path)
        data = files.read_bytes(path, files.TRIAL_FILE_LIMIT)
    except files.FileRefused as refused:
        report.errors.append(str(refused))
        return report
    if path.suffix.lower() in _LINES:
        return _read_lines(data, path)
    return read_bytes(data, path)


_LINES = (".ndjson", ".jsonl")
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # a zip member larger than this is refused, not inflated


def _read_zip(path: Path) -> LoadReport:
    """Each file in the archive, in name order, as if it were a file of its own (named
    `archive.zip!folder/NCT01234567.xml` in messages); folders and hidden names skipped."""
    report = LoadReport()
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as failure:
        report.errors.append(f"{path}: not a readable zip archive ({failure})")
        return report
    with archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            name = info.filename
            if info.is_dir() or any(part.startswith(".") for part in name.split("/")):
                continue
            where = Path(f"{path}!{name}")
            if info.file_size > MAX_MEMBER_BYTES:
                report.errors.append(f"{where}: larger than {MAX_MEMBER_BYTES} bytes; not read")
                continue
            try:
                data = archive.read(info)
            except (OSError, zipfile.BadZipFile, RuntimeError) as failure:
                report.errors.append(f"{where}: cannot read: {failure}")
                continue
            reading = _read_lines(data, where) if where.suffix.lower() in _LINES else None
            report.extend(reading or read_bytes(data, where))
    return report


def _read_lines(data: bytes, path: Path) -> LoadReport:
    """One JSON study per line; a line that is not one is a warning naming it, and the
    other lines are read."""
    report = LoadReport()
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            study = json.loads(line.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError) as failure:
            report.warnings.append(f"{path}: line {number}: not a JSON study ({failure}); skipped")
            continue
        reading = read_json(study, f"{path}:{number}")
        report.trials.extend(reading.trials)
        report.warnings.extend(reading.warnings)
        report.warnings.extend(f"{e}; skipped" for e in reading.errors)
    return report


def read_bytes(data: bytes, path: Path) -> LoadReport:
    """The trials in a file's bytes (`path` names it in messages and chooses by suffix)."""
    report = LoadReport()
    if not data.strip():
        report.errors.append(f"{path}: empty file")
        return report
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as failure:
        report.errors.append(
            f"{path}: not UTF-8 (byte {data[failure.start]:#04x} at offset {failure.start})"
        )
        return report
    head = text.lstrip()[:1]
    if head in ("{", "["):
        return _read_json_text(text, path)
    if head == "<":
        return _read_xml_text(text, path)
    if path.suffix.lower() == ".txt" or looks_like_page(text):
        return read_page(text, path)
    if _json_scalar(text):
        report.errors.append(f"{path}: JSON of the wrong shape: not a ClinicalTrials.gov study")
        return report
    report.warnings.append(f"{path}: skipped: not JSON, ClinicalTrials.gov XML or a trial page")
    return report


def _json_scalar(text: str) -> bool:
    """Is the text a lone JSON number, string, true, false or null?"""
    if len(text) > 10_000:
        return False
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _read_json_text(text: str, path: Path) -> LoadReport:
    """A JSON file; a page that merely starts with a bracket is read as a page."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as failure:
        if path.suffix.lower() == ".txt":
            return read_page(text, path)
        report = LoadReport()
        reason = (
            f"malformed JSON: {failure}"
            if isinstance(failure, ValueError)
            else "JSON nested too deeply"
        )
        report.errors.append(f"{path}: {reason}")
        return report
    return read_json(data, str(path))


def _read_xml_text(text: str, path: Path) -> LoadReport:
    """An XML file: a `clinical_study` document, or a warning for other XML."""
    root = parse_xml(text)
    report = LoadReport()
    if isinstance(root, str):
        report.errors.append(f"{path}: {root}")
    elif root.tag != ROOT:
        report.warnings.append(f"{path}: skipped: XML root <{root.tag}> is not <{ROOT}>")
    else:
        report = read_xml(root, str(path))
    return report


def _files(paths: tuple[str | Path, ...], report: LoadReport) -> Iterator[Path]:
    """Files named, and files under directories named, in a deterministic order."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path)
        elif path.exists():
            yield path
        else:
            report.errors.append(f"{path}: no such file or directory")


def _walk(root: Path) -> Iterator[Path]:
    """Files under a directory, sorted, skipping hidden files and directories."""
    for folder, directories, names in os.walk(root):
        directories[:] = sorted(name for name in directories if not name.startswith("."))
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(folder, name)


def _warn_duplicates(report: LoadReport) -> None:
    """Keep trials that share an id, but say so."""
    first: dict[str, str] = {}
    for trial in report.trials:
        if trial.id in first:
            report.warnings.append(
                f"{trial.source}: duplicate trial id {trial.id} (also in {first[trial.id]})"
            )
        else:
            first[trial.id] = trial.source
