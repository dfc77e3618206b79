"""The embedded geodata: boundaries, the gazetteer index and named areas, read lazily."""

from .geodata import CREDITS, GeoData, NamedArea, credits_for, default_geodata, installed_geodata_dir

__all__ = ["CREDITS", "GeoData", "NamedArea", "credits_for", "default_geodata", "installed_geodata_dir"]
