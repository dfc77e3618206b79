"""zonemap: offline briefing maps of conflict de-escalation zones, from place names.

Describe zones and incidents by name (a YAML file, a dict, or the classes
below), prepare them once, then look at or save the result::

    import zonemap

    briefing = zonemap.prepare("examples/astana-2017.yaml")
    briefing.zones                    # GeoDataFrame: one row per zone
    briefing.summary                  # DataFrame: the zone table of a report
    briefing.to_map()                 # folium.Map, inline in Jupyter
    briefing.plot()                   # matplotlib axes
    briefing.save("output", formats=["html", "png", "geojson"])

    zonemap.geocode("Deraa")          # offline, Arabic and transliterations too

Everything works without a network: boundaries (Natural Earth) and places
(GeoNames) are installed with the package.

The map pipeline (geopandas, folium, matplotlib) is imported on first use of
a name that needs it, so that ``import zonemap`` and geocoding start fast.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("zonemap")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

_EXPORTS = {
    "Briefing": "briefing", "BuildResult": "briefing", "build": "briefing", "prepare": "briefing",
    "Scenario": "scenario", "Zone": "scenario", "Incident": "scenario", "Source": "scenario", "ProvincePart": "scenario",
    "Corridor": "scenario", "FixedPoint": "scenario",
    "StatusChange": "scenario", "MapOptions": "scenario", "load_scenario": "scenario", "dump_scenario": "scenario",
    "geocode": "geocoding", "geocode_all": "geocoding", "OfflineGeocoder": "geocoding", "GeocodeResult": "geocoding", "Candidate": "geocoding",
    "locate_points": "geometry.admin",
    "GeoData": "data", "Settings": "settings",
    "extract_scenario": "extract.draft", "extract_file": "extract.draft", "write_draft": "extract.draft",
    "Draft": "extract.draft", "read_article": "extract.article", "ArticleError": "errors",
    "ZonemapError": "errors", "InputError": "errors", "ScenarioError": "errors", "GeocodeError": "errors",
    "UnknownPlaceError": "errors", "GeodataError": "errors", "OfflineAssetError": "errors",
    "OnlineGeocoding": "settings", "GeocodeCache": "geocoding", "ProviderError": "errors", "CacheError": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'zonemap' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
