"""Interactive maps of 1,000 to 1,000,000 incidents: zonemap against geopandas.explore.

The incidents are synthetic but shaped like an event export for Syria: a few
thousand locations clustered around a few hundred towns inside the
governorates (busy places far busier than quiet ones), eight types in
ACLED-like shares, dates over three years, fatalities mostly zero, one or two
actors, a source, and a short description. They are added to the example
scenario's prepared briefing (its zones and provinces), joined to its zones
with zonemap's own functions, and each tool writes one self-contained page:

* zonemap: ``Briefing.save(formats=["html"])``;
* geopandas.explore: provinces, zones and incidents (coloured by type, a
  tooltip with every column), saved by folium, with its scripts and styles
  inlined (``zonemap.render.page.inline_assets``) so it opens offline too.

Measured, each build in a fresh process:

* build: seconds to write the page from the prepared briefing;
* page: bytes of the page, all assets inside;
* interactive: in headless Chromium with the network cut off, seconds from
  navigation until the map is drawn (for zonemap: its incidents decoded and
  painted, ``data-zm-ready``; for explore: the load event) and a click on the
  middle of the map has been answered (its handler ran and the next frame
  was painted);
* peak RSS: the build process's peak resident memory, synthetic briefing
  included (its text columns are made by Arrow from their distinct values,
  so generating them costs about what holding them does; their types are
  those of a table read by pandas).

``zonemap.prepare`` of the example scenario with the same incidents as a
zonemap CSV table (id, date, type, lat, lon, fatalities, actors,
description: what ``zonemap build --incidents table.csv`` reads) is measured
too, up to ``--prepare-max`` incidents, in a process of its own (the table
is written by another, so that generating it costs nothing here):

* prepare() from a CSV table: seconds for the whole ``zonemap.prepare``
  (reading and checking the table, labels, provinces, districts and
  sub-districts, zones, counts);
* peak RSS of prepare(): that process's peak resident memory: the
  interpreter, zonemap and its embedded boundaries and gazetteer (about
  300 MB before any incident), and ``prepare`` itself.

And what a user meets: ``zonemap build`` (the command line, in a fresh
process) of the example scenario with the same table in its
``incident_files``, writing the default outputs (HTML, PNG, GeoJSON, MD):

* zonemap build: its wall time, from start to exit;
* peak RSS of zonemap build: that process's peak resident memory.

Run: ``.venv/bin/python bench/scale.py [--sizes 1000,10000,100000,1000000] [--explore-max 100000]
[--prepare-max 1000000]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tables import print_table  # noqa: E402

import zonemap  # noqa: E402
from zonemap.incidents import INCIDENT_COLUMNS, zone_figures, zone_incident_links  # noqa: E402

EXAMPLE = ROOT / "examples" / "astana-2017.yaml"
FIRST_DAY = np.datetime64("2017-01-01")
DAYS = 3 * 365
TYPE_SHARES = {"shelling": 0.35, "clashes": 0.25, "air strike": 0.20, "other": 0.08, "displacement": 0.04,
               "aid": 0.03, "ceasefire": 0.03, "talks": 0.02}
ACTORS = ["Syrian army", "Russian air force", "Hayat Tahrir al-Sham", "Free Syrian Army", "Syrian Democratic Forces",
          "Islamic State", "Turkish army", "Hezbollah", "National Defence Forces", "Ahrar al-Sham", "civilians",
          "unidentified armed group"]
OUTLETS = ["Syrian Observatory for Human Rights", "SANA", "Enab Baladi", "Step News Agency", "Reuters",
           "Local Coordination Committees"]
TIMEOUT_S = 240.0


def _inside(country: shapely.Geometry, rng: np.random.Generator, count: int, centres=None, spread=0.0) -> np.ndarray:
    """``count`` random points inside ``country``: uniform, or normal around ``centres`` (chosen at random)."""
    minx, miny, maxx, maxy = country.bounds
    found: list[np.ndarray] = []
    total = 0
    while total < count:
        if centres is None:
            xy = np.column_stack([rng.uniform(minx, maxx, 4 * count), rng.uniform(miny, maxy, 4 * count)])
        else:
            xy = centres[rng.integers(0, len(centres), 4 * count)] + rng.normal(0, spread, (4 * count, 2))
        xy = xy[shapely.contains_xy(country, xy[:, 0], xy[:, 1])]
        found.append(xy)
        total += len(xy)
    return np.concatenate(found)[:count]


def _strings(values, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``values[codes]`` as pandas text (what tables read by pandas hold), made by Arrow without a Python string per row."""
    return pd.array(pa.array([str(value) for value in values], pa.large_string()).take(pa.array(codes)), dtype="str")


def synthetic_incidents(base: zonemap.Briefing, n: int, seed: int = 2017, towns: int = 300,
                        locations: int = 4000) -> gpd.GeoDataFrame:
    """``n`` realistic incidents inside the country of ``base``, as a briefing's incidents table.

    Parameters
    ----------
    base
        A prepared briefing: its provinces bound the points and name their provinces.
    n
        How many incidents.
    seed
        Random seed: the same arguments give the same incidents.
    towns, locations
        Locations are scattered (about 5 km) around towns; incidents pick
        locations with Zipf-like weights, so a few places are very busy.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`zonemap.incidents.INCIDENT_COLUMNS`; ``zones`` left
        empty (see :func:`with_incidents`).
    """
    rng = np.random.default_rng(seed)
    governorates = base.provinces[base.provinces["is_governorate"]]
    country = shapely.union_all(governorates.geometry.to_numpy())
    centres = _inside(country, rng, towns)
    places = _inside(country, rng, min(locations, max(n, 1)), centres, spread=0.05)
    weights = 1 / np.arange(1, len(places) + 1) ** 0.9
    at = rng.choice(len(places), n, p=weights / weights.sum())
    tree = shapely.STRtree(governorates.geometry.to_numpy())
    place_points = shapely.points(places)
    within, unit = tree.query(place_points, predicate="within")
    province = np.zeros(len(places), dtype=int)
    province[within] = unit

    kinds = np.array(list(TYPE_SHARES), dtype=object)
    kind = rng.choice(len(kinds), n, p=list(TYPE_SHARES.values()))
    day = rng.integers(0, DAYS, n)
    fatalities = np.where(rng.random(n) < 0.55, 0, rng.geometric(0.25, n))
    pairs = [(a,) for a in ACTORS] + [(a, b) for a in ACTORS for b in ACTORS if a < b]
    actors = np.empty(len(pairs), dtype=object)
    actors[:] = pairs
    outlet = rng.integers(0, len(OUTLETS), n)
    labels = [f"Place {k + 1}" for k in range(len(places))]
    # Descriptions repeat per place, type and death toll, as wire reports do.
    toll = np.minimum(fatalities, 5)
    key = (at * len(kinds) + kind) * 6 + toll
    unique_keys, key_codes = np.unique(key, return_inverse=True)
    texts = [f"{kinds[(k // 6) % len(kinds)].capitalize()} reported in {labels[k // 6 // len(kinds)]}"
             + (f"; {k % 6}{'+' if k % 6 == 5 else ''} killed." if k % 6 else "; no casualties reported.")
             for k in unique_keys]
    dates = _strings(np.datetime_as_string(FIRST_DAY + np.arange(DAYS).astype("timedelta64[D]"), unit="D"), day)
    numbers = pa.array(100000 + np.arange(n)).cast(pa.large_string())
    ids = pd.array(pc.binary_join_element_wise(pa.scalar("SYR", pa.large_string()), numbers, pa.scalar("", pa.large_string())),
                   dtype="str")
    frame = gpd.GeoDataFrame({
        "id": ids, "date": dates, "type": _strings(kinds, kind), "place": None, "matched_place": None,
        "label": _strings(labels, at), "country": "SY", "admin1": _strings(governorates["name_en"], province[at]),
        "admin1_code": _strings(governorates["iso_3166_2"], province[at]), "zones": [()] * n,
        "fatalities": pd.array(fatalities, dtype="Int64"), "actors": actors[rng.integers(0, len(pairs), n)],
        "description": _strings(texts, key_codes), "source_outlet": _strings(OUTLETS, outlet),
        "source_url": None, "source_date": dates,
    }, geometry=place_points[at], crs="EPSG:4326")
    return frame.assign(**{column: None for column in INCIDENT_COLUMNS if column not in frame})[INCIDENT_COLUMNS]


def with_incidents(base: zonemap.Briefing, incidents: gpd.GeoDataFrame) -> zonemap.Briefing:
    """``base`` with ``incidents`` instead of its own, joined to its zones and counted."""
    links = zone_incident_links(incidents, base.zones)
    zones_of = links.groupby("incident_id", sort=False)["zone_id"].agg(tuple)
    incidents = incidents.assign(zones=incidents["id"].map(zones_of).where(lambda z: z.notna(), ()).to_numpy())
    figures = zone_figures(base.zones["id"], incidents, links)
    zones = base.zones.assign(incidents=figures["incidents"].to_numpy(), fatalities=figures["fatalities"].to_numpy())
    return replace(base, incidents=incidents, zone_incidents=links, zones=zones)


def incident_table(incidents: gpd.GeoDataFrame, path: Path) -> None:
    """The incidents as a zonemap CSV incident table (coordinates, not place names; ids in lower case, as tables need)."""
    table = pd.DataFrame({
        "id": incidents["id"].str.lower(), "date": incidents["date"], "type": incidents["type"],
        "lat": incidents.geometry.y.round(5), "lon": incidents.geometry.x.round(5),
        "fatalities": incidents["fatalities"], "actors": incidents["actors"].map("; ".join),
        "description": incidents["description"],
    })
    table.to_csv(path, index=False)


def explore_page(briefing: zonemap.Briefing, path: Path) -> None:
    """The briefing's layers with geopandas.explore, its assets inlined."""
    from zonemap.render.page import inline_assets

    def flat(frame):
        return frame.assign(**{c: frame[c].map(", ".join) for c in frame.columns
                               if frame[c].map(lambda v: isinstance(v, tuple)).any()})

    fmap = flat(briefing.provinces).explore(color="#777777", style_kwds={"fillOpacity": 0}, name="provinces")
    flat(briefing.zones).explore(m=fmap, column="status", name="zones")
    flat(briefing.incidents).explore(m=fmap, column="type", categorical=True, marker_kwds={"radius": 5}, name="incidents")
    path.write_text(inline_assets(fmap.get_root().render()), encoding="utf-8")


def child(tool: str, n: int, folder: Path) -> None:
    """One build in this process; prints its time and page as JSON (the parent reads the peak RSS)."""
    if tool == "table":
        incident_table(synthetic_incidents(zonemap.prepare(EXAMPLE), n), folder / "incidents.csv")
        print(json.dumps({}))
        return
    if tool == "prepare":
        start = time.perf_counter()
        prepared = zonemap.prepare(EXAMPLE, incident_files=[folder / "incidents.csv"])
        print(json.dumps({"seconds": time.perf_counter() - start, "incidents": len(prepared.incidents)}))
        return
    base = zonemap.prepare(EXAMPLE)
    briefing = with_incidents(base, synthetic_incidents(base, n))
    if tool == "zonemap":
        start = time.perf_counter()
        page = briefing.save(folder / "zonemap", formats=["html"])["html"]
    else:
        page = folder / "explore.html"
        start = time.perf_counter()
        explore_page(briefing, page)
    print(json.dumps({"seconds": time.perf_counter() - start, "page": str(page.resolve()), "bytes": page.stat().st_size}))


def run_child(tool: str, n: int, folder: Path) -> dict:
    """Run :func:`child` in a fresh interpreter; its result with ``rss_mb``, the process's peak resident memory."""
    process = subprocess.Popen([sys.executable, __file__, "--child", tool, str(n), str(folder)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    output, errors = process.stdout.read(), process.stderr.read()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        return {"error": (errors.strip().splitlines() or ["failed"])[-1]}
    return json.loads(output.strip().splitlines()[-1]) | {"rss_mb": usage.ru_maxrss / 1024}


def prepare_from_table(n: int, folder: Path) -> dict:
    """``zonemap.prepare`` of the example scenario with ``n`` incidents in a CSV table, the table written beforehand."""
    written = run_child("table", n, folder)
    return written if "error" in written else run_child("prepare", n, folder)


def scenario_with_table(folder: Path) -> Path:
    """The example scenario, copied into ``folder`` with ``incidents.csv`` (beside it) in its ``incident_files``."""
    text = EXAMPLE.read_text(encoding="utf-8")
    scenario = folder / EXAMPLE.name
    scenario.write_text(text.replace("\nincidents:\n", "\nincident_files: [incidents.csv]\n\nincidents:\n", 1),
                        encoding="utf-8")
    return scenario


def build_from_table(folder: Path) -> dict:
    """``zonemap build`` of :func:`scenario_with_table` (default outputs), as a user runs it: wall time and peak RSS."""
    command = [sys.executable, "-m", "zonemap", "build", str(scenario_with_table(folder)), "-o", str(folder / "build"),
               "-q"]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    errors = process.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        return {"error": (errors.strip().splitlines() or ["failed"])[-1]}
    return {"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024}


def time_to_interactive(browser, page_path: str, ready: str) -> float | None:
    """Seconds from navigation until the map is ready (``ready``: a JS condition) and a click on it is answered."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
               else route.abort())
    page.add_init_script("""window.addEventListener("click", function () {
        requestAnimationFrame(function () { setTimeout(function () { window.__answered = performance.now(); }, 0); });
    }, true);""")
    try:
        page.goto(Path(page_path).as_uri(), wait_until="commit", timeout=TIMEOUT_S * 1000)
        page.wait_for_function(ready, timeout=TIMEOUT_S * 1000, polling=50)
        size = page.viewport_size
        page.mouse.click(size["width"] / 2, size["height"] / 2)
        page.wait_for_function("window.__answered !== undefined", timeout=TIMEOUT_S * 1000, polling=50)
        return page.evaluate("window.__answered") / 1000
    except Exception:  # a timeout: the page never became usable
        return None
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000,1000000", help="incident counts (default: %(default)s)")
    parser.add_argument("--explore-max", type=int, default=100_000,
                        help="largest size geopandas.explore is run at (default: %(default)s)")
    parser.add_argument("--prepare-max", type=int, default=1_000_000,
                        help="largest size zonemap.prepare of a CSV table is timed at (default: %(default)s)")
    parser.add_argument("--child", nargs=3, metavar=("TOOL", "N", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), Path(args.child[2]))
        return 0

    import folium
    from playwright.sync_api import sync_playwright

    sizes = [int(s) for s in args.sizes.split(",")]
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    print(f"python {platform.python_version()}, geopandas {gpd.__version__}, folium {folium.__version__}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs; one run per cell, each build in a fresh process")
    rows = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        # Every build first, then every page: a browser still busy with a big page would slow the builds.
        results = {}
        for n in sizes:
            work = Path(folder) / str(n)
            work.mkdir()
            prepared = prepare_from_table(n, work) if n <= args.prepare_max else {"skipped": True}
            results[n] = (run_child("zonemap", n, work),
                          run_child("explore", n, work) if n <= args.explore_max else {"skipped": True},
                          prepared, build_from_table(work) if "seconds" in prepared else prepared)
        for n, (ours, theirs, prepared, built) in results.items():
            if "page" in ours:
                ours["interactive"] = time_to_interactive(browser, ours["page"], "document.querySelector('[data-zm-ready]')")
            if "page" in theirs:
                theirs["interactive"] = time_to_interactive(browser, theirs["page"], "document.readyState === 'complete'")
            rows += table_rows(n, ours, theirs, prepared, built)
        browser.close()
    print_table(("incidents", "measure", "zonemap", "geopandas.explore", "zonemap / explore"), rows)
    print(f"\nnot run: geopandas.explore above {args.explore_max:,} incidents (its page grows by about 0.8 KB per "
          f"incident, one SVG marker each), prepare() from a CSV table above {args.prepare_max:,}")
    print("targets at 100k: page <= 4 MB, build <= 3 s and no slower than explore, interactive <= 2 s; "
          "at 1M: interactive <= 6 s, build <= 1 GB RSS (writing the page, prepare() from a CSV table and "
          "zonemap build end to end)")
    return 0


def _cell(result: dict, key: str, fmt) -> str:
    if result.get("skipped"):
        return "not run"
    if "error" in result:
        return "failed: " + result["error"][:60]
    value = result.get(key)
    return f"> {TIMEOUT_S:.0f} s (gave up)" if value is None else fmt(value)


def _ratio(ours: dict, theirs: dict, key: str) -> str:
    a, b = ours.get(key), theirs.get(key)
    return f"{a / b:.2f}x" if a and b else ""


def table_rows(n: int, ours: dict, theirs: dict, prepared: dict, built: dict) -> list[tuple]:
    seconds = lambda value: f"{value:.2f} s"  # noqa: E731
    label = f"{n:,}"
    rows = [
        (label, "build (write the page)", _cell(ours, "seconds", seconds), _cell(theirs, "seconds", seconds),
         _ratio(ours, theirs, "seconds")),
        ("", "page size", _cell(ours, "bytes", lambda v: f"{v / 1e6:.2f} MB"),
         _cell(theirs, "bytes", lambda v: f"{v / 1e6:.2f} MB"), _ratio(ours, theirs, "bytes")),
        ("", "interactive in Chromium", _cell(ours, "interactive", seconds), _cell(theirs, "interactive", seconds),
         _ratio(ours, theirs, "interactive")),
        ("", "peak RSS of the build", _cell(ours, "rss_mb", lambda v: f"{v:,.0f} MB"),
         _cell(theirs, "rss_mb", lambda v: f"{v:,.0f} MB"), _ratio(ours, theirs, "rss_mb")),
    ]
    if not prepared.get("skipped"):
        rows += [("", "prepare() from a CSV table", _cell(prepared, "seconds", seconds), "-", ""),
                 ("", "peak RSS of prepare()", _cell(prepared, "rss_mb", lambda v: f"{v:,.0f} MB"), "-", ""),
                 ("", "zonemap build (CLI, default outputs)", _cell(built, "seconds", seconds), "-", ""),
                 ("", "peak RSS of zonemap build", _cell(built, "rss_mb", lambda v: f"{v:,.0f} MB"), "-", "")]
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
