"""Time and size of every output format for the example scenario.

The scenario is prepared once (geocoding, zone geometry, joins), then each
format is produced from it; the table shows the median of several runs and the
size of the result. The interactive HTML map is included for reference.

Run: ``.venv/bin/python bench/static.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tables import print_table  # noqa: E402
from zonemap.build import prepare  # noqa: E402
from zonemap.outputs import (embed_snippet, geopackage_bytes, kml_text, layers_geojson, summary_csv,  # noqa: E402
                             summary_markdown)
from zonemap.render import render_html  # noqa: E402
from zonemap.static import render_static  # noqa: E402

EXAMPLE = ROOT / "examples" / "astana-2017.yaml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs per format; the median is shown (default 5)")
    args = parser.parse_args()
    import matplotlib

    prepared = prepare(EXAMPLE)
    page = render_html(prepared.scenario, prepared.zones, prepared.incidents)
    producers = {
        "html (interactive map)": lambda: render_html(prepared.scenario, prepared.zones, prepared.incidents),
        "png, 200 dpi": lambda: render_static(prepared, "png", dpi=200),
        "png, 300 dpi": lambda: render_static(prepared, "png", dpi=300),
        "svg": lambda: render_static(prepared, "svg"),
        "pdf": lambda: render_static(prepared, "pdf"),
        "embed (iframe srcdoc)": lambda: embed_snippet(page, prepared.scenario.title, "map.html"),
        "geojson": lambda: layers_geojson({"zone": prepared.zones, "province": prepared.provinces,
                                           "incident": prepared.incidents}),
        "gpkg": lambda: geopackage_bytes(prepared.zones, prepared.provinces, prepared.incidents),
        "kml": lambda: kml_text(prepared.zones, prepared.incidents, prepared.scenario.title),
        "csv (zone summary)": lambda: summary_csv(prepared.zones),
        "md (zone summary)": lambda: summary_markdown(prepared.zones, prepared.scenario.title),
    }
    print(f"python {platform.python_version()}, matplotlib {matplotlib.__version__}, {platform.machine()}, "
          f"median of {args.repeat} runs, scenario prepared once")
    rows = []
    for name, produce in producers.items():
        produce()  # first run loads fonts and caches
        times, size = [], 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            content = produce()
            times.append(time.perf_counter() - start)
            size = len(content.encode("utf-8") if isinstance(content, str) else content)
        rows.append((name, f"{statistics.median(times) * 1000:,.0f} ms", f"{size:,} bytes"))
    header = ("format", "time", "size")
    print_table(header, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
