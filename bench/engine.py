"""The admin/zone join on dask partitions against the in-memory join, and the analyses that read it.

For 100,000 and 1,000,000 synthetic incidents shaped like an event export for
Syria (``bench/scale.py``'s generator, on the example scenario's zones), in
one run:

* in memory: ``place_incidents(engine="pandas")``, seconds;
* dask, local cluster: ``place_incidents(engine="dask")``, a cluster of one
  worker per core started and stopped inside the call (what
  ``zonemap build --engine dask`` does);
* dask, running cluster: the same on a cluster started beforehand, reached by
  its address (``--scheduler``), so the cluster's start-up is not counted;
* the results are checked equal; ratios are dask time / in-memory time;
* the analyses that read the join, in memory: ``before_after`` (90 days)
  and ``choropleth`` of fatalities per sub-district, seconds.

On one machine the dask engine is not expected to be faster: it exists for
tables that do not fit one process's memory, and for clusters of many machines.

Run: ``.venv/bin/python bench/engine.py [--sizes 100000,1000000]``
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scale import EXAMPLE, synthetic_incidents, with_incidents  # noqa: E402
from tables import print_table  # noqa: E402

import zonemap  # noqa: E402
from zonemap.geometry.admin import AdminLocator  # noqa: E402
from zonemap.incidents.analysis import before_after  # noqa: E402
from zonemap.incidents.choropleth import choropleth  # noqa: E402
from zonemap.incidents.join import place_incidents  # noqa: E402


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated incident counts")
    args = parser.parse_args()
    from distributed import LocalCluster

    base = zonemap.prepare(EXAMPLE)
    locator = AdminLocator(base.scenario.country, base.provinces, base.countries, base.sub_districts, base.districts)
    rows = []
    with LocalCluster(host="127.0.0.1", dashboard_address=":0", threads_per_worker=1, processes=True) as cluster:
        workers = len(cluster.workers)
        for n in [int(size) for size in args.sizes.split(",")]:
            points = synthetic_incidents(base, n)
            (memory, links), in_memory = timed(place_incidents, points, base.zones, locator)
            (local, local_links), on_local = timed(place_incidents, points, base.zones, locator, engine="dask")
            (running, running_links), on_running = timed(place_incidents, points, base.zones, locator, engine="dask",
                                                         scheduler=cluster.scheduler_address)
            for frame, joined in ((local, local_links), (running, running_links)):
                pd.testing.assert_frame_equal(frame, memory)
                pd.testing.assert_frame_equal(joined, links)
            located = with_incidents(base, points.assign(admin3_code=memory["admin3_code"].to_numpy()))
            _, weeks = timed(before_after, located, 90)
            _, shades = timed(choropleth, located, "fatalities:subdistrict")
            rows.append((f"{n:,}", f"{in_memory:.2f}", f"{on_local:.2f}", f"{on_local / in_memory:.1f}×",
                         f"{on_running:.2f}", f"{on_running / in_memory:.1f}×", f"{weeks:.2f}", f"{shades:.2f}"))
    print(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, "
          f"{workers} dask workers; seconds, dask / in-memory ratios; results equal")
    print_table(["incidents", "in memory", "dask local", "ratio", "dask running", "ratio", "before/after",
                 "choropleth"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
