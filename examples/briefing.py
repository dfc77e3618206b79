"""The notebook notebooks/briefing.ipynb as a plain script: a briefing map from Python.

Run from anywhere: ``.venv/bin/python examples/briefing.py [OUTPUT_DIR]`` (default ``output/``).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import zonemap

HERE = Path(__file__).resolve().parent


def main(output_dir: Path) -> None:
    # Geocoding, offline: spellings and scripts meet at one place.
    for name in ["Daraa", "Deraa", "Dar'a", "درعا", "Idleb", "إدلب", "Hamouriyeh", "Kafr Nubl"]:
        result = zonemap.geocode(name)
        print(f"{name:>10} -> {result.name}, {result.admin3}, {result.admin1} ({result.lat:.3f}, {result.lon:.3f}; "
              f"{result.tier}, confidence {result.confidence:.2f})")

    # The briefing: the scenario with zones, provinces and incidents joined, computed once.
    briefing = zonemap.prepare(HERE / "astana-2017.yaml")
    print(briefing.summary.to_string(index=False))

    # Add an incident in code and prepare again.
    strike = zonemap.Incident("2017-07-05", "shelling", place="Harasta", fatalities=1,
                              description="Shelling reported on the town the day after the Douma strikes.")
    updated = zonemap.prepare(replace(briefing.scenario, incidents=briefing.scenario.incidents + (strike,)))
    print(updated.incidents[["id", "label", "admin1", "zones", "fatalities"]].to_string(index=False))

    # Files for a report: the interactive map, a static PNG and the layers as GeoJSON.
    for kind, path in updated.save(output_dir, formats=["html", "png", "geojson"]).items():
        print(f"wrote {kind}: {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("output"))
