"""Importing event exports: zonemap against geopandas reading the same ACLED-format CSV.

For each size, a synthetic ACLED-format export (``bench/event_exports.py``:
ACLED's 31 columns, ``04 July 2017`` dates, 5% of rows located by place name
only) is written once, then, in this one process:

* zonemap: ``zonemap.prepare`` of the example scenario with the export as
  an incident table: reading and checking every row, geocoding each
  distinct name of the rows without coordinates, the join to governorates,
  districts, sub-districts and zones, the labels, the province agreement
  (``prepare`` of the scenario alone is timed too: its zones and geocoding);
* geopandas: ``gpd.GeoDataFrame(pd.read_csv(...), geometry=gpd.points_from_xy(...))``
  then ``gpd.sjoin`` to the governorates: the usual few lines, which place
  only the rows with coordinates and check nothing.

Each is the best of ``--repeat`` runs. The ratio is zonemap's prepare time
over geopandas'. The target of the issue is a build of 100,000 incidents in at
most 3 s. A million ACLED rows (about 300 MB) exceed the default limit of an
incident table (``Settings.max_table_bytes``, 200 MiB), so every size is
prepared with a limit of 1 GiB.

Run: ``.venv/bin/python bench/import.py [--sizes 10000,100000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from event_exports import write_acled  # noqa: E402
from tables import print_table  # noqa: E402

import zonemap  # noqa: E402
from zonemap.data import default_geodata  # noqa: E402

EXAMPLE = ROOT / "examples" / "astana-2017.yaml"
TARGET_SECONDS_AT_100K = 3.0
SETTINGS = zonemap.Settings(max_table_bytes=1 << 30)


def best_time(run, repeat: int) -> tuple[float, object]:
    """The shortest of ``repeat`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def geopandas_peer(path: Path, provinces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """What a geopandas user writes to put an export's events in governorates."""
    table = pd.read_csv(path)
    points = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table["longitude"], table["latitude"]),
                              crs="EPSG:4326")
    return gpd.sjoin(points, provinces[["iso_3166_2", "geometry"]], how="left", predicate="within")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated numbers of events")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    provinces = default_geodata().admin1("SY")
    zonemap.prepare(EXAMPLE)  # loads the gazetteer and boundaries once, as any later build finds them
    baseline, _ = best_time(lambda: zonemap.prepare(EXAMPLE), args.repeat)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"acled-{size}.csv"
            write_acled(path, size)
            ours, briefing = best_time(lambda: zonemap.prepare(EXAMPLE, incident_files=[path], settings=SETTINGS),
                                       args.repeat)
            theirs, joined = best_time(lambda: geopandas_peer(path, provinces), args.repeat)
            (report,) = briefing.imports
            rows.append((f"{size:,}", f"{ours:.2f}", f"{theirs:.2f}", f"{ours / theirs:.1f}x",
                         f"{100 * report.placed / report.rows:.2f}%", f"{joined['iso_3166_2'].notna().mean() * 100:.2f}%",
                         f"{100 * report.admin1_agreeing / max(report.admin1_compared, 1):.2f}%"))
    print(f"Import of synthetic ACLED exports ({platform.machine()}, Python {platform.python_version()}, best of "
          f"{args.repeat}; prepare without a table: {baseline:.2f} s)")
    print_table(["events", "zonemap prepare s", "geopandas s", "zonemap / geopandas",
                 "zonemap placed", "geopandas placed", "province agrees"], rows)
    at_100k = next((float(row[1]) for row, size in zip(rows, sizes) if size == 100_000), None)
    if at_100k is not None:
        verdict = "met" if at_100k <= TARGET_SECONDS_AT_100K else "NOT met"
        print(f"target: prepare of 100,000 events <= {TARGET_SECONDS_AT_100K:.0f} s: {verdict} ({at_100k:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
