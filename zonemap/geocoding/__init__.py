"""Offline geocoding: name normalisation, the gazetteer index, the geocoder and the scenario resolver."""

from .gazetteer import Gazetteer, load_gazetteer
from .geocoder import (DEFAULT_MIN_CONFIDENCE, LOW_CONFIDENCE, Candidate, GeocodeResult, OfflineGeocoder, geocode,
                       geocode_all, suggestions)
from .resolver import PlaceResolver, Resolution

__all__ = ["DEFAULT_MIN_CONFIDENCE", "LOW_CONFIDENCE", "Candidate", "Gazetteer", "GeocodeResult", "OfflineGeocoder",
           "PlaceResolver", "Resolution", "geocode", "geocode_all", "load_gazetteer", "suggestions"]
