"""Great-circle distances, with numpy only (light enough for the geocoder's start-up)."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0


def distance_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in km between points (haversine on a 6,371 km sphere; arrays broadcast).

    Returns
    -------
    numpy.ndarray
    """
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
