"""The `trialscreen` command line. Exit 0 when a run worked (whatever the verdicts), 2 for bad
usage or input that cannot be read at all. `--json` prints one JSON document on stdout."""

from __future__ import annotations

import datetime as dt
import difflib
import gc
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from trialscreen import formats, relevance, report
from trialscreen.database import STORE_ERRORS, connect
from trialscreen.facts import build_facts
from trialscreen.fastpath import TrialPlan, plans_from_store, trial_plan
from trialscreen.inputs import read_patient_input
from trialscreen.language.compiler import compile_criterion
from trialscreen.matching import DEFAULT_MIN_RELEVANCE, Filters, explain_failures, match
from trialscreen.messages import one_line
from trialscreen.model.patient import Patient
from trialscreen.model.trial import Trial
from trialscreen.records import PatientError
from trialscreen.screening import compiled_bullets, judge, not_screened, screen
from trialscreen.store import default_store_path, engine_version
from trialscreen.trials.catalogue import Catalogue, PhraseMemory
from trialscreen.trials.load import LoadReport, default_trials_path, load_records

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Screen patients against clinical-trial eligibility criteria.",
)
out = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)

TRIALS_OPT = typer.Option(
    None, "--trials", help="Trial file or folder (repeatable); default: seeds/"
)
JSON_OPT = typer.Option(False, "--json", help="Print one JSON document for programs")
AS_OF_OPT = typer.Option(None, "--as-of", help="Screening date YYYY-MM-DD (default: the record's)")


def say(label: str, style: str, message: str) -> None:
    """One line on stderr; text from the input is neither markup nor a line break."""
    err.print(f"[{style}]{label}:[/] {escape(one_line(message))}", highlight=False)


def fail(message: str) -> NoReturn:
    """One line on stderr, exit 2."""
    say("error", "bold red", message)
    raise typer.Exit(2)


def emit(doc: Any) -> None:
    """Print a JSON document (deterministic: sorted keys are not used, insertion order is)."""
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n")


_USE_STORE = {"on": True}
_VERBOSE = {"on": False}
# "<file>: <trial id>: <what>": the kind of a record warning is what follows the id
_WARNING_KIND = re.compile(r"^.*?:\s*(?:NCT\d{8}|[\w.-]+):\s*(?P<kind>.+?)(?:\s*\(.*\))?$")


def summarised(warnings: list[str], verbose: bool) -> list[str]:
    """Record warnings for people: each kind once, with how many more records it concerns
    (`--verbose`: every one). A corpus of thousands of records otherwise prints hundreds of
    identical lines ("no criteria bullets in the eligibility text")."""
    if verbose:
        return list(warnings)
    kinds: dict[str, list[str]] = {}
    for line in warnings:
        found = _WARNING_KIND.match(line)
        kind = re.sub(r"'[^']*'", "'…'", found["kind"]) if found else line
        kinds.setdefault(kind, []).append(line)
    return [
        lines[0]
        if len(lines) == 1
        else f"{lines[0]} (and {len(lines) - 1} more like it; --verbose lists them)"
        for lines in kinds.values()
    ]


def _load(
    paths: list[Path] | None,
    prime: bool = True,
    only: str | None = None,
    store: Path | None = None,
) -> tuple[list[Trial], list[str], list[str]]:
    """Trials from the paths (default: seeds), their compilations primed from the store. With
    `only` (one trial id), through the catalogue only the files that may hold it are read,
    and its trials come primed as read in place; every file when it is in none of them."""
    for path in paths or []:
        if not path.exists():
            fail(f"{path}: no such file or folder")
    gc.disable()  # loading builds many long-lived objects: collecting them now is wasted work
    try:
        with err.status("loading trials…") if err.is_terminal else nullcontext():
            loaded = _read_records(paths or [], only, store)
            if only is not None and not any(t.id.lower() == only.lower() for t in loaded.trials):
                loaded = _read_records(paths or [], store=store)  # every id, for the hint
        for line in summarised(loaded.warnings, _VERBOSE["on"]):
            say("warning", "yellow", line)
        for line in loaded.errors:
            say("error", "red", line)
        if not loaded.trials:
            fail(f"no trial could be read from {', '.join(str(p) for p in paths or [])}")
        if _USE_STORE["on"] and prime:
            if only is not None:
                _prime_read([t for t in loaded.trials if t.id.lower() == only.lower()])
            else:
                _prime_from_store(loaded.trials)
        gc.freeze()  # trials and compiled trees live for the run: keep the collector off them
    finally:
        gc.enable()
    return loaded.trials, loaded.warnings, loaded.errors


def _read_records(
    paths: list[Path], only: str | None = None, store: Path | None = None
) -> LoadReport:
    """The records at the paths; through the store's catalogue (files unchanged since the
    last run are not read again; with `only`, the files that may hold that trial) unless the
    store is off or cannot be used."""
    if not _USE_STORE["on"]:
        return load_records(*paths)
    try:
        conn = connect(store if store is not None else default_store_path())
    except STORE_ERRORS as exc:
        _store_failed(exc)
        return load_records(*paths)
    try:
        return load_records(*paths, catalogue=Catalogue(conn), trial_id=only)
    except STORE_ERRORS as exc:
        _store_failed(exc)
        return load_records(*paths)
    finally:
        conn.close()


def _store_failed(exc: BaseException) -> None:
    """The store cannot be used: one warning, and the rest of the run works in memory."""
    _USE_STORE["on"] = False
    say("warning", "yellow", f"store not used; compiling in memory ({one_line(str(exc))})")


@contextmanager
def _phrase_memory() -> Iterator[None]:
    """Registry phrases read for relevance in earlier runs come from the store, and the new
    ones go back to it (nothing when the store is off or cannot be used)."""
    if not _USE_STORE["on"]:
        yield
        return
    try:
        conn = connect(default_store_path())
        memory = PhraseMemory(conn, f"{engine_version()}+{relevance.version()}")
        relevance.remember(memory.load())
    except STORE_ERRORS as exc:
        _store_failed(exc)
        yield  # the phrases are read instead
        return
    try:
        yield
        memory.save(relevance.new_readings())
    except STORE_ERRORS:
        pass  # kept next time instead
    finally:
        conn.close()


def _prime_from_store(trials: list[Trial]) -> None:
    from trialscreen.language.compiler import prime
    from trialscreen.store import precompiled

    try:
        for compiled in precompiled(trials):
            prime(compiled)
    except STORE_ERRORS as exc:  # an unusable store: compile in memory instead
        _store_failed(exc)


def _prime_read(trials: list[Trial]) -> None:
    """The trials' bullets as read in place, from the store (for the reference evaluator)."""
    from trialscreen.screening import prime_read
    from trialscreen.store import TrialStore

    try:
        with TrialStore.open() as store:
            prime_read(trials, store.documents_for(trials))
    except STORE_ERRORS as exc:  # an unusable store: read in memory instead
        _store_failed(exc)


def _plans(trials: Sequence[Trial]) -> list[TrialPlan]:
    """Hot-path plans: from the store a batch at a time (trees dropped once planned)."""
    if _USE_STORE["on"]:
        try:
            return plans_from_store(trials)
        except STORE_ERRORS as exc:
            _store_failed(exc)
    return [trial_plan(t) for t in trials]


@app.callback()
def _options(
    no_cache: bool = typer.Option(False, "--no-cache", help="Compile everything; skip the store"),
    verbose: bool = typer.Option(
        False, "--verbose", help="Every warning about the trial records, not one per kind"
    ),
) -> None:
    """Screen patients against clinical-trial eligibility criteria."""
    _VERBOSE["on"] = verbose
    _USE_STORE["on"] = not no_cache and not os.environ.get("TRIALSCREEN_NO_CACHE")


@app.command("index")
def index_cmd(
    trials: list[Path] = TRIALS_OPT,
    db: Path = typer.Option(None, "--db", help="Store file (default: the user cache directory)"),
    as_json: bool = JSON_OPT,
) -> None:
    """Read and compile every trial once into the store (SQLite: the catalogue of records,
    compiled trees, bullets read in place); reruns reuse it. A progress bar on a terminal."""
    from trialscreen.store import TrialStore

    where = db if db is not None else default_store_path()
    try:
        with TrialStore.open(where) as store:  # a bad or read-only file: one line, exit 2
            if not store.writable:
                fail(f"{where}: read-only; index cannot write it")
    except STORE_ERRORS as exc:
        fail(_naming(where, exc))
    loaded, _, _ = _load(trials, prime=False, store=where)
    progress = _progress(
        TextColumn("compiling trials"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} trials/s"),
        TimeElapsedColumn(),
    )
    task = progress.add_task("compile", total=None, rate="-")
    started = dt.datetime.now()

    def advance(done: int, total: int) -> None:
        seconds = max((dt.datetime.now() - started).total_seconds(), 1e-6)
        progress.update(task, completed=done, total=total, rate=f"{done / seconds:.0f}")

    try:
        with progress, TrialStore.open(where) as store:
            result = store.index(loaded, advance)
            stats = store.stats()
    except STORE_ERRORS as exc:  # e.g. the disk filled up: what was written stays consistent
        fail(_naming(where, exc))
    doc = {
        "trials": len(loaded),
        "compiled": result.compiled,
        "reused": result.reused,
        "seconds": round(result.seconds, 3),
        "store": str(stats.path),
        "bytes": stats.bytes,
    }
    if as_json:
        emit(doc)
    else:
        out.print(", ".join(f"{k}: {v}" for k, v in doc.items()), highlight=False)


def _naming(where: Path, exc: BaseException) -> str:
    """One line about a store failure that names the file."""
    text = one_line(str(exc))
    return text if text.startswith(str(where)) else f"{where}: {text}"


def _progress(*columns: ProgressColumn) -> Progress:
    """A progress display on stderr, only when it is a terminal; gone when done."""
    return Progress(*columns, console=err, disable=not err.is_terminal, transient=True)


def _day(as_of: str | None) -> dt.date | None:
    if not as_of:
        return None
    try:
        return dt.date.fromisoformat(as_of)
    except ValueError:
        fail(f"--as-of: {as_of!r} is not a date (YYYY-MM-DD)")


def _patient(
    path: Path, as_of: str | None, screened: bool = True
) -> tuple[Patient, dict[str, str], list[str]]:
    """The patient of a file, its warnings said; a patient who is not screened (one who died
    before the screening date) fails here when the command screens."""
    day = _day(as_of)
    try:
        got = read_patient_input(path, day)
    except PatientError as exc:
        fail(str(exc))
    for line in got.warnings:
        say("warning", "yellow", line)
    refused = not_screened(got.patient) if screened else None
    if refused is not None:
        fail(f"{path}: {refused} (--as-of)")
    return got.patient, got.provenance, got.warnings


def _find(trials: list[Trial], trial_id: str) -> list[Trial]:
    found = [t for t in trials if t.id.lower() == trial_id.lower()]
    if not found:
        ids = sorted({t.id for t in trials})
        close = difflib.get_close_matches(trial_id.upper(), ids, n=5, cutoff=0.5)
        hint = f"closest: {', '.join(close)}" if close else f"ids: {', '.join(ids[:10])}"
        fail(f"no trial {trial_id!r} ({hint})")
    return found


@app.command("trials")
def trials_cmd(trials: list[Path] = TRIALS_OPT, as_json: bool = JSON_OPT) -> None:
    """One row per trial: id, title, format, ages, sex, bullet counts, warnings."""
    loaded, warnings, errors = _load(trials)
    rows = [report.trial_row(t) for t in loaded]
    totals = {
        "trials": len(loaded),
        "bullets": sum(len(t.bullets) for t in loaded),
        "warnings": len(warnings),
        "errors": len(errors),
    }
    if as_json:
        emit({"trials": rows, "totals": totals, "warnings": warnings, "errors": errors})
    else:
        report.print_trials(out, rows, totals)


@app.command("audit")
def audit_cmd(trial_id: str, trials: list[Path] = TRIALS_OPT, as_json: bool = JSON_OPT) -> None:
    """Each bullet of a trial: index, kind, section, parent, span, text, and its compiled parse."""
    loaded, _, _ = _load(trials, only=trial_id)
    for trial in _find(loaded, trial_id):
        compiled = compiled_bullets(trial)  # read in its place in the list
        if as_json:
            emit(report.audit_json(trial, compiled))
        else:
            report.print_audit(out, trial, compiled)


@app.command("parse")
def parse_cmd(
    text: str,
    kind: str = typer.Option("inclusion", "--kind", help="inclusion or exclusion"),
    as_json: bool = JSON_OPT,
) -> None:
    """Compile one criterion and show its predicate tree, canonical text, status and flags."""
    if kind not in ("inclusion", "exclusion"):
        fail(f"--kind: {kind!r} is not inclusion or exclusion")
    compiled = compile_criterion(text, "exclusion" if kind == "exclusion" else "inclusion")
    if as_json:
        emit(report.compiled_json(compiled))
    else:
        report.print_compiled(out, compiled)


@app.command("coverage")
def coverage_cmd(
    trials: list[Path] = TRIALS_OPT,
    as_json: bool = JSON_OPT,
    top: int = typer.Option(20, "--top", help="How many uncovered phrases to list"),
) -> None:
    """Over a trial set: bullets by status, typed numeric share, frequent uncovered phrases."""
    loaded, _, _ = _load(trials)
    doc = report.coverage(loaded, top)
    if as_json:
        emit(doc)
    else:
        report.print_coverage(out, doc)


FORMAT_OPT = typer.Option(
    "table", "--format", help="table, json, csv or html (one self-contained page)"
)
_FORMATS = ("table", "json", "csv", "html")


def _format(chosen: str, as_json: bool) -> str:
    """The output form: `--json` is `--format json`; anything else is a usage error."""
    if as_json:
        return "json"
    if chosen not in _FORMATS:
        fail(f"--format {chosen!r}: use one of {', '.join(_FORMATS)}")
    return chosen


@app.command("screen")
def screen_cmd(
    patient: Path,
    trial: list[str] = typer.Option(None, "--trial", help="Only this trial id (repeatable)"),
    trials: list[Path] = TRIALS_OPT,
    as_json: bool = JSON_OPT,
    fmt: str = FORMAT_OPT,
    as_of: str = AS_OF_OPT,
) -> None:
    """Per trial: the verdict and every criterion with outcome, reason and evidence."""
    form = _format(fmt, as_json)
    record, provenance, _ = _patient(patient, as_of)
    loaded, _, _ = _load(trials, only=trial[0] if trial and len(trial) == 1 else None)
    chosen = [t for tid in trial for t in _find(loaded, tid)] if trial else loaded
    results = screen(record, chosen)
    if form == "table":
        report.print_screen(out, record, results)
        return
    doc = {
        "patient": record.id,
        "as_of": record.as_of.isoformat(),
        "trials": [{**r.to_json(), "url": t.url} for r, t in zip(results, chosen, strict=True)],
    }
    _write(form, doc, formats.screen_csv, formats.screen_html)


def _write(form: str, doc: dict[str, Any], as_csv: Any, as_html: Any) -> None:
    if form == "json":
        emit(doc)
    else:
        sys.stdout.write(as_csv(doc) if form == "csv" else as_html(doc))


@app.command("match")
def match_cmd(
    patient: Path,
    trials: list[Path] = TRIALS_OPT,
    as_json: bool = JSON_OPT,
    fmt: str = FORMAT_OPT,
    limit: int = typer.Option(0, "--limit", help="At most N rows (0: all)"),
    show_all: bool = typer.Option(
        False, "--all", help="Also list trials not relevant and trials with no criteria"
    ),
    status: list[str] = typer.Option(
        None, "--status", help="Recruitment status, e.g. recruiting (repeatable; default: all)"
    ),
    phase: list[str] = typer.Option(None, "--phase", help="Phase, e.g. 2 or phase2 (repeatable)"),
    condition: str = typer.Option(
        None, "--condition", help="Text in the trial's conditions, MeSH terms, keywords or title"
    ),
    country: list[str] = typer.Option(None, "--country", help="A site country (repeatable)"),
    min_relevance: float = typer.Option(
        DEFAULT_MIN_RELEVANCE, "--min-relevance", help="Relevance (0-1) a relevant trial needs"
    ),
    as_of: str = AS_OF_OPT,
) -> None:
    """Trials for the patient: relevant ones first (eligible, undetermined, likely fails,
    ineligible ones last, with the criterion that failed), then, with --all, the rest."""
    form = _format(fmt, as_json)
    if not 0 <= min_relevance <= 1:
        fail(f"--min-relevance {min_relevance}: use a number from 0 to 1")
    record, _, _ = _patient(patient, as_of)
    loaded, _, _ = _load(trials, prime=False)
    facts = build_facts(record)
    if limit < 0:
        fail(f"--limit {limit}: use 0 (all) or a positive number")
    try:
        filters = Filters(
            status=tuple(status or ()),
            phase=tuple(phase or ()),
            condition=condition,
            country=tuple(country or ()),
            min_relevance=min_relevance,
        )
    except ValueError as exc:
        fail(str(exc))
    # only the trials listed are planned and screened (all of them with --all)
    with _phrase_memory():
        result = match(facts, loaded, _plans, filters, screen_all=show_all)
    rows = result.shown(show_all, limit)
    failed = [r for r in rows if r.result.verdict == "ineligible"]
    if failed and _USE_STORE["on"]:
        _prime_read([r.trial for r in failed])
    explain_failures(failed, facts)
    doc = {
        "patient": record.id,
        "as_of": record.as_of.isoformat(),
        "trials": len(loaded),
        "filtered_out": result.filtered_out,
        "counts": result.counts,
        "has_relevance": result.has_relevance,
        "listed_all": show_all,
        "collect_next": result.collect_next,
        "matches": [r.to_json() for r in rows],
    }
    if form == "table":
        report.print_match(out, record, doc)
    else:
        _write(form, doc, formats.match_csv, formats.match_html)


@app.command("check")
def check_cmd(
    text: str,
    patient: Path,
    exclusion: bool = typer.Option(False, "--exclusion", help="Read TEXT as an exclusion"),
    as_json: bool = JSON_OPT,
    as_of: str = AS_OF_OPT,
) -> None:
    """One criterion against one patient."""
    record, _, _ = _patient(patient, as_of)
    compiled = compile_criterion(text, "exclusion" if exclusion else "inclusion")
    result, outcome = judge(compiled, build_facts(record))
    doc = {
        "text": text,
        "kind": compiled.kind,
        "met": result.met,
        "outcome": outcome,
        "reason": result.reason,
        "evidence": result.evidence,
        "needs": result.needs,
        "canonical": compiled.canonical,
        "status": compiled.status,
    }
    if as_json:
        emit(doc)
    else:
        report.print_check(out, doc)


@app.command("screen-cohort")
def screen_cohort_cmd(
    patients: Path,
    trials: list[Path] = TRIALS_OPT,
    workers: int = typer.Option(1, "--workers", help="Worker processes"),
    out_path: Path = typer.Option(None, "--out", help="NDJSON output (resumable); default stdout"),
    restart: bool = typer.Option(False, "--restart", help="Start --out over instead of resuming"),
    backend: str = typer.Option("local", "--backend", help="local, or dask (extra [dask])"),
    scheduler: str = typer.Option(None, "--scheduler", help="Dask scheduler address"),
    as_of: str = AS_OF_OPT,
) -> None:
    """Many patients (folder, NDJSON of records, or FHIR bulk NDJSON) against the trials: one
    JSON line per patient x trial, then a summary line per patient. Exit 2 when any patient
    could not be read (the others are screened)."""
    from trialscreen import cohort, files
    from trialscreen.cohort_output import CohortOutput, OutputRefused, check_place, run_header

    day = _day(as_of)

    if not patients.exists():
        fail(f"{patients}: no such file or folder")
    if not patients.is_dir():
        try:
            files.check_regular(patients)
        except files.FileRefused as refused:
            fail(str(refused))
    if backend not in ("local", "dask"):
        fail(f"--backend: {backend!r} is not local or dask")
    if backend == "dask":
        try:
            import dask.distributed  # noqa: F401
        except ImportError:
            fail("--backend dask needs the extra: pip install 'trialscreen[dask]'")
    inputs = [patients, *(trials or [default_trials_path()])]
    try:
        if out_path is not None:
            check_place(out_path, inputs)  # before the trials load: fail fast, write nothing
        loaded, _, _ = _load(trials, prime=backend != "local")
        output = None
        if out_path is not None:
            output = CohortOutput.open(out_path, run_header(loaded, day), inputs, restart)
    except OutputRefused as refused:
        fail(str(refused))
    try:
        counts = _screen_cohort(
            loaded, cohort.sources(patients, day, _warn), output, workers, backend, scheduler
        )
    finally:
        if output is not None:
            output.close()
    err.print(", ".join(f"{k}: {v}" for k, v in counts.items()), highlight=False)
    if counts["errors"]:
        raise typer.Exit(2)


def emit_lines(rows: list[dict[str, Any]]) -> None:
    """Rows as NDJSON on stdout, flushed."""
    from trialscreen.cohort_output import ndjson

    sys.stdout.write(ndjson(rows))
    sys.stdout.flush()


def _warn(message: str) -> None:
    say("warning", "yellow", message)


def _screen_cohort(
    loaded: list[Trial],
    sources: Iterator[Any],
    output: Any,
    workers: int,
    backend: str,
    scheduler: str | None,
) -> dict[str, int]:
    """Screen, write each patient's rows, and count; warn about records sharing an id."""
    from trialscreen import cohort

    done: set[str] = output.done if output is not None else set()
    done_ids = {key.rsplit("#", 1)[0] for key in done}
    counts = {"screened": 0, "resumed": 0, "errors": 0}
    seen: dict[str, str] = {}  # patient key -> id, this run
    ids: set[str] = set()
    progress = _progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    task = progress.add_task("patients screened: 0")
    progress.start()
    try:
        if backend == "dask":
            from trialscreen import dask_backend

            stream = dask_backend.run(loaded, sources, done, scheduler)
        else:
            stream = cohort.run(loaded, sources, workers, done, _plans(loaded))
        for patient_id, rows, error in stream:
            if error:
                counts["errors"] += 1
                say("error", "red", error)
            elif not rows:
                counts["resumed"] += 1
            else:
                key = str(rows[-1]["patient_key"])
                if key in seen:
                    _warn(f"patient {patient_id}: the same record again; screened once")
                    continue
                if patient_id in done_ids:
                    _warn(
                        f"patient {patient_id}: the record changed since it was screened into "
                        "--out; screened again (the earlier rows stay: patient_key tells them "
                        "apart)"
                    )
                if patient_id in ids:
                    _warn(
                        f"patient {patient_id}: another record with this id; both screened "
                        f"(the summary lines tell them apart by patient_key)"
                    )
                seen[key] = str(patient_id)
                ids.add(str(patient_id))
                if output is not None:
                    output.write(rows)
                else:
                    sys.stdout.write(
                        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
                    )
                    sys.stdout.flush()
                counts["screened"] += 1
            done_so_far = counts["screened"] + counts["resumed"]
            progress.update(task, description=f"patients screened: {done_so_far}")
    finally:
        progress.stop()
    return counts


@app.command("validate")
def validate_cmd(
    records: list[Path] = typer.Argument(..., help="Patient records or FHIR bundles"),
    as_of: str = AS_OF_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Every problem in patient files at once: errors (refuse the record) and warnings (names
    that will not be read). Exit 2 when any file has an error."""
    from trialscreen.inputs import check_patient_input

    day = _day(as_of)
    checked = [(path, *check_patient_input(path, day)) for path in records]
    if as_json:
        emit(
            {
                "files": [
                    {
                        "file": str(path),
                        "format": got.format if got else None,
                        "patient": got.patient.id if got else None,
                        "errors": check.errors,
                        "warnings": check.warnings,
                    }
                    for path, got, check in checked
                ]
            }
        )
    else:
        for path, _, check in checked:
            for line in check.errors:
                say("error", "bold red", line)
            for line in check.warnings:
                say("warning", "yellow", line)
            verdict = "refused" if check.errors else "ok"
            counts = f"{len(check.errors)} errors, {len(check.warnings)} warnings"
            out.print(f"{escape(str(path))}: {verdict} ({counts})", highlight=False)
    if any(check.errors for _, _, check in checked):
        raise typer.Exit(2)


@app.command("names")
def names_cmd(
    kind: str = typer.Argument(None, help="analytes, concepts or biomarkers (default: all)"),
    query: str = typer.Argument(None, help="Part of a name, a synonym or a code"),
    as_json: bool = JSON_OPT,
) -> None:
    """The names a record may use: lab tests and scores, conditions and treatments, tumour
    markers; with a query, the entries that contain it (else the closest)."""
    from trialscreen import vocabulary

    if kind is not None and kind not in vocabulary.KINDS:
        if query is not None:
            fail(f"{kind!r} is not one of {', '.join(vocabulary.KINDS)}")
        kind, query = None, kind  # `trialscreen names creatinine`
    found = vocabulary.search(kind, query)
    if as_json:
        emit({"query": query, "entries": [e.to_json() for e in found]})
        return
    if not found:
        fail(f"no name contains {query!r} and none is close")
    report.print_names(out, found)


@app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the patient record."""
    emit(Patient.model_json_schema())


@app.command("import-fhir")
def import_fhir_cmd(bundle: Path, as_of: str = AS_OF_OPT, as_json: bool = JSON_OPT) -> None:
    """The patient record a FHIR Bundle or NDJSON export maps to, with each field's source."""
    record, provenance, warnings = _patient(bundle, as_of, screened=False)
    doc = {
        "patient": json.loads(record.model_dump_json(exclude_none=True)),
        "provenance": provenance,
        "warnings": warnings,
    }
    if as_json:
        emit(doc)
    else:
        report.print_import(out, doc)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        raise SystemExit(130) from None
    except Exception as exc:  # a bug: say so in one line; the traceback on request
        if os.environ.get("TRIALSCREEN_DEBUG"):
            raise
        err.print(
            f"internal error: {type(exc).__name__}: {exc} (TRIALSCREEN_DEBUG=1 shows the "
            "traceback; please report it)",
            highlight=False,
            markup=False,
        )
        raise SystemExit(1) from None


__all__ = ["app", "main"]
