"""The embedded geodata: boundaries, the gazetteer index and named areas, read lazily."""

from .geodata import ATTRIBUTION, CREDITS, KIND_NAMES, GeoData, NamedArea, default_geodata, installed_geodata_dir

__all__ = ["ATTRIBUTION", "CREDITS", "KIND_NAMES", "GeoData", "NamedArea", "default_geodata", "installed_geodata_dir"]
