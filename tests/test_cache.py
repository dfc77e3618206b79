"""The online geocoding cache: keys, the ``zonemap cache`` command, and real concurrent and killed processes."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

import pytest

from zonemap.cli import main
from zonemap.errors import CacheError
from zonemap.geocoding import GeocodeCache
from zonemap.geocoding.cache import CACHE_FILE, SCHEMA_VERSION, default_cache_dir

KEY = {"countrycodes": "sy", "limit": 5}
ANSWER = [{"lat": 35.7, "lon": 36.6, "address": "Khirbat Umm Zuhayr, Idlib, Syria", "raw": {"osm_id": 1}}]

# A process that fills the cache: one transaction per answer, each answer's padding
# repeating its number, so that a half-written answer would show.
WRITER = """
import sys
import time
from zonemap.geocoding import GeocodeCache

folder, label, count, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
cache = GeocodeCache(folder)
time.sleep(max(0.0, start - time.time()))
for n in range(count):
    cache.put("nominatim", f"{label} {n}", {"countrycodes": "sy"}, [{"n": n, "pad": str(n % 10) * 20000}])
    cache.put("nominatim", "shared name", {"countrycodes": "sy"}, [{"n": n, "by": label, "pad": str(n % 10) * 20000}])
    print(n, flush=True)
"""

# A process that reserves request times from the shared rate limit and prints them.
CLAIMER = """
import sys
from zonemap.geocoding import GeocodeCache

cache = GeocodeCache(sys.argv[1])
for _ in range(int(sys.argv[2])):
    print(cache.claim_request_slot("nominatim:test", 0.2), flush=True)
"""


def writer(folder, label: str, count: int, start: float = 0.0) -> subprocess.Popen:
    """A process running :data:`WRITER`, from ``start`` (seconds since the epoch) on."""
    return subprocess.Popen([sys.executable, "-c", WRITER, str(folder), label, str(count), str(start)],
                            stdout=subprocess.PIPE, text=True)


def check_consistent(folder) -> list:
    """Every answer readable and whole; returns them."""
    with closing(sqlite3.connect(folder / CACHE_FILE)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with GeocodeCache(folder) as cache:
        entries = list(cache.entries())
    for entry in entries:
        (answer,) = entry.answers
        assert answer["pad"] == str(answer["n"] % 10) * 20000
    return entries


def test_an_answer_is_kept_under_provider_query_and_options(tmp_path):
    with GeocodeCache(tmp_path) as cache:
        cache.put("nominatim", "Khirbat Umm Zuhayr", KEY, ANSWER, fetched_at=1_700_000_000.0)
        cache.put("nominatim", "Tall Nasiriyat", KEY, [])
        found = cache.get("nominatim", "Khirbat Umm Zuhayr", dict(reversed(KEY.items())))
        assert (found.answers, found.fetched_at) == (ANSWER, 1_700_000_000.0)
        assert cache.get("nominatim", "Tall Nasiriyat", KEY).answers == []  # "not found" is an answer too
        assert cache.get("photon", "Khirbat Umm Zuhayr", KEY) is None
        assert cache.get("nominatim", "Khirbat Umm Zuhayr", KEY | {"countrycodes": "tr"}) is None
        assert cache.get("nominatim", "Khirbat Umm Zuhayr ", KEY) is None
    with GeocodeCache(tmp_path) as reopened:
        assert reopened.get("nominatim", "Khirbat Umm Zuhayr", KEY).answers == ANSWER


def test_the_cache_lives_in_the_user_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "zonemap"
    assert GeocodeCache().path == tmp_path / "zonemap" / CACHE_FILE


def test_cache_stats_export_and_clear_from_the_command_line(tmp_path, capsys):
    with GeocodeCache(tmp_path) as cache:
        cache.put("nominatim", "Khirbat Umm Zuhayr", KEY, ANSWER, fetched_at=1_700_000_000.0)
        cache.put("nominatim", "Tall Nasiriyat", KEY, [], fetched_at=1_700_000_060.0)
    assert main(["cache", "stats", "--cache-dir", str(tmp_path)]) == 0
    stats = capsys.readouterr().out
    assert "answers: 2 (1 not found); by provider: nominatim 2" in stats
    assert "fetched: 2023-11-14 22:13 UTC to 2023-11-14 22:14 UTC" in stats

    assert main(["cache", "export", "--cache-dir", str(tmp_path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == {"provider": "nominatim", "query": "Khirbat Umm Zuhayr", "options": KEY,
                        "fetched_at": "2023-11-14T22:13:20Z", "answers": ANSWER}
    assert [line["query"] for line in lines] == ["Khirbat Umm Zuhayr", "Tall Nasiriyat"]
    exported = tmp_path / "out" / "cache.jsonl"
    exported.parent.mkdir()
    assert main(["cache", "export", "--cache-dir", str(tmp_path), "-o", str(exported)]) == 0
    assert [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()] == lines

    assert main(["cache", "clear", "--cache-dir", str(tmp_path)]) == 0
    assert "deleted 2 cached answer(s)" in capsys.readouterr().out
    with GeocodeCache(tmp_path) as cache:
        assert cache.stats().entries == 0


def test_a_file_that_is_not_a_cache_is_a_clear_error(tmp_path, capsys):
    (tmp_path / CACHE_FILE).write_bytes(b"not a database at all" * 100)
    assert main(["cache", "stats", "--cache-dir", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert f"cannot read the geocoding cache {tmp_path / CACHE_FILE}" in error and "--cache-dir" in error


def test_a_cache_from_a_newer_zonemap_is_refused_not_changed(tmp_path):
    with closing(sqlite3.connect(tmp_path / CACHE_FILE)) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(CacheError, match="made by a newer zonemap"):
        GeocodeCache(tmp_path).stats()


def test_two_processes_filling_the_cache_at_once_leave_it_consistent(tmp_path):
    start = time.time() + 2  # both started up and writing together
    first, second = writer(tmp_path, "first", 200, start), writer(tmp_path, "second", 200, start)
    outputs = [process.communicate(timeout=120) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    entries = check_consistent(tmp_path)
    queries = sorted(e.query for e in entries)
    assert queries == sorted([f"{label} {n}" for label in ("first", "second") for n in range(200)] + ["shared name"])
    (shared,) = [e for e in entries if e.query == "shared name"]
    assert shared.answers[0]["n"] == 199  # the last write of one of them, whole


def test_processes_sharing_a_cache_share_its_rate_limit(tmp_path):
    processes = [subprocess.Popen([sys.executable, "-c", CLAIMER, str(tmp_path), "4"], stdout=subprocess.PIPE,
                                  text=True) for _ in range(2)]
    starts = sorted(float(line) for p in processes for line in p.communicate(timeout=60)[0].split())
    assert len(starts) == 8
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 0.2 - 1e-6


@pytest.mark.slow
def test_a_process_killed_mid_write_leaves_a_readable_cache(tmp_path):
    total = 0
    for round_, delay in enumerate((0.01, 0.02, 0.03, 0.05, 0.08, 0.13)):  # kills at different points of a write
        with writer(tmp_path, f"round {round_}", 100_000) as process:
            committed = int(process.stdout.readline())  # it is writing
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
        entries = check_consistent(tmp_path)
        numbers = sorted(e.answers[0]["n"] for e in entries if e.query.startswith(f"round {round_} "))
        assert numbers == list(range(len(numbers))) and len(numbers) > committed
        total += len(numbers)
    assert len(entries) == total + 1  # and "shared name"
    with GeocodeCache(tmp_path) as cache:  # and it takes new answers
        cache.put("nominatim", "after the kills", KEY, ANSWER)
        assert cache.get("nominatim", "after the kills", KEY).answers == ANSWER
