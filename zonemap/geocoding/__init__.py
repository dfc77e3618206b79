"""Geocoding: name normalisation, the gazetteer index, the offline geocoder, online providers and their
cache, the chain of both, and the scenario resolver."""

from .cache import GeocodeCache, default_cache_dir
from .chain import GeocoderChain, PlaceGeocoder, make_geocoder
from .gazetteer import Gazetteer, load_gazetteer
from .geocoder import (DEFAULT_MIN_CONFIDENCE, LOW_CONFIDENCE, Candidate, GeocodeResult, OfflineGeocoder, geocode,
                       geocode_all, suggestions)
from .online import OnlineGeocoder, provider_credit
from .resolver import PlaceResolver, Resolution

__all__ = ["DEFAULT_MIN_CONFIDENCE", "LOW_CONFIDENCE", "Candidate", "Gazetteer", "GeocodeCache", "GeocodeResult",
           "GeocoderChain", "OfflineGeocoder", "OnlineGeocoder", "PlaceGeocoder", "PlaceResolver", "Resolution",
           "default_cache_dir", "geocode", "geocode_all", "load_gazetteer", "make_geocoder", "provider_credit",
           "suggestions"]
