"""Bounded fuzzing: readers, segmenter, grammar and patient loader never fail on any input.

Each target is a strategy and a check, listed in `TARGETS` so that `bench/fuzz.py` can run the
same checks for longer. The number of examples comes from the active hypothesis profile
(tests/property/conftest.py registers dev / ci / fuzz when the whole suite runs; hypothesis's
defaults apply otherwise); no deadline, because a file read or a long bullet may be slow once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark
from typer.testing import CliRunner

from conftest import CORPUS, SEEDS
from trialscreen.cli import app
from trialscreen.facts import build_facts
from trialscreen.inputs import read_patient_input
from trialscreen.language.compiler import compile_criterion
from trialscreen.language.parser import GRAMMAR_FILES, get_parser, grammar_dir
from trialscreen.lexicon import concepts
from trialscreen.model.patient import Patient
from trialscreen.records import PatientError, read_patient
from trialscreen.trials.load import load_records
from trialscreen.trials.segment import STYLES, segment
from trialscreen.trials.text import source_offsets, span_problems
from trialscreen.units import analytes

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
STATUSES = ("compiled", "partial", "unparsed", "no_constraint")  # every Status
SUFFIXES = (".json", ".xml", ".txt", ".dat")
REAL_PER_FORMAT = 25  # corpus files of each format that mutations start from


def one_line(message: str) -> bool:
    """True for a message that no terminal would show on two lines (a final newline aside)."""
    return len(message.splitlines()) == 1


# ---- JSON values ---------------------------------------------------------------------------

HOSTILE_TEXT = st.text(max_size=20) | st.sampled_from(
    [
        "",
        " ",
        "\n",
        "a\nb",
        "\r",
        "\u2028",
        "\x85",
        "\x00",
        "[/]",
        "[bold]x",
        "\\",
        "NCT0000\n0001",
        "é",
    ]
)
JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | HOSTILE_TEXT
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE_TEXT, inner, max_size=4),
    max_leaves=12,
)


# ---- trial files ---------------------------------------------------------------------------


@cache
def real_files() -> tuple[Path, ...]:
    """Seed pages, plus the first corpus records of each format when ../shared is present."""
    found = sorted(SEEDS.glob("*.txt"))
    for pattern in ("ctgov-v2/*.json", "ctgov-xml/*/*.xml"):
        found += sorted(CORPUS.glob(pattern))[:REAL_PER_FORMAT]
    return tuple(found)


@cache
def read_real(path: Path) -> bytes:
    return path.read_bytes()


PREFIXES = [
    b"",
    b"{",
    b"[",
    b"<",
    b'<?xml version="1.0"?>\n<!DOCTYPE clinical_study [',
    b"\xef\xbb\xbf{",
]
TOKENS = [
    b'"',
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\\",
    b"\\u0000",
    b"\\ud800",
    b"\\n",
    b"\n",
    b"\r",
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\xe2\x80\xa8",
    b"NaN",
    b"1e999",
    b"null",
    b"<",
    b">",
    b"&amp;",
    b"&x;",
    b"]]>",
    b"<!--",
    b"<!ENTITY a 'b'>",
    b"* ",
    b"- ",
    b"1. ",
    b"Inclusion Criteria:",
    b"Exclusion Criteria:",
    b"\t",
    b"  ",
    b"\\>",
    b"\xe2\x89\xa5",
]


@st.composite
def byte_mutations(draw: st.DrawFn) -> tuple[str, bytes]:
    """A real record with a few bytes flipped, cut, repeated or inserted."""
    source = draw(st.sampled_from(real_files()))
    data = bytearray(read_real(source))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "repeat"]))
        if op == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=8))
        elif op == "truncate":
            del data[at:]
        elif op == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 200))] * draw(st.integers(2, 20))
    suffix = draw(st.sampled_from([source.suffix, *SUFFIXES]))
    return suffix, bytes(data)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path in a JSON document (containers first)."""
    yield prefix
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in children:
        yield from _paths(child, (*prefix, key))


@st.composite
def json_mutations(draw: st.DrawFn) -> tuple[str, bytes]:
    """A real API v2 record, still valid JSON, with a few values replaced by anything."""
    sources = [p for p in real_files() if p.suffix == ".json"]
    if not sources:  # no ../shared: a study of random values instead
        return ".json", json.dumps({"protocolSection": draw(JSON_VALUES)}).encode()
    document = json.loads(read_real(draw(st.sampled_from(sources))))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(list(_paths(document))[1:]))
        *parents, last = path
        holder = document
        for key in parents:
            holder = holder[key]
        holder[last] = draw(JSON_VALUES | st.text(max_size=40))
    return ".json", json.dumps(document).encode()


RANDOM_FILES = st.tuples(
    st.sampled_from(SUFFIXES),
    st.builds(bytes.__add__, st.sampled_from(PREFIXES), st.binary(max_size=3000)),
)
RANDOM_JSON_FILES = st.tuples(
    st.sampled_from(SUFFIXES),
    (
        JSON_VALUES
        | st.fixed_dictionaries({"studies": JSON_VALUES})
        | st.fixed_dictionaries({"protocolSection": JSON_VALUES})
    ).map(lambda value: json.dumps(value).encode()),
)
TRIAL_FILES = RANDOM_FILES | RANDOM_JSON_FILES | byte_mutations() | json_mutations()


def check_trial_file(case: tuple[str, bytes], workdir: Path) -> None:
    """load_records never raises; each message is one line naming the file; nothing is lost."""
    suffix, content = case
    path = workdir / f"input{suffix}"
    path.write_bytes(content)
    report = load_records(path)
    for message in report.errors + report.warnings:
        assert one_line(message), repr(message)
        assert message.startswith(str(path)), message
    for trial in report.trials:
        spans = [b.span for b in trial.bullets] + [h.span for h in trial.headings]
        assert span_problems(trial.criteria_text, spans) == [], trial.source


# ---- patient files and records -------------------------------------------------------------

PATIENT_TEXTS = (
    RANDOM_FILES.map(lambda case: case[1])
    | JSON_VALUES.map(lambda value: json.dumps(value).encode())
    | st.lists(JSON_VALUES, min_size=2, max_size=4).map(
        lambda rows: "\n".join(map(json.dumps, rows)).encode()
    )
)


def check_patient_file(content: bytes, workdir: Path) -> None:
    """A patient file gives a record or one PatientError line naming the file, nothing else."""
    path = workdir / "patient.json"
    path.write_bytes(content)
    try:
        read_patient_input(path, dt.date(2026, 11, 1))
    except PatientError as error:
        assert one_line(str(error)) and str(error).startswith(f"{path}: "), repr(str(error))


@cache
def analyte_names() -> list[str]:
    return sorted(analytes.synonyms())


@cache
def loinc_codes() -> list[str]:
    return sorted(code for a in analytes.all_analytes() for code in a.loinc)


@cache
def concept_names() -> list[str]:
    return sorted(concepts.synonyms())


def anything_or(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the expected shape, sometimes any JSON value."""
    return st.one_of(strategy, strategy, strategy, JSON_VALUES)


DAY = st.dates(dt.date(1890, 1, 1), dt.date(2110, 12, 31)).map(dt.date.isoformat)
DATES = anything_or(DAY | st.sampled_from(["2026-02-30", "2026-13-01", "26-11-01", "", "2026"]))
NUMBERS = st.floats() | st.integers(-(10**12), 10**12) | st.sampled_from([-5, 0, 1e308, -0.0])
UNITS = st.sampled_from(
    [
        "10^9/L",
        "10*9/L",
        "/mm3",
        "/uL",
        "g/dL",
        "g/L",
        "mg/dL",
        "umol/L",
        "U/L",
        "%",
        "mm[Hg]",
        "furlongs",
        "",
        "1/0",
        "m**9999",
    ]
)
OBSERVATIONS = st.fixed_dictionaries(
    {},
    optional={
        "name": anything_or(
            st.deferred(lambda: st.sampled_from(analyte_names())) | st.text(max_size=15)
        ),
        "code": anything_or(
            st.deferred(lambda: st.sampled_from(loinc_codes())) | st.text(max_size=8)
        ),
        "value": anything_or(NUMBERS | st.text(max_size=8) | st.booleans() | st.none()),
        "unit": anything_or(UNITS | st.text(max_size=8) | st.none()),
        "comparator": anything_or(st.sampled_from(["<", "<=", ">=", ">", "=", "ad"])),
        "date": DATES,
        "reference_range": anything_or(
            st.fixed_dictionaries({}, optional={"low": NUMBERS, "high": NUMBERS})
        ),
        "source": st.text(max_size=10),
    },
)
CONCEPT_NAMES = st.deferred(lambda: st.sampled_from(concept_names())) | st.text(max_size=15)
CONDITIONS = st.fixed_dictionaries(
    {"name": anything_or(CONCEPT_NAMES)},
    optional={
        "status": anything_or(
            st.sampled_from(["active", "resolved", "absent", "history", "suspected", "gone"])
        ),
        "onset": DATES,
        "end": DATES,
        "code": st.text(max_size=8),
        "system": st.sampled_from(["snomed", "icd10", "rxnorm", "x"]),
    },
)
TREATMENTS = st.fixed_dictionaries(
    {"name": anything_or(CONCEPT_NAMES)},
    optional={
        "category": anything_or(
            st.sampled_from(["drug", "chemotherapy", "surgery", "radiotherapy", "magic"])
        ),
        "status": anything_or(
            st.sampled_from(["active", "completed", "stopped", "planned", "unknown"])
        ),
        "start": DATES,
        "end": DATES,
        "date": DATES,
        "major": anything_or(st.booleans()),
    },
)
ADVERSE_EVENTS = st.fixed_dictionaries(
    {"term": anything_or(CONCEPT_NAMES)},
    optional={
        "grade": anything_or(st.integers(-2, 8)),
        "date": DATES,
        "status": anything_or(st.sampled_from(["active", "resolved"])),
    },
)
PATIENT_RECORDS = (
    st.builds(
        lambda fields, extra: {**extra, **fields},
        st.fixed_dictionaries(
            {"id": anything_or(st.text(max_size=10))},
            optional={
                "as_of": DATES,
                "birth_date": DATES,
                "age": anything_or(NUMBERS),
                "sex": anything_or(st.sampled_from(["female", "male", "other", "unknown", "F"])),
                "observations": anything_or(st.lists(anything_or(OBSERVATIONS), max_size=5)),
                "conditions": anything_or(st.lists(anything_or(CONDITIONS), max_size=3)),
                "treatments": anything_or(st.lists(anything_or(TREATMENTS), max_size=3)),
                "adverse_events": anything_or(st.lists(anything_or(ADVERSE_EVENTS), max_size=2)),
                "pregnant": anything_or(st.booleans() | st.none()),
                "menopausal_status": anything_or(
                    st.sampled_from(["premenopausal", "postmenopausal"])
                ),
                "life_expectancy_months": anything_or(NUMBERS),
                "provenance": anything_or(
                    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=2)
                ),
            },
        ),
        st.dictionaries(HOSTILE_TEXT, JSON_VALUES, max_size=2) | st.just({}),
    )
    | JSON_VALUES.filter(lambda value: not isinstance(value, str))  # a str is read as a path
)


def check_patient_record(data: Any, workdir: Path) -> None:
    """read_patient gives a Patient (which normalises) or one PatientError line, nothing else."""
    try:
        patient = read_patient(data)
    except PatientError as error:
        assert one_line(str(error)), repr(str(error))
        return
    assert isinstance(patient, Patient)
    build_facts(patient)


# ---- segmenter -----------------------------------------------------------------------------

PIECES = [
    "Inclusion Criteria:",
    "Exclusion Criteria:",
    "INCLUSION CRITERIA",
    "DISEASE CHARACTERISTICS:",
    "Excluded:",
    "- ",
    "* ",
    "+ ",
    "\u2022 ",
    "\u2013 ",
    "o ",
    "1. ",
    "12) ",
    "(a) ",
    "iv. ",
    "\\- ",
    "3\\. ",
    "9.The ",
    "No ",
    "ANC >= 1500",
    ":",
    "-",
    " ",
    "    ",
    "\t",
    "\n",
    "\n\n",
    "\n\n\n",
    "\r\n",
    "\r",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x85",
    "\u2028",
    "\u2029",
    "\u00a0",
    "\u3000",
    "\\",
    "\\*",
    "**",
    "___",
    "x",
]
SEGMENT_TEXTS = st.tuples(
    st.text(max_size=300)
    | st.lists(st.sampled_from(PIECES) | st.text(max_size=5), max_size=60).map("".join),
    st.sampled_from(STYLES),
)


def check_segment(case: tuple[str, str], workdir: Path) -> None:
    """Every non-blank character lies in exactly one bullet or heading span."""
    text, style = case
    criteria, headings = segment(text, style=style)
    assert span_problems(text, [c.span for c in criteria] + [h.span for h in headings]) == []
    for number, bullet in enumerate(criteria):
        assert bullet.index == number
        assert bullet.parent is None or 0 <= bullet.parent < number
        assert source_offsets(text, bullet.text, bullet.span) is not None, bullet


# ---- grammar -------------------------------------------------------------------------------

LEXICON_TERMINALS = {
    "SCALE": 6,
    "ANALYTE": 5,
    "CONCEPT": 4,
    "MARKER_RESULT": 6,
    "MARKER_DASH": 6,
    "MARKER_PHRASE": 6,
    "MARKER_VALUE": 6,
    "BIOMARKER": 3,
}
# tumour-marker terminals (language/parser.py marker_terminals): forms drawn from these
MARKER_FORMS = {
    "MARKER_RESULT": ["HER2-negative", "ER positive", "EGFR mutation", "ALK rearrangement"],
    "MARKER_DASH": ["ER-", "PR-", "HER2-"],
    "MARKER_PHRASE": ["MSI-H", "dMMR", "triple-negative", "microsatellite stable"],
    "MARKER_VALUE": ["PD-L1 TPS", "TMB", "Ki-67", "PD-L1 expression"],
    "BIOMARKER": ["EGFR", "HER2", "BRAF", "estrogen receptor"],
}
LOOKAROUND_TERMINALS = {  # regexes whose look-arounds make from_regex reject most draws
    "OR_NUM": st.just("or"),
    "TIMES": st.sampled_from(["x", "times", "fold", "-fold"]),
    "VARIANT": st.sampled_from(["L858R", "exon 19 deletion", "V600E mutation", "exon 21 L858R"]),
    # not lexed: language/measures.py makes it from the words before a comparator
    "MEASURE": st.sampled_from(["VAS", "IPSS", "pain score", "plasma aldosterone"]),
    # not lexed: language/unnamed.py makes it from a class's words before its examples
    "UNNAMED": st.sampled_from(["unnamed_drug_class", "unnamed_condition", "unnamed_procedure"]),
    # only before a malignancy word (the lookahead)
    "OTHER_KIND": st.sampled_from(["other", "another", "another primary", "additional"]),
}
KINDS = st.sampled_from(["inclusion", "exclusion"])


@cache
def clause_grammar() -> Lark:
    """The project's grammar files with stand-ins for the generated lexicon terminals.

    The real ANALYTE / SCALE / CONCEPT regexes (thousands of phrases) take from_lark seconds to
    compile; their phrases are drawn from the lexicons instead (`lexicon_phrases`).
    """
    stubs = [f"{name}.{priority}: /{name.lower()}/" for name, priority in LEXICON_TERMINALS.items()]
    text = "\n".join((grammar_dir() / name).read_text(encoding="utf-8") for name in GRAMMAR_FILES)
    return Lark("\n".join([text, *stubs]), parser="lalr", lexer="basic", start="clause")


@cache
def lexicon_phrases() -> dict[str, list[str]]:
    scales, labs = [], []
    for synonym, analyte_id in analytes.synonyms().items():
        (scales if analytes.get(analyte_id).kind == "score" else labs).append(synonym)
    return {
        "SCALE": sorted(scales),
        "ANALYTE": sorted(labs),
        "CONCEPT": concept_names(),
        **MARKER_FORMS,
    }


def _lexicon_strategies() -> dict[str, st.SearchStrategy[str]]:
    phrases = lexicon_phrases()
    return {name: st.sampled_from(phrases[name]) for name in LEXICON_TERMINALS}


def _spaced_ascii_terminals() -> dict[str, st.SearchStrategy[str]]:
    """Every terminal as printable ASCII followed by a space, as criteria are written."""
    grammar = clause_grammar()
    used = {s.name for rule in grammar.rules for s in rule.expansion if s.is_term}
    printable = st.characters(min_codepoint=32, max_codepoint=126)
    explicit = {
        t.name: st.from_regex(t.pattern.to_regexp(), fullmatch=True, alphabet=printable)
        for t in grammar.terminals
        if t.name in used
    }
    explicit |= _lexicon_strategies() | LOOKAROUND_TERMINALS
    return {name: words.map(lambda word: word + " ") for name, words in explicit.items()}


GRAMMAR_CLAUSES = st.tuples(
    st.deferred(
        lambda: from_lark(
            clause_grammar(), start="clause", explicit=_lexicon_strategies() | LOOKAROUND_TERMINALS
        )
    ),
    KINDS,
)
SPACED_CLAUSES = st.tuples(
    st.deferred(
        lambda: from_lark(clause_grammar(), start="clause", explicit=_spaced_ascii_terminals())
    ),
    KINDS,
)
# The real parser's terminals, lexicon regexes included: slow to build, so for bench/fuzz.py only.
# MARKER_VALUE's generated regex (a marker name, then any run of scoring words, then a bound
# ahead) makes from_regex draw strings that hypothesis's lexes-entirely filter rejects for
# minutes at a time; it is drawn from its forms as in the other grammar targets.
FULL_REGEX_CLAUSES = st.tuples(
    st.deferred(
        lambda: from_lark(
            get_parser(),
            start="clause",
            explicit={
                "MARKER_VALUE": st.sampled_from(MARKER_FORMS["MARKER_VALUE"]),
                "MEASURE": LOOKAROUND_TERMINALS["MEASURE"],  # declared, not lexed
                "UNNAMED": LOOKAROUND_TERMINALS["UNNAMED"],
            },
        )
    ),
    KINDS,
)


def check_compile(case: tuple[str, str], workdir: Path) -> None:
    """compile_criterion never raises, and says what it made of the text."""
    text, kind = case
    compiled = compile_criterion(text, "exclusion" if kind == "exclusion" else "inclusion")
    assert compiled.status in STATUSES and compiled.text == text and compiled.kind == kind
    assert isinstance(compiled.canonical, str)


# ---- the command line ----------------------------------------------------------------------

runner = CliRunner()


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{type(result.exception).__name__}: {result.exception}")
    return result.exit_code, result.stdout, result.stderr


def check_trials_cli(case: tuple[str, bytes], workdir: Path) -> None:
    """`trials --json`: exit 0 with the trials, or 2 when none could be read; one line each."""
    suffix, content = case
    path = workdir / f"cli{suffix}"
    path.write_bytes(content)
    code, out, err = _invoke("trials", "--trials", str(path), "--json")
    report = load_records(path)
    lines = err.splitlines()
    if report.trials:
        assert code == 0 and json.loads(out)["totals"]["trials"] == len(report.trials)
    else:
        assert code == 2 and out == "" and lines[-1].startswith("error: no trial could be read"), (
            code,
            err,
        )
        lines = lines[:-1]
    assert len(lines) == len(report.errors) + len(report.warnings), err


def check_patient_cli(data: Any, workdir: Path) -> None:
    """`check` on a record: exit 0 with a JSON answer, or 2 with one line naming the file."""
    path = workdir / "cli-patient.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = _invoke("check", "ANC >= 1500/mm3", str(path), "--json")
    if code == 0:
        assert json.loads(out)["outcome"] in ("pass", "fail", "unknown")
    else:
        assert (code, out) == (2, ""), (code, out[:200])
        assert one_line(err) and err.startswith(f"error: {path}: "), repr(err)


# a cohort NDJSON: each line a record, a FHIR resource, any JSON value, or bytes
COHORT_LINES = st.lists(
    PATIENT_RECORDS.map(lambda record: json.dumps(record).encode())
    | JSON_VALUES.map(lambda value: json.dumps(value).encode())
    | st.binary(max_size=200),
    min_size=1,
    max_size=6,
).map(lambda rows: b"\n".join(rows) + b"\n")


def check_cohort_ndjson(content: bytes, workdir: Path) -> None:
    """`screen-cohort` on any NDJSON: exit 0, or 2 when a patient could not be read; every
    stderr line one line; the output a run line, then rows of whole patients."""
    src = workdir / "cohort-in.ndjson"
    out = workdir / "cohort-out.ndjson"
    src.write_bytes(content)
    out.unlink(missing_ok=True)
    code, _, err = _invoke("screen-cohort", str(src), "--trials", str(SEEDS), "--out", str(out))
    assert code in (0, 2), (code, err[-300:])
    counts = err.splitlines()[-1]
    assert counts.startswith("screened: "), err[-300:]
    assert all(
        line.startswith(("error: ", "warning: ", "screened: ")) for line in err.splitlines()
    ), err
    text = out.read_text(encoding="utf-8")  # lines end at "\n" only (ids may hold U+2028)
    rows = [json.loads(line) for line in text.split("\n") if line]
    assert rows[0]["type"] == "run"
    screened = int(counts.split(",")[0].split(":")[1])
    assert sum(r.get("type") == "summary" for r in rows) == screened
    assert (code == 2) == ("errors: 0" not in counts)


@cache
def store_bytes() -> bytes:
    """A real store of the seeds, to mutate."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "seed.sqlite3"
        code, _, err = _invoke("index", "--trials", str(SEEDS), "--db", str(db))
        assert code == 0, err
        return db.read_bytes()


@st.composite
def store_files(draw: st.DrawFn) -> bytes:
    """A store file cut short, with bytes changed, or made up."""
    kind = draw(st.sampled_from(["cut", "flip", "random", "whole"]))
    if kind == "random":
        return draw(st.binary(max_size=5000))
    data = bytearray(store_bytes())
    if kind == "cut":
        return bytes(data[: draw(st.integers(0, len(data)))])
    if kind == "flip":
        for _ in range(draw(st.integers(1, 20))):
            at = draw(st.integers(0, len(data) - 1))
            data[at] = draw(st.integers(0, 255))
    return bytes(data)


def check_store(content: bytes, workdir: Path) -> None:
    """Any store file: `screen` still screens (at most one warning about the store), and
    `index --db` on it is exit 0, or 2 with one line naming it."""
    import os

    db = workdir / "fuzz-store.sqlite3"
    for leftover in workdir.glob("fuzz-store.sqlite3*"):
        leftover.unlink()
    db.write_bytes(content)
    before = os.environ.get("TRIALSCREEN_STORE")
    os.environ["TRIALSCREEN_STORE"] = str(db)
    try:
        example = SEEDS.parent / "patients" / "pt-0001-example.json"
        code, out, err = _invoke("screen", str(example), "--trials", str(SEEDS), "--json")
        assert code == 0 and json.loads(out), (code, err[-300:])
        assert sum("store not used" in line for line in err.splitlines()) <= 1, err
    finally:
        if before is None:
            del os.environ["TRIALSCREEN_STORE"]
        else:
            os.environ["TRIALSCREEN_STORE"] = before
    for leftover in workdir.glob("fuzz-store.sqlite3*"):
        leftover.unlink()
    db.write_bytes(content)
    code, _, err = _invoke("index", "--trials", str(SEEDS), "--db", str(db))
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 0 or (code == 2 and len(errors) == 1 and str(db) in errors[0]), (code, err)


# ---- the targets, and the tests that run them with the active profile -----------------------


@dataclass(frozen=True)
class Target:
    """One fuzz target: inputs to draw, and the property every input must satisfy."""

    name: str
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any, Path], None]


TARGETS = [
    Target("trial_files_random_bytes", RANDOM_FILES, check_trial_file),
    Target("trial_files_random_json", RANDOM_JSON_FILES, check_trial_file),
    Target("trial_files_mutated_bytes", byte_mutations(), check_trial_file),
    Target("trial_files_mutated_json", json_mutations(), check_trial_file),
    Target("trials_cli", TRIAL_FILES, check_trials_cli),
    Target("patient_files", PATIENT_TEXTS, check_patient_file),
    Target("patient_records", PATIENT_RECORDS, check_patient_record),
    Target("patient_cli", PATIENT_RECORDS, check_patient_cli),
    Target("segmenter", SEGMENT_TEXTS, check_segment),
    Target("grammar_clauses", GRAMMAR_CLAUSES, check_compile),
    Target("grammar_spaced_clauses", SPACED_CLAUSES, check_compile),
    Target("cohort_ndjson", COHORT_LINES, check_cohort_ndjson),
    Target("store", store_files(), check_store),
]
BENCH_ONLY = [Target("grammar_full_regex", FULL_REGEX_CLAUSES, check_compile)]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(case=RANDOM_FILES)
def test_trial_files_random_bytes(workdir: Path, case: tuple[str, bytes]) -> None:
    check_trial_file(case, workdir)


@FUZZ
@given(case=RANDOM_JSON_FILES)
def test_trial_files_random_json(workdir: Path, case: tuple[str, bytes]) -> None:
    check_trial_file(case, workdir)


@FUZZ
@given(case=byte_mutations())
def test_trial_files_mutated_bytes(workdir: Path, case: tuple[str, bytes]) -> None:
    check_trial_file(case, workdir)


@FUZZ
@given(case=json_mutations())
def test_trial_files_mutated_json(workdir: Path, case: tuple[str, bytes]) -> None:
    check_trial_file(case, workdir)


@FUZZ
@given(case=TRIAL_FILES)
def test_trials_cli(workdir: Path, case: tuple[str, bytes]) -> None:
    check_trials_cli(case, workdir)


@FUZZ
@given(content=PATIENT_TEXTS)
def test_patient_files(workdir: Path, content: bytes) -> None:
    check_patient_file(content, workdir)


@FUZZ
@given(data=PATIENT_RECORDS)
def test_patient_records(workdir: Path, data: Any) -> None:
    check_patient_record(data, workdir)


@FUZZ
@given(data=PATIENT_RECORDS)
def test_patient_cli(workdir: Path, data: Any) -> None:
    check_patient_cli(data, workdir)


@FUZZ
@given(case=SEGMENT_TEXTS)
def test_segmenter(workdir: Path, case: tuple[str, str]) -> None:
    check_segment(case, workdir)


@FUZZ
@given(case=GRAMMAR_CLAUSES)
def test_grammar_clauses(workdir: Path, case: tuple[str, str]) -> None:
    check_compile(case, workdir)


@FUZZ
@given(case=SPACED_CLAUSES)
def test_grammar_spaced_clauses(workdir: Path, case: tuple[str, str]) -> None:
    check_compile(case, workdir)


@FUZZ
@given(content=COHORT_LINES)
def test_cohort_ndjson(workdir: Path, content: bytes) -> None:
    check_cohort_ndjson(content, workdir)


@FUZZ
@given(content=store_files())
def test_store(workdir: Path, content: bytes) -> None:
    check_store(content, workdir)


def test_every_target_has_a_test() -> None:
    tests = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert {target.name for target in TARGETS} <= tests


def test_clause_grammar_has_the_parsers_rules() -> None:
    """The stand-in terminals change no rule: the fuzzed grammar is the project's."""
    assert {str(rule) for rule in clause_grammar().rules} == {
        str(rule) for rule in get_parser().rules
    }
    generated = {t.name for t in get_parser().terminals} - {
        t.name for t in clause_grammar().terminals
    }
    assert generated == set()


def test_mutations_start_from_real_records() -> None:
    files = real_files()
    assert len([p for p in files if p.parent == SEEDS]) == 5
    assert all(read_real(p).strip() for p in files)
