"""Time and size of every output format, and a static map of 10,000 incidents against geopandas.

1. The example scenario is prepared once (geocoding, zone geometry, joins);
   each format is then produced from that one briefing (median of several
   runs, and the size of the result).
2. 10,000 incidents spread over 300 places in Syria are added to the
   briefing, and its static PNG is drawn (target: at most 3 s), against
   geopandas' own ``GeoDataFrame.plot`` of the same provinces, zones and
   incidents (coloured by type) saved as a PNG of the same size and dpi:
   the peer draws no legend, labels, scale bar or inset.

Run: ``.venv/bin/python bench/static.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tables import print_table  # noqa: E402

import zonemap  # noqa: E402
from zonemap.export.embed import embed_snippet  # noqa: E402
from zonemap.export.summary import summary_csv, summary_markdown  # noqa: E402
from zonemap.export.vector import geojson_text, geopackage_bytes, kml_text  # noqa: E402
from zonemap.render.interactive import render_html  # noqa: E402
from zonemap.render.static import render_static  # noqa: E402

EXAMPLE = ROOT / "examples" / "astana-2017.yaml"


def median_time(produce, repeat: int) -> tuple[float, object]:
    produce()  # first run loads fonts and caches
    times, content = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        content = produce()
        times.append(time.perf_counter() - start)
    return statistics.median(times), content


def many_incidents(briefing, n: int = 10_000, places: int = 300):
    """The briefing with ``n`` incidents at ``places`` random points inside Syria, of three types."""
    import geopandas as gpd
    import numpy as np
    import shapely

    rng = np.random.default_rng(2017)
    outline = shapely.union_all(briefing.provinces.geometry.to_numpy())
    points = []
    while len(points) < places:
        point = shapely.Point(rng.uniform(35.7, 42.3), rng.uniform(32.3, 37.3))
        if outline.contains(point):
            points.append(point)
    at = rng.integers(0, places, n)
    incidents = gpd.GeoDataFrame({"id": [f"i{k}" for k in range(n)],
                                  "type": rng.choice(["air strike", "shelling", "clashes"], n),
                                  "label": [f"Place {k}" for k in at]},
                                 geometry=[points[k] for k in at], crs="EPSG:4326")
    return replace(briefing, incidents=incidents)


def geopandas_png(briefing, dpi: int) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 7.5))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    briefing.provinces.plot(ax=ax, facecolor="white", edgecolor="#999999", linewidth=0.5)
    briefing.zones.plot(ax=ax, column="status", alpha=0.3, edgecolor="#2166ac")
    briefing.incidents.plot(ax=ax, column="type", categorical=True, markersize=20)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; the median is shown (default 5)")
    args = parser.parse_args()
    import matplotlib

    briefing = zonemap.prepare(EXAMPLE)
    page = render_html(briefing)
    producers = {
        "html (interactive map)": lambda: render_html(briefing),
        "png, 200 dpi": lambda: render_static(briefing, "png", dpi=200),
        "png, 300 dpi": lambda: render_static(briefing, "png", dpi=300),
        "svg": lambda: render_static(briefing, "svg"),
        "pdf": lambda: render_static(briefing, "pdf"),
        "embed (iframe srcdoc)": lambda: embed_snippet(page, briefing.scenario.title, "map.html"),
        "geojson": lambda: geojson_text(briefing),
        "gpkg": lambda: geopackage_bytes(briefing),
        "kml": lambda: kml_text(briefing),
        "csv (zone summary)": lambda: summary_csv(briefing),
        "md (zone summary)": lambda: summary_markdown(briefing),
    }
    print(f"python {platform.python_version()}, matplotlib {matplotlib.__version__}, {platform.machine()}, "
          f"median of {args.repeat} runs, scenario prepared once")
    rows = []
    for name, produce in producers.items():
        seconds, content = median_time(produce, args.repeat)
        size = len(content.encode("utf-8") if isinstance(content, str) else content)
        rows.append((name, f"{seconds * 1000:,.0f} ms", f"{size:,} bytes"))
    print_table(("format", "time", "size"), rows)

    crowded = many_incidents(briefing)
    ours, _ = median_time(lambda: render_static(crowded, "png", dpi=200), args.repeat)
    peer, _ = median_time(lambda: geopandas_png(crowded, 200), args.repeat)
    print(f"\nstatic PNG (10 x 7.5 in, 200 dpi) of {len(crowded.incidents):,} incidents; target <= 3 s")
    print_table(("tool", "time", "ratio to geopandas"), [
        ("zonemap render_static (legend, labels, scale bar, inset)", f"{ours:.2f} s", f"{ours / peer:.2f}x"),
        ("geopandas GeoDataFrame.plot (layers only)", f"{peer:.2f} s", "1.00x"),
    ])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
