"""The record catalogue: each trial file read once, kept in the store beside the compiled trees.

A folder of records is read by statting its files. A file whose path, size and modification time
match the catalogue, read by the same reader code, is not opened: its trials, warnings and
errors come back from the store (pickled objects: no parsing, no validation). A file that changed
is read; if its content hash is one the catalogue already holds for that path (a copy, a touch),
the stored reading is kept. Rows are written in batches, each batch one transaction.

The store is the user's own cache file (`store.py`); its rows are trusted as the user's own.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from trialscreen.database import atomic, may_write, pickled, unpickle
from trialscreen.trials.report import LoadReport
from trialscreen.versions import code_version

__all__ = ["Catalogue", "PhraseMemory", "reader_version"]

READER_PACKAGES = ("trials", "model")  # the code a reading depends on
BATCH = 500

_UPSERT = "INSERT OR REPLACE INTO record_files VALUES (?, ?, ?, ?, ?, ?, ?)"
_QUERY_CHUNK = 500
ReadFile = Callable[[Path], LoadReport]  # what reads one file (`load.read_file`)


@cache
def reader_version() -> str:
    """The package version and a hash of the reader and model code."""
    return code_version(READER_PACKAGES, (".py",))


@dataclass(frozen=True, slots=True)
class _Row:
    size: int
    mtime_ns: int
    digest: str
    ids: str  # the trial ids of the file, lower case, space-separated
    report: bytes | None  # None when only the file's facts were asked for


Pending = tuple[str, int, int, str, str, bytes]


class Catalogue:
    """The `records` table of a store file; one connection, used by one thread."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.reader = reader_version()
        self.reused = 0
        self.read = 0

    def reports(self, files: Sequence[Path], read: ReadFile) -> Iterable[LoadReport]:
        """Each file's reading, in order: from the catalogue where it is current, else read
        (and kept)."""
        return self._reports(files, read, self._rows([str(f) for f in files], blobs=True))

    def holding(self, files: Sequence[Path], trial_id: str, read: ReadFile) -> list[LoadReport]:
        """The readings of the files that may hold a trial: those the catalogue knows hold it,
        and those it does not know as they are now (read, and kept). The others are not
        opened, nor are their readings unpickled."""
        wanted = trial_id.lower()
        known = self._rows([str(f) for f in files], blobs=False)
        chosen = []
        for path in files:
            row = known.get(str(path))
            if row is None or not _same(row, path) or wanted in row.ids.split():
                chosen.append(path)
        return list(self._reports(chosen, read, self._rows([str(f) for f in chosen], blobs=True)))

    def _reports(
        self, files: Sequence[Path], read: ReadFile, rows: dict[str, _Row]
    ) -> Iterable[LoadReport]:
        pending: list[Pending] = []
        for path in files:
            key = str(path)
            try:
                stat = path.stat()
            except OSError:
                yield read(path)  # the reader says what is wrong with it
                continue
            row = rows.get(key)
            kept = _kept(row)
            if row is not None and kept is not None:
                if (row.size, row.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                    self.reused += 1
                    yield kept
                    continue
            digest = _digest(path)
            if row is not None and kept is not None and digest == row.digest:
                self.reused += 1
                size, mtime = stat.st_size, stat.st_mtime_ns
                assert row.report is not None
                pending.append((key, size, mtime, digest, row.ids, row.report))
                yield kept
            else:
                self.read += 1
                report = read(path)
                if digest is not None:
                    blob = pickled(report)
                    ids = " ".join(t.id.lower() for t in report.trials)
                    pending.append((key, stat.st_size, stat.st_mtime_ns, digest, ids, blob))
                yield report
            if len(pending) >= BATCH:
                self._write(pending)
                pending = []
        self._write(pending)

    def _rows(self, keys: list[str], blobs: bool) -> dict[str, _Row]:
        found: dict[str, _Row] = {}
        column = "report" if blobs else "NULL"
        for start in range(0, len(keys), _QUERY_CHUNK):
            chunk = keys[start : start + _QUERY_CHUNK]
            marks = ",".join("?" * len(chunk))
            for path, size, mtime_ns, digest, ids, report in self._conn.execute(
                f"SELECT path, size, mtime_ns, digest, ids, {column} FROM record_files "
                f"WHERE reader = ? AND path IN ({marks})",
                (self.reader, *chunk),
            ):
                found[path] = _Row(size, mtime_ns, digest, ids, report)
        return found

    def _write(self, rows: list[Pending]) -> None:
        """One transaction: all of the batch or none of it."""
        if not rows or not may_write(self._conn):
            return
        with atomic(self._conn):
            self._conn.executemany(
                _UPSERT, [(p, s, m, d, self.reader, i, blob) for p, s, m, d, i, blob in rows]
            )


class PhraseMemory:
    """Registry phrases ("Carcinoma, Renal Cell") as relevance read them with one lexicon: the
    concepts they name and whether the other words are general. Kept so that a run does not
    read them (nor build the lexicon's matcher) again."""

    def __init__(self, conn: sqlite3.Connection, engine: str) -> None:
        self._conn = conn
        self.engine = engine

    def load(self) -> dict[str, tuple[tuple[str, ...], bool]]:
        """The kept readings whose checksum holds and whose concepts the lexicon knows (a
        damaged row is read again, never used)."""
        from trialscreen.lexicon import concepts

        rows = self._conn.execute(
            "SELECT phrase, concepts, plain FROM phrases WHERE engine = ?", (self.engine,)
        )
        out = {}
        for phrase, text, plain in rows:
            check, _, ids = str(text).partition(" ")
            if check != _phrase_check(str(phrase), ids, plain):
                continue
            found = tuple(ids.split())
            if all(concepts.known(c) for c in found):
                out[str(phrase)] = (found, bool(plain))
        return out

    def save(self, readings: dict[str, tuple[tuple[str, ...], bool]]) -> None:
        if not readings or not may_write(self._conn):
            return
        rows = []
        for phrase, (ids, plain) in readings.items():
            text = " ".join(ids)
            rows.append(
                (self.engine, phrase, f"{_phrase_check(phrase, text, plain)} {text}", int(plain))
            )
        with atomic(self._conn):
            self._conn.executemany("INSERT OR REPLACE INTO phrases VALUES (?, ?, ?, ?)", rows)


def _phrase_check(phrase: str, ids: str, plain: object) -> str:
    """The checksum kept with a phrase's reading."""
    text = f"{phrase}\x00{ids}\x00{int(bool(plain))}".encode()
    return hashlib.blake2b(text, digest_size=8).hexdigest()


def _kept(row: _Row | None) -> LoadReport | None:
    """The reading the catalogue kept for a file, if it is there and still decodes."""
    if row is None or row.report is None:
        return None
    kept = unpickle(row.report)
    return kept if isinstance(kept, LoadReport) else None


def _same(row: _Row, path: Path) -> bool:
    """Is the file as the catalogue last read it (size and modification time)?"""
    try:
        stat = path.stat()
    except OSError:
        return False
    return (row.size, row.mtime_ns) == (stat.st_size, stat.st_mtime_ns)


def _digest(path: Path) -> str | None:
    """The content hash of a regular file; None when it cannot be read (the reader reports)."""
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()
