"""Build time, page size and offline rendering: zonemap against geopandas.explore.

Both draw the same layers of the example scenario (provinces, zones,
incidents). zonemap's time covers the whole build from the scenario file
(geocoding, geometry, render, inlining, writing); the like-for-like row
times rendering the same prepared GeoDataFrames into a page with both. The pages
are then opened in Chromium with every non-file request aborted, to see which
still draw a map offline.

Run: ``.venv/bin/python bench/build.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tables import print_table  # noqa: E402
from zonemap import build, prepare  # noqa: E402
from zonemap.render.interactive import render_html  # noqa: E402

EXAMPLE = ROOT / "examples" / "astana-2017.yaml"


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def explore_page(briefing, path: Path) -> None:
    # explore's tooltips take plain values: lists become text first.
    def flat(frame):
        return frame.assign(**{c: frame[c].map(", ".join) for c in frame.columns
                               if frame[c].map(lambda v: isinstance(v, tuple)).any()})

    fmap = flat(briefing.provinces).explore(color="#777777", style_kwds={"fillOpacity": 0}, name="provinces")
    flat(briefing.zones).explore(m=fmap, column="status", name="zones")
    flat(briefing.incidents).explore(m=fmap, color="red", marker_kwds={"radius": 6}, name="incidents")
    fmap.save(path)


def _allow_only_files(blocked: list[str]):
    """A route handler (one parameter: Playwright passes the request too to two-parameter handlers)."""

    def handle(route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    return handle


def offline_check(paths: dict[str, Path]) -> dict[str, str]:
    chromium = shutil.which("chromium")
    if chromium is None:
        return {name: "not checked (no chromium)" for name in paths}
    from playwright.sync_api import sync_playwright

    verdicts = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for name, path in paths.items():
            page = browser.new_page()
            blocked: list[str] = []
            page.route("**/*", _allow_only_files(blocked))
            page.goto(path.as_uri(), wait_until="domcontentloaded")
            page.wait_for_timeout(1500)
            drawn = page.locator("path.leaflet-interactive").count()
            leaflet = page.evaluate("typeof window.L !== 'undefined'")
            ok = leaflet and drawn > 0 and not blocked
            verdicts[name] = f"{'yes' if ok else 'NO'} ({drawn} paths, {len(blocked)} blocked requests)"
            page.close()
        browser.close()
    return verdicts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; the median is shown (default 5)")
    args = parser.parse_args()
    import folium
    import geopandas

    print(f"python {platform.python_version()}, geopandas {geopandas.__version__}, folium {folium.__version__}, "
          f"{platform.machine()}, median of {args.repeat} runs")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        build(EXAMPLE, out / "warmup")  # load geodata and the asset registry once, as a long-lived process would
        zonemap_time, result = timed(lambda: build(EXAMPLE, out / "zonemap"), args.repeat)
        zonemap_html = result.outputs["html"]
        briefing = prepare(EXAMPLE)
        render_time, _ = timed(lambda: render_html(briefing), args.repeat)
        explore_html = out / "explore.html"
        explore_page(briefing, explore_html)  # warm-up: imports mapclassify, branca templates
        explore_time, _ = timed(lambda: explore_page(briefing, explore_html), args.repeat)
        verdicts = offline_check({"zonemap": zonemap_html, "explore": explore_html})
        rows = [
            ("whole build from the YAML: html, png, geojson, md (s)", f"{zonemap_time:.3f}", "-", ""),
            ("render prepared layers (s)", f"{render_time:.3f}", f"{explore_time:.3f}", f"{render_time / explore_time:.2f}x"),
            ("HTML size (bytes)", f"{zonemap_html.stat().st_size:,}", f"{explore_html.stat().st_size:,}",
             f"{zonemap_html.stat().st_size / explore_html.stat().st_size:.2f}x"),
            ("renders offline", verdicts["zonemap"], verdicts["explore"], ""),
        ]
    header = ("measure", "zonemap build", "geopandas.explore", "zonemap / explore")
    print_table(header, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
