"""The persistent cache of online geocoding answers, in one SQLite file.

Providers ask their clients to cache (Nominatim's usage policy), and a name
looked up once should never cost another request. Each answer is stored
under its key (provider, query, and the request options that shaped it),
with the provider's raw answer and the time it was fetched; names a
provider does not know are stored too, as an empty answer.

Several zonemap processes may share one cache. The database is in WAL mode,
every write is a single transaction, and a writer waits for another's lock
(a busy timeout) instead of failing. A process killed mid-write leaves the
file as it was before that transaction: SQLite's write-ahead log makes each
transaction all or nothing. The cache also holds, per provider endpoint, when
the next request may start, so that processes sharing it share one rate
limit (:meth:`GeocodeCache.claim_request_slot`).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..errors import CacheError

CACHE_FILE = "geocode-cache.sqlite3"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 60.0
"""How long a writer waits for another process's transaction before giving up."""
MAX_SLOT_AHEAD_S = 600.0
"""A reserved request time further ahead than this is a clock that was set back, not a queue: it is ignored."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    provider TEXT NOT NULL,
    query TEXT NOT NULL,
    options TEXT NOT NULL,
    raw TEXT NOT NULL,
    fetched_at REAL NOT NULL,
    PRIMARY KEY (provider, query, options)
);
CREATE TABLE IF NOT EXISTS request_slots (
    endpoint TEXT PRIMARY KEY,
    next_start REAL NOT NULL
);
"""


def default_cache_dir() -> Path:
    """The user's cache folder for zonemap (``~/.cache/zonemap`` on Linux, ``$XDG_CACHE_HOME`` if set).

    Returns
    -------
    pathlib.Path
    """
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("zonemap", appauthor=False))


def options_key(options: Mapping[str, object]) -> str:
    """The canonical text of request options, as stored in the cache key (sorted JSON)."""
    return json.dumps(dict(options), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class CachedAnswer:
    """One cached answer.

    Attributes
    ----------
    provider
        The provider's name (``"nominatim"``).
    query
        The name as sent.
    options
        The request options (country, result limit, endpoint…).
    answers
        What the provider returned, one dict per place (``lat``, ``lon``,
        ``address`` and the provider's ``raw`` record); empty when it found nothing.
    fetched_at
        When it was fetched (seconds since the epoch).
    """

    provider: str
    query: str
    options: dict
    answers: list[dict]
    fetched_at: float

    def to_dict(self) -> dict:
        """Plain data, as written by ``zonemap cache export`` (one JSON object a line)."""
        fetched = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.fetched_at))
        return {"provider": self.provider, "query": self.query, "options": self.options, "fetched_at": fetched,
                "answers": self.answers}


@dataclass(frozen=True)
class CacheStats:
    """What a cache holds.

    Attributes
    ----------
    path
        The cache file.
    entries
        Cached queries.
    not_found
        Of those, queries the provider found nothing for.
    by_provider
        Cached queries per provider.
    oldest, newest
        When the oldest and newest answers were fetched (seconds since the
        epoch), ``None`` when empty.
    size_bytes
        Size of the cache file and its write-ahead log.
    """

    path: Path
    entries: int
    not_found: int
    by_provider: dict[str, int]
    oldest: float | None
    newest: float | None
    size_bytes: int

    def describe(self) -> str:
        """Three lines for ``zonemap cache stats``: the file, the answers, and when they were fetched."""
        def moment(seconds: float | None) -> str:
            return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(seconds)) if seconds is not None else "-"

        providers = ", ".join(f"{name} {count:,}" for name, count in self.by_provider.items()) or "-"
        return "\n".join([f"cache: {self.path} ({self.size_bytes:,} bytes)",
                          f"answers: {self.entries:,} ({self.not_found:,} not found); by provider: {providers}",
                          f"fetched: {moment(self.oldest)} to {moment(self.newest)}"])


class GeocodeCache:
    """Online geocoding answers kept between runs, shared safely by concurrent processes.

    Parameters
    ----------
    folder
        Folder of the cache file (``geocode-cache.sqlite3``), created if
        needed; ``None`` for :func:`default_cache_dir`.

    Raises
    ------
    CacheError
        When first used, if the folder cannot be created or the file is not
        a zonemap cache.

    Examples
    --------
    >>> import tempfile
    >>> cache = GeocodeCache(tempfile.mkdtemp())
    >>> cache.put("nominatim", "Kafr Nubl", {"country": "SY"}, [])
    >>> cache.get("nominatim", "Kafr Nubl", {"country": "SY"}).answers
    []
    """

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder is not None else default_cache_dir()
        self.path = self.folder / CACHE_FILE
        self._connection: sqlite3.Connection | None = None

    def __repr__(self) -> str:
        return f"GeocodeCache({str(self.folder)!r})"

    def __enter__(self) -> GeocodeCache:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Close the database connection (it reopens on next use)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _fail(self, action: str, error: Exception) -> CacheError:
        return CacheError(f"cannot {action} the geocoding cache {self.path}: {error}; delete the file or choose "
                          "another folder (--cache-dir)")

    @property
    def _db(self) -> sqlite3.Connection:
        if self._connection is None:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            except (OSError, sqlite3.Error) as error:
                raise self._fail("open", error) from None
            try:
                _switch_to_wal(connection)
                connection.execute("PRAGMA synchronous = NORMAL")  # with WAL: whole transactions, even after a kill
                with _transaction(connection):
                    version = connection.execute("PRAGMA user_version").fetchone()[0]
                    if version > SCHEMA_VERSION:
                        raise CacheError(f"the geocoding cache {self.path} was made by a newer zonemap (format "
                                         f"{version}); upgrade zonemap or choose another folder (--cache-dir)")
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            connection.execute(statement)
                    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            except sqlite3.Error as error:
                connection.close()
                raise self._fail("read", error) from None
            except CacheError:
                connection.close()
                raise
            self._connection = connection
        return self._connection

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._db
        try:
            with _transaction(db):
                yield db
        except sqlite3.Error as error:
            raise self._fail("write to", error) from None

    def get(self, provider: str, query: str, options: Mapping[str, object]) -> CachedAnswer | None:
        """The cached answer to a query, or ``None`` if it was never fetched.

        Parameters
        ----------
        provider, query, options
            The key, as given to :meth:`put`.

        Returns
        -------
        CachedAnswer or None
        """
        try:
            row = self._db.execute("SELECT raw, fetched_at FROM answers WHERE provider = ? AND query = ? AND options = ?",
                                   (provider, query, options_key(options))).fetchone()
        except sqlite3.Error as error:
            raise self._fail("read", error) from None
        if row is None:
            return None
        return CachedAnswer(provider, query, dict(options), json.loads(row[0]), row[1])

    def put(self, provider: str, query: str, options: Mapping[str, object], answers: list[dict],
            fetched_at: float | None = None) -> None:
        """Store (or replace) the answer to a query, in one transaction.

        Parameters
        ----------
        provider
            The provider's name.
        query
            The name as sent.
        options
            The request options that shaped the answer (JSON-serialisable).
        answers
            The provider's places (JSON-serialisable dicts); empty for "not found".
        fetched_at
            When it was fetched (seconds since the epoch); now by default.
        """
        raw = json.dumps(answers, ensure_ascii=False)
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO answers (provider, query, options, raw, fetched_at) VALUES (?, ?, ?, ?, ?)",
                       (provider, query, options_key(options), raw, time.time() if fetched_at is None else fetched_at))

    def claim_request_slot(self, endpoint: str, min_delay: float) -> float:
        """Reserve the next moment a request to ``endpoint`` may start, for every process sharing this cache.

        A request may start ``min_delay`` seconds after the previous one
        started, and after it ended (see :meth:`release_request_slot`).

        Parameters
        ----------
        endpoint
            The provider and server (``"nominatim:nominatim.openstreetmap.org"``).
        min_delay
            Seconds between requests.

        Returns
        -------
        float
            When the request may start (seconds since the epoch; now or later).
        """
        with self._write() as db:
            now = time.time()
            row = db.execute("SELECT next_start FROM request_slots WHERE endpoint = ?", (endpoint,)).fetchone()
            start = now if row is None or row[0] > now + MAX_SLOT_AHEAD_S else max(now, row[0])
            db.execute("INSERT OR REPLACE INTO request_slots (endpoint, next_start) VALUES (?, ?)",
                       (endpoint, start + min_delay))
        return start

    def release_request_slot(self, endpoint: str, min_delay: float) -> None:
        """Record that a request to ``endpoint`` just ended: the next one waits ``min_delay`` from now.

        Parameters
        ----------
        endpoint, min_delay
            As for :meth:`claim_request_slot`.
        """
        with self._write() as db:
            db.execute("UPDATE request_slots SET next_start = max(next_start, ?) WHERE endpoint = ?",
                       (time.time() + min_delay, endpoint))

    def entries(self) -> Iterator[CachedAnswer]:
        """Every cached answer, oldest first.

        Yields
        ------
        CachedAnswer
        """
        try:
            rows = self._db.execute("SELECT provider, query, options, raw, fetched_at FROM answers "
                                    "ORDER BY fetched_at, provider, query").fetchall()
        except sqlite3.Error as error:
            raise self._fail("read", error) from None
        for provider, query, options, raw, fetched_at in rows:
            yield CachedAnswer(provider, query, json.loads(options), json.loads(raw), fetched_at)

    def stats(self) -> CacheStats:
        """How many answers the cache holds, per provider, and from when.

        Returns
        -------
        CacheStats
        """
        try:
            db = self._db
            entries, not_found, oldest, newest = db.execute(
                "SELECT count(*), coalesce(sum(raw = '[]'), 0), min(fetched_at), max(fetched_at) FROM answers").fetchone()
            by_provider = dict(db.execute("SELECT provider, count(*) FROM answers GROUP BY provider ORDER BY provider"))
        except sqlite3.Error as error:
            raise self._fail("read", error) from None
        size = sum(p.stat().st_size for p in (self.path, self.path.with_name(self.path.name + "-wal")) if p.exists())
        return CacheStats(self.path, entries, not_found, by_provider, oldest, newest, size)

    def clear(self) -> int:
        """Delete every cached answer and reserved request time.

        Returns
        -------
        int
            The number of answers deleted.
        """
        with self._write() as db:
            deleted = db.execute("DELETE FROM answers").rowcount
            db.execute("DELETE FROM request_slots")
        try:
            self._db.execute("VACUUM")
        except sqlite3.OperationalError:
            pass  # another process is reading: the space is reused later instead of returned now
        return deleted

    def export(self, stream: TextIO) -> int:
        """Write every cached answer to ``stream`` as JSON Lines (see :meth:`CachedAnswer.to_dict`).

        Parameters
        ----------
        stream
            A text stream.

        Returns
        -------
        int
            The number of answers written.
        """
        count = 0
        for entry in self.entries():
            stream.write(json.dumps(entry.to_dict(), ensure_ascii=False) + "\n")
            count += 1
        return count


def _switch_to_wal(db: sqlite3.Connection) -> None:
    """Put the database in write-ahead-log mode, waiting while another process does the same.

    SQLite answers "database is locked" at once, without its busy timeout, to
    a connection changing the journal mode while another one is changing it
    too (two processes opening a new cache together).
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, taking the write lock at once (so that two writers queue, not deadlock)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
