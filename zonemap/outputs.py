"""Writing build outputs: GeoJSON export and atomic file replacement.

A build writes every output to a temporary file beside its destination and
renames them into place only when all of them are complete, so a failed or
interrupted build never leaves a half-written map, and the previous outputs
stay until the new ones are ready.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from .errors import InputError

GEOJSON_DECIMALS = 6


def _clean(value):
    if value is None or (not isinstance(value, (str, list, dict)) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def layers_geojson(layers: Mapping[str, gpd.GeoDataFrame]) -> str:
    """One GeoJSON FeatureCollection holding several layers.

    Parameters
    ----------
    layers
        Layer name → GeoDataFrame (EPSG:4326); each feature gets a ``layer``
        property with the name.

    Returns
    -------
    str
        GeoJSON text (RFC 7946: WGS 84, longitude first), keys sorted.
    """
    features = []
    for layer, frame in layers.items():
        columns = [c for c in frame.columns if c != frame.geometry.name]
        for record, geometry in zip(frame[columns].to_dict("records"), frame.geometry):
            properties = {"layer": layer} | {k: _clean(v) for k, v in record.items()}
            rounded = shapely.set_precision(geometry, 10 ** -GEOJSON_DECIMALS) if geometry is not None else None
            features.append({"type": "Feature", "properties": properties,
                             "geometry": shapely.geometry.mapping(rounded) if rounded is not None else None})
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n"


def write_files(files: Mapping[Path, str | bytes]) -> list[Path]:
    """Write several files so that they all appear complete, or none changes.

    Each file is written to a temporary file in its destination folder,
    flushed to disk, and renamed over the destination only after every file
    has been written.

    Parameters
    ----------
    files
        Destination path → content (text is written as UTF-8).

    Returns
    -------
    list of Path
        The destinations, in the order given.

    Raises
    ------
    InputError
        If a destination folder cannot be created or written to.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for destination, content in files.items():
            destination = Path(destination)
            try:
                destination.parent.mkdir(parents=True, exist_ok=True)
                handle, temporary = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent)
            except OSError as error:
                raise InputError(f"cannot write to {destination.parent}: {error.strerror}") from None
            staged.append((Path(temporary), destination))
            with os.fdopen(handle, "wb") as stream:
                stream.write(content.encode("utf-8") if isinstance(content, str) else content)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, 0o644)
        for temporary, destination in staged:
            os.replace(temporary, destination)
        staged = []
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
    return [Path(p) for p in files]
