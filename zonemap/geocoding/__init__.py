"""Offline geocoding: name normalisation, the gazetteer index, the geocoder and the scenario resolver."""

from .geocoder import Candidate, Gazetteer, GeocodeResult, OfflineGeocoder, geocode, load_gazetteer, suggestions
from .resolver import PlaceResolver, Resolution

__all__ = ["Candidate", "Gazetteer", "GeocodeResult", "OfflineGeocoder", "PlaceResolver", "Resolution", "geocode",
           "load_gazetteer", "suggestions"]
