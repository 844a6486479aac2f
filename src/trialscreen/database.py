"""The store's SQLite file: opened (read-only when it cannot be written), checked to be a
trialscreen store, and written one transaction at a time.

Any failure to open or use it is `StoreUnavailable`, one line naming the file: the commands
then compile in memory with one warning (`index --db` stops with that line instead).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class StoreUnavailable(Exception):
    """The store file cannot be opened or is not a trialscreen store; one line naming it."""


# what a store may raise once open: a locked, full or vanished file is an OS or SQLite error
# (a damaged file can hold text that is not UTF-8 in a TEXT column)
STORE_ERRORS = (StoreUnavailable, sqlite3.Error, OSError, UnicodeDecodeError)


class StoreConnection(sqlite3.Connection):
    """A connection that knows whether it may write."""

    read_only = False


def _why(failure: BaseException) -> str:
    if isinstance(failure, OSError):
        return failure.strerror or str(failure)
    text = str(failure)
    if "not a database" in text or "malformed" in text:
        return f"not a usable SQLite database ({text})"
    return text


# The store's tables, the one place they are defined (`CREATE TABLE IF NOT EXISTS`).
TABLES = {
    # compiled bullets per trial: key = trial id and a hash of its bullets (store.trial_key)
    "trials": """CREATE TABLE IF NOT EXISTS trials (
        key TEXT PRIMARY KEY,
        trial_id TEXT NOT NULL,
        source_hash TEXT NOT NULL,
        engine TEXT NOT NULL,
        compiled_json TEXT NOT NULL
    )""",
    # each trial's bullets after the document pass (structure.read_document), pickled: what the
    # hot path plans from, kept so that a run neither decodes nor reads the list again
    "documents": """CREATE TABLE IF NOT EXISTS documents (
        key TEXT PRIMARY KEY,
        engine TEXT NOT NULL,
        read BLOB NOT NULL
    )""",
    # the record catalogue: each file's facts and its reading (trials/catalogue.py)
    "record_files": """CREATE TABLE IF NOT EXISTS record_files (
        path TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        digest TEXT NOT NULL,
        reader TEXT NOT NULL,
        ids TEXT NOT NULL,
        report BLOB NOT NULL
    )""",
    # registry phrases as relevance read them (trials/catalogue.py PhraseMemory)
    "phrases": """CREATE TABLE IF NOT EXISTS phrases (
        engine TEXT NOT NULL,
        phrase TEXT NOT NULL,
        concepts TEXT NOT NULL,
        plain INTEGER NOT NULL,
        PRIMARY KEY (engine, phrase)
    )""",
}


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _expected() -> dict[str, list[str]]:
    with sqlite3.connect(":memory:") as memory:
        for create in TABLES.values():
            memory.execute(create)
        return {table: _columns(memory, table) for table in TABLES}


_EXPECTED = _expected()

# The store's mark in the SQLite header (PRAGMA application_id): "TSCR". Stores made before the
# mark are recognised by their tables (`_older_store`).
APPLICATION_ID = 0x54534352
# tables an older version of the store had, with their columns, besides today's
_LEGACY = {"records": ["path", "size", "mtime_ns", "digest", "reader", "report"]}


def connect(path: str | Path) -> StoreConnection:
    """A connection to the store file (created with its folder if needed), WAL mode; read-only
    when the file or its folder cannot be written. A file that is not SQLite, or holds tables
    of another program or version, is refused before anything is written to it."""
    where = Path(path)
    try:
        if where.exists() and not stat.S_ISREG(where.stat().st_mode):
            raise StoreUnavailable(f"{where}: not a regular file")
        if where.exists() and not _writable(where):
            return _read_only(where)
        where.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(where, timeout=30.0, isolation_level=None, factory=StoreConnection)
        try:
            _upgrade(conn, where)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            for create in TABLES.values():
                conn.execute(create)
        except BaseException:
            conn.close()
            raise
        return conn
    except (OSError, sqlite3.Error) as failure:
        raise StoreUnavailable(f"{where}: {_why(failure)}") from None


def _upgrade(conn: sqlite3.Connection, where: Path) -> None:
    """Check the file's tables; a store an older trialscreen wrote (a cache, rebuilt as it is
    used) has the tables of other versions dropped, and every store gets the mark. A file
    with another program's mark or tables is refused, untouched."""
    mark = conn.execute("PRAGMA application_id").fetchone()[0]
    if mark not in (0, APPLICATION_ID):
        raise StoreUnavailable(f"{where}: not a trialscreen store (application id {mark:#x})")
    try:
        _check_tables(conn, where)
    except StoreUnavailable:
        stale = _older_store(conn) if mark == 0 else _not_current(conn)
        if not stale:
            raise
        conn.execute("BEGIN IMMEDIATE")
        for name in stale:
            conn.execute(f'DROP TABLE "{name}"')
        conn.execute("COMMIT")
    if mark != APPLICATION_ID:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
    return [row[0] for row in rows if not row[0].startswith("sqlite_")]


def _not_current(conn: sqlite3.Connection) -> list[str]:
    """The tables that are not today's, as today's are."""
    return [n for n in _tables(conn) if _columns(conn, n) != _EXPECTED.get(n)]


def _older_store(conn: sqlite3.Connection) -> list[str]:
    """In an unmarked file: the tables to drop when it is a store an older trialscreen wrote
    (only store table names, at least one exactly as a version of ours has it), else []."""
    names = _tables(conn)
    if not names or any(n not in _EXPECTED and n not in _LEGACY for n in names):
        return []
    if not any(_columns(conn, n) in (_EXPECTED.get(n), _LEGACY.get(n)) for n in names):
        return []
    return _not_current(conn)


def _check_tables(conn: sqlite3.Connection, where: Path) -> None:
    """StoreUnavailable unless every table in the file is one of ours, with our columns."""
    names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for name in names:
        if name.startswith("sqlite_"):
            continue
        if name not in _EXPECTED or _columns(conn, name) != _EXPECTED[name]:
            raise StoreUnavailable(
                f"{where}: not a trialscreen store of this version (table {name!r} is not ours)"
            )


def _writable(path: Path) -> bool:
    """Can the file, and its folder (WAL writes files beside it), be written?"""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _read_only(where: Path) -> StoreConnection:
    """The file opened read-only; immutable when its folder cannot be written either (WAL
    cannot make its shared-memory file there, and no writer can be beside us)."""
    uri = where.resolve().as_uri() + "?mode=ro"
    if not os.access(where.parent, os.W_OK):
        uri += "&immutable=1"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, factory=StoreConnection)
    conn.read_only = True
    try:
        _check_tables(conn, where)
    except BaseException:
        conn.close()
        raise
    return conn


_CHECK = 16  # bytes of BLAKE2b before each kept value: a damaged value is found, not read


def sealed(payload: bytes) -> bytes:
    """A value's bytes with their checksum in front, as the store keeps them."""
    return hashlib.blake2b(payload, digest_size=_CHECK).digest() + payload


def opened(blob: bytes) -> bytes | None:
    """The bytes of a sealed value, or None when they are not what was written."""
    check, payload = blob[:_CHECK], blob[_CHECK:]
    if len(blob) < _CHECK or hashlib.blake2b(payload, digest_size=_CHECK).digest() != check:
        return None
    return payload


def pickled(value: object) -> bytes:
    """A value as the store keeps it: pickled and sealed."""
    return sealed(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def unpickle(blob: bytes) -> object | None:
    """A value the store kept, or None when its bytes were changed since (a damaged file: the
    caller reads or compiles it again, as if it were missing)."""
    payload = opened(blob)
    if payload is None:
        return None
    try:
        value: object = pickle.loads(payload)  # noqa: S301 (the user's own cache, checked)
    except Exception:  # written by another version of the classes
        return None
    return value


def may_write(conn: sqlite3.Connection) -> bool:
    """False for a store opened read-only: its readers use it, nothing is saved."""
    return not getattr(conn, "read_only", False)


@contextmanager
def atomic(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: all of it, or on any error none of it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
