"""zonemap: offline briefing maps of conflict de-escalation zones."""

from .data import ATTRIBUTION, GeoData, NamedArea, default_geodata
from .errors import GeocodeError, InputError, ScenarioError, UnknownPlaceError, ZonemapError
from .geocode import Candidate, GeocodeResult, Gazetteer, OfflineGeocoder, geocode, load_gazetteer, suggestions

__version__ = "0.1.0"

__all__ = [
    "ATTRIBUTION", "Candidate", "GeoData", "GeocodeError", "GeocodeResult", "Gazetteer", "InputError", "NamedArea",
    "OfflineGeocoder", "ScenarioError", "UnknownPlaceError", "ZonemapError", "default_geodata", "geocode",
    "load_gazetteer", "suggestions",
]
