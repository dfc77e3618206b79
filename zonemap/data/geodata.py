"""Loading the embedded geodata (boundaries, gazetteer, named areas).

Everything zonemap needs to work offline lives in the repository's
``geodata/`` folder, built by ``scripts/build_geodata.py`` (see
``geodata/SOURCES.md``) and shipped inside the installed package as
``zonemap/geodata``. :class:`GeoData` reads each file on first use; pass your
own instance (or directory) to use another copy of the data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from ..errors import GeodataError
from ..settings import Settings

if TYPE_CHECKING:
    import geopandas as gpd

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def installed_geodata_dir() -> Path:
    """The geodata folder of this installation.

    A wheel carries the data inside the package (``zonemap/geodata``); a
    source checkout (or an editable install) reads the repository's
    top-level ``geodata/``, which is the source of truth.

    Returns
    -------
    pathlib.Path
    """
    inside = _PACKAGE_DIR / "geodata"
    return inside if inside.is_dir() else _PACKAGE_DIR.parent / "geodata"


CREDITS = ("Boundaries and places: OCHA (CC BY-IGO 3.0)", "Boundaries: Natural Earth (public domain)",
           "Places: GeoNames (CC BY 4.0)")
"""What maps made with the embedded data credit; OCHA's data covers Syria only (:func:`credits_for`)."""

SYRIA_BOUNDS = (35.6, 32.3, 42.4, 37.4)
"""Syria's bounding box (west, south, east, north), in degrees."""


def credits_for(bounds: tuple[float, float, float, float], margin_degrees: float = 5.0) -> tuple[str, ...]:
    """The credits of a map of ``bounds``: OCHA's only when Syria may be on it (its layers or the inset).

    Parameters
    ----------
    bounds
        West, south, east, north of the map's area of interest, in degrees.
    margin_degrees
        How far around ``bounds`` the map (with its padding and inset) may reach.
    """
    west, south, east, north = bounds
    near_syria = (west - margin_degrees <= SYRIA_BOUNDS[2] and east + margin_degrees >= SYRIA_BOUNDS[0]
                  and south - margin_degrees <= SYRIA_BOUNDS[3] and north + margin_degrees >= SYRIA_BOUNDS[1])
    return CREDITS if near_syria else CREDITS[1:]



@dataclass(frozen=True)
class NamedArea:
    """An area analysts name that is not a populated place (e.g. Eastern Ghouta).

    Attributes
    ----------
    id, name, name_ar
        Identifier and names.
    governorate
        ISO 3166-2 code of the governorate it lies in.
    buffer_km
        Default buffer around the member towns' hull, in kilometres.
    members
        ``(name, lat, lon)`` of each member town.
    sub_districts
        P-codes of the sub-districts the area is drawn as; empty to draw it
        as the buffered hull of its members.
    note, source
        What it is and where the membership comes from.
    """

    id: str
    name: str
    name_ar: str
    governorate: str
    buffer_km: float
    members: tuple[tuple[str, float, float], ...]
    alternates: tuple[str, ...] = field(default=())
    sub_districts: tuple[str, ...] = field(default=())
    note: str = ""
    source: str = ""


class GeoData:
    """Lazy access to the files of a geodata directory.

    Parameters
    ----------
    directory
        Folder holding the files listed in ``geodata/SOURCES.md``; defaults to
        the copy installed with zonemap (:func:`installed_geodata_dir`).
    """

    def __init__(self, directory: str | Path | None = None):
        self.directory = Path(directory) if directory is not None else installed_geodata_dir()

    def __repr__(self) -> str:
        return f"GeoData({str(self.directory)!r})"

    def path(self, name: str) -> Path:
        """Return the path of one geodata file, failing clearly if it is missing."""
        path = self.directory / name
        if not path.is_file():
            raise GeodataError(f"geodata file {path} is missing; run `make geodata` to rebuild geodata/")
        return path

    def _read(self, name: str) -> gpd.GeoDataFrame:
        import geopandas as gpd  # loaded on first use: geocoding alone does not need it

        frame = gpd.read_file(self.path(name), engine="pyogrio")
        return frame.set_crs("EPSG:4326", allow_override=True)

    @cached_property
    def syria_admin1(self) -> gpd.GeoDataFrame:
        """The 14 governorates of Syria (OCHA), and the UNDOF strip laid over them, full detail."""
        return self._read("syria_admin1.geojson")

    @cached_property
    def syria_admin2(self) -> gpd.GeoDataFrame:
        """The 62 districts of Syria (OCHA), each the union of its sub-districts."""
        return self._read("syria_admin2.geojson")

    @cached_property
    def syria_admin3(self) -> gpd.GeoDataFrame:
        """The 272 sub-districts of Syria (OCHA)."""
        return self._read("syria_admin3.geojson")

    @cached_property
    def region_admin0(self) -> gpd.GeoDataFrame:
        """Outlines of Syria and its neighbours, full detail."""
        return self._read("region_admin0.geojson")

    @cached_property
    def world_admin0(self) -> gpd.GeoDataFrame:
        """Every country, simplified."""
        return self._read("world_admin0.geojson")

    @cached_property
    def world_admin1(self) -> gpd.GeoDataFrame:
        """Every admin-1 unit of the world, simplified."""
        return self._read("world_admin1.geojson")

    def admin1(self, country: str) -> gpd.GeoDataFrame:
        """Admin-1 units of one country: full detail for Syria, simplified elsewhere.

        Parameters
        ----------
        country
            ISO 3166-1 alpha-2 code.

        Returns
        -------
        geopandas.GeoDataFrame
            Columns ``iso_3166_2``, ``name_en``, ``name_ar``, ``is_governorate``,
            ``geometry``, sorted by code.
        """
        country = country.upper()
        if country == "SY":
            frame = self.syria_admin1
        else:
            frame = self.world_admin1[self.world_admin1["iso_a2"] == country].copy()
            frame["is_governorate"] = True
        columns = ["iso_3166_2", "name_en", "name_ar", "is_governorate", "geometry"]
        return frame[columns].sort_values("iso_3166_2").reset_index(drop=True)

    def admin_units(self, country: str, level: int) -> gpd.GeoDataFrame:
        """Districts (``level=2``) or sub-districts (``level=3``) of a country, where the data has them (Syria).

        Parameters
        ----------
        country
            ISO 3166-1 alpha-2 code.
        level
            2 or 3.

        Returns
        -------
        geopandas.GeoDataFrame
            Columns ``pcode``, ``name_en``, ``name_ar``, ``iso_3166_2`` (the
            governorate), ``admin2_pcode`` (for sub-districts), ``geometry``,
            sorted by P-code; empty for countries without them.
        """
        import geopandas as gpd

        columns = ["pcode", "name_en", "name_ar", "iso_3166_2"] + (["admin2_pcode"] if level == 3 else []) + ["geometry"]
        if level not in (2, 3):
            raise ValueError(f"admin level must be 2 or 3, got {level!r}")
        if country.upper() != "SY":
            return gpd.GeoDataFrame({c: [] for c in columns}, geometry="geometry", crs="EPSG:4326")
        frame = self.syria_admin2 if level == 2 else self.syria_admin3
        return frame[columns].sort_values("pcode").reset_index(drop=True)

    @cached_property
    def _all_admin0(self) -> gpd.GeoDataFrame:
        import geopandas as gpd
        import pandas as pd

        region = self.region_admin0
        rest = self.world_admin0[~self.world_admin0["iso_a2"].isin(region["iso_a2"])]
        frame = gpd.GeoDataFrame(pd.concat([region, rest[region.columns]], ignore_index=True), crs=region.crs)
        return frame.sort_values("iso_a2").reset_index(drop=True)

    def admin0(self, country: str | None = None) -> gpd.GeoDataFrame:
        """Country outlines: full detail for Syria's region, simplified elsewhere (a copy, sorted by code)."""
        frame = self._all_admin0
        if country is not None:
            frame = frame[frame["iso_a2"] == country.upper()].reset_index(drop=True)
        return frame.copy()

    @cached_property
    def gazetteer_arrays(self) -> Mapping[str, np.ndarray]:
        """The arrays of ``gazetteer.npz`` (format: :mod:`zonemap.geocoding.index`), each read on first access."""
        return np.load(self.path("gazetteer.npz"), allow_pickle=False)

    @cached_property
    def named_areas(self) -> dict[str, NamedArea]:
        """Named areas by id."""
        records = json.loads(self.path("named_areas.json").read_text(encoding="utf-8"))
        return {
            r["id"]: NamedArea(
                id=r["id"], name=r["name"], name_ar=r["name_ar"], governorate=r["governorate"],
                buffer_km=float(r["buffer_km"]), alternates=tuple(r["alternates"]),
                members=tuple((m["name"], m["lat"], m["lon"]) for m in r["members"]),
                sub_districts=tuple(r.get("subdistricts", ())),
                note=r["note"], source=r["source"],
            )
            for r in records
        }


@lru_cache(maxsize=8)
def _geodata_at(directory: Path) -> GeoData:
    return GeoData(directory)


def default_geodata(settings: Settings | None = None) -> GeoData:
    """The shared :class:`GeoData` of the settings' data folder (loaded once per folder).

    Parameters
    ----------
    settings
        Where ``settings.data_dir`` is set, that folder; otherwise the data
        installed with zonemap.

    Returns
    -------
    GeoData
    """
    data_dir = settings.data_dir if settings is not None and settings.data_dir is not None else installed_geodata_dir()
    return _geodata_at(Path(data_dir).resolve())
