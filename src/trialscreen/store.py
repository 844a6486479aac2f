"""The compiled-trial store: each trial's compiled bullets in SQLite, so they compile once.

One row per trial, keyed by its id and a hash of its bullets (kind and text: all that
`compile_criterion` reads). Each row records the engine that compiled it; a row of another
engine is stale and is recompiled and replaced. WAL mode lets readers run beside a writer;
writes commit in batches, each batch atomic, so an interrupted index keeps what it finished.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import time
from collections.abc import Callable, Container, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from platformdirs import user_cache_dir
from pydantic import TypeAdapter, ValidationError

from trialscreen.database import atomic, connect, may_write, opened, pickled, sealed, unpickle
from trialscreen.language.compiler import compile_criterion
from trialscreen.language.parser import GRAMMAR_FILES, grammar_dir
from trialscreen.language.structure import read_document
from trialscreen.model.compiled import CompiledCriterion
from trialscreen.model.trial import Trial
from trialscreen.versions import code_version

__all__ = [
    "IndexReport",
    "StoreStats",
    "TrialStore",
    "default_store_path",
    "engine_version",
    "precompiled",
    "trial_key",
]

STORE_FILE = "store.sqlite3"
BATCH = 500  # trials per write transaction
ENGINE_PACKAGES = ("language", "model", "units", "lexicon")  # code and data compiling reads
ENGINE_SUFFIXES = (".py", ".json", ".txt")
_QUERY_CHUNK = 500  # keys per SELECT ... IN (...)

_UPSERT = "INSERT OR REPLACE INTO trials VALUES (?, ?, ?, ?, ?)"  # tables: `database.TABLES`

_COMPILED = TypeAdapter(list[CompiledCriterion])

Compiled = list[CompiledCriterion]
T = TypeVar("T")


@dataclass(frozen=True)
class IndexReport:
    """What `index` did: trials compiled, trials reused from the store, and wall time."""

    compiled: int
    reused: int
    seconds: float


@dataclass(frozen=True)
class StoreStats:
    """The store's file, its size, and its rows: all, of this engine, and stale."""

    path: Path
    bytes: int
    rows: int
    current: int
    stale: int
    engine: str


def default_store_path() -> Path:
    """`$TRIALSCREEN_STORE` (a file, or a folder to hold one), else the user cache folder."""
    override = os.environ.get("TRIALSCREEN_STORE")
    if override:
        path = Path(override).expanduser()
        return path / STORE_FILE if path.is_dir() else path
    return Path(user_cache_dir("trialscreen")) / STORE_FILE


@cache
def engine_version() -> str:
    """The package version and a hash of the grammar files and of the code and data compiling
    reads (the lexicon terminals of the grammar are made from those)."""
    folder = grammar_dir()
    return code_version(ENGINE_PACKAGES, ENGINE_SUFFIXES, [folder / n for n in GRAMMAR_FILES])


def source_hash(trial: Trial) -> str:
    """A hash of the trial's bullets, kind and text: the whole input of compiling it."""
    bullets = [[bullet.kind, bullet.text] for bullet in trial.bullets]
    return hashlib.sha256(json.dumps(bullets).encode("utf-8")).hexdigest()


def trial_key(trial: Trial) -> str:
    """The store key of a trial: its id and its source hash."""
    return f"{trial.id}:{source_hash(trial)}"


def document_key(trial: Trial) -> str:
    """A hash of all the document pass reads: the bullets, their sections and nesting, the
    headings, the criteria text, the conditions and the title."""
    parts = [
        trial.id,
        trial.title,
        trial.criteria_text,
        list(trial.conditions),
        [[b.kind, b.text, list(b.span), b.section, b.parent] for b in trial.bullets],
        [[h.text, list(h.span), h.kind, h.section] for h in trial.headings],
    ]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def compile_trial(trial: Trial) -> Compiled:
    """Every bullet of a trial compiled, in bullet order."""
    return [compile_criterion(bullet.text, bullet.kind) for bullet in trial.bullets]


def _encode(compiled: Compiled) -> str:
    """One JSON array for a trial's compiled bullets, after its checksum (hex, and a space)."""
    payload = _COMPILED.dump_json(compiled)
    return f"{sealed(payload)[:16].hex()} {payload.decode('utf-8')}"


def _decode(text: str) -> Compiled | None:
    """A trial's compiled bullets, or None when the row no longer validates."""
    check, _, body = text.partition(" ")
    payload = body.encode("utf-8")
    try:
        if opened(bytes.fromhex(check) + payload) is None:
            return None  # changed since it was written
        return _COMPILED.validate_json(payload)
    except (ValidationError, ValueError, TypeError):
        return None


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic GC while decoding: the new objects hold no cycles, and collections that scan
    a large heap (a loaded corpus) made decoding three times slower."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class TrialStore:
    """A SQLite file of compiled trials; a context manager; safe for concurrent readers."""

    def __init__(self, path: str | Path | None = None, engine: str | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.engine = engine if engine is not None else engine_version()
        self._conn = connect(self.path)

    @classmethod
    def open(cls, path: str | Path | None = None, engine: str | None = None) -> TrialStore:
        """Open (creating if needed) the store at `path`, default `default_store_path()`."""
        return cls(path, engine)

    @property
    def writable(self) -> bool:
        """False when the file was opened read-only: it is read, nothing is saved."""
        return may_write(self._conn)

    def __enter__(self) -> TrialStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def compiled_for(self, trials: Sequence[Trial]) -> list[Compiled]:
        """Per trial, its compiled bullets: read from the store, compiled and saved if missing."""
        keys = [trial_key(trial) for trial in trials]
        found = self._read(keys)
        found.update(self._compile_missing(keys, trials, found))
        return [found[key] for key in keys]

    def documents_for(self, trials: Sequence[Trial]) -> list[Compiled]:
        """Per trial, its bullets after the document pass: kept ones, else compiled (or read
        from the store) and read, and kept."""
        keys = [document_key(trial) for trial in trials]
        found: dict[str, Compiled] = {}
        with _gc_paused():
            for start in range(0, len(keys), _QUERY_CHUNK):
                chunk = keys[start : start + _QUERY_CHUNK]
                marks = ",".join("?" * len(chunk))
                for key, blob in self._conn.execute(
                    f"SELECT key, read FROM documents WHERE engine = ? AND key IN ({marks})",
                    (self.engine, *chunk),
                ):
                    kept = unpickle(blob)
                    if isinstance(kept, list):
                        found[key] = kept
        missing = [(k, t) for k, t in zip(keys, trials, strict=True) if k not in found]
        if missing:
            compiled = self.compiled_for([t for _, t in missing])
            rows = []
            for (key, trial), bullets in zip(missing, compiled, strict=True):
                found[key] = read_document(trial, bullets)
                rows.append((key, self.engine, pickled(found[key])))
            if may_write(self._conn):
                with atomic(self._conn):
                    self._conn.executemany(
                        "INSERT OR REPLACE INTO documents VALUES (?, ?, ?)", rows
                    )
        return [found[key] for key in keys]

    def index(
        self, trials: Sequence[Trial], progress: Callable[[int, int], None] | None = None
    ) -> IndexReport:
        """Compile and save every trial not yet stored for this engine, and keep every
        trial's bullets as read in place (documents). `progress(done, total)` after each
        batch of trials compiled."""
        started = time.perf_counter()
        keys = [trial_key(trial) for trial in trials]
        present = self._present(keys)
        self._compile_missing(keys, trials, present, progress)
        for chunk in _chunks(trials, BATCH):
            self.documents_for(chunk)
        reused = sum(1 for key in keys if key in present)
        seconds = time.perf_counter() - started
        return IndexReport(len(trials) - reused, reused, round(seconds, 3))

    def stats(self) -> StoreStats:
        """Row counts and file size (the WAL file included)."""
        rows, current = self._conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(engine = ?), 0) FROM trials", (self.engine,)
        ).fetchone()
        size = sum(p.stat().st_size for p in self._files() if p.exists())
        return StoreStats(self.path, size, rows, current, rows - current, self.engine)

    def _files(self) -> list[Path]:
        return [self.path, self.path.with_name(self.path.name + "-wal")]

    def _compile_missing(
        self,
        keys: Sequence[str],
        trials: Sequence[Trial],
        have: Container[str],
        progress: Callable[[int, int], None] | None = None,
    ) -> dict[str, Compiled]:
        """Compile the trials whose key is not in `have`; save them, one transaction per batch."""
        missing = {key: trial for key, trial in zip(keys, trials, strict=True) if key not in have}
        done: dict[str, Compiled] = {}
        for chunk in _chunks(list(missing.items()), BATCH):
            batch = [(key, trial, compile_trial(trial)) for key, trial in chunk]
            self._write(batch)
            done.update((key, compiled) for key, _, compiled in batch)
            if progress is not None:
                progress(len(done), len(missing))
        return done

    def _select(self, column: str, keys: Sequence[str]) -> Iterator[tuple[str, str]]:
        """(key, column) of this engine's rows among `keys`, queried in chunks."""
        for chunk in _chunks(sorted(set(keys)), _QUERY_CHUNK):
            marks = ",".join("?" * len(chunk))
            yield from self._conn.execute(
                f"SELECT key, {column} FROM trials WHERE engine = ? AND key IN ({marks})",
                (self.engine, *chunk),
            )

    def _present(self, keys: Sequence[str]) -> set[str]:
        """The keys stored for this engine."""
        return {key for key, _ in self._select("key", keys)}

    def _read(self, keys: Sequence[str]) -> dict[str, Compiled]:
        """Stored compiled bullets of this engine for the keys; undecodable rows left out."""
        found: dict[str, Compiled] = {}
        with _gc_paused():
            for key, text in self._select("compiled_json", keys):
                compiled = _decode(text)
                if compiled is not None:
                    found[key] = compiled
        return found

    def _write(self, batch: list[tuple[str, Trial, Compiled]]) -> None:
        """Save one batch in one transaction: all of it or, on any error, none of it (nothing
        in a store opened read-only)."""
        if not may_write(self._conn):
            return
        with atomic(self._conn):
            for key, trial, compiled in batch:
                row = (key, trial.id, key.rsplit(":", 1)[1], self.engine, _encode(compiled))
                self._conn.execute(_UPSERT, row)


def precompiled(trials: Sequence[Trial], path: str | Path | None = None) -> list[Compiled]:
    """Compiled bullets per trial through the store at `path` (default: the user's store)."""
    with TrialStore.open(path) as store:
        return store.compiled_for(trials)
