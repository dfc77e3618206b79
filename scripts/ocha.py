"""Process OCHA's Syria datasets (COD-AB boundaries, populated places) into ``geodata/``.

Inputs (read-only, pinned by sha256 in :data:`INPUT_SHA256`)
-----------------------------------------------------------
``syr_admin1..3.shp``, ``syr_admin0.shp``
    OCHA COD-AB for the Syrian Arab Republic (governorates, districts, sub-districts).
``city_neighbourhoods.shp``
    Neighbourhood polygons of the large cities, with a point (``LATITUDE``/``LONGITUDE``).
``populated_places.json``
    OCHA's ``syr_pplp_adm4_unocha`` communities as JSON.

All of them are under CC BY-IGO 3.0; see ``PROVENANCE.md`` next to them. The raw files
are only read here, never by zonemap at run time.

Outputs (in the output folder, normally ``geodata/``)
-----------------------------------------------------
``syria_admin3.geojson``
    The 272 sub-districts, snapped as one coverage to a 1e-5 degree grid.
``syria_admin2.geojson``
    The 62 districts, each the exact union of its sub-districts.
``syria_admin1.geojson``
    The 14 governorates (union of their districts) plus the UNDOF area of separation
    (Natural Earth's outline clipped to OCHA's Syria) as a non-governorate overlay.

The 7,266 communities and 414 city neighbourhoods are returned as points
(:attr:`BuildResult.places`) for ``scripts/build_geodata.py``, which merges them
with GeoNames into the gazetteer. The Natural Earth outlines this step compares
against (Syria, its neighbours and the UNDOF strip) are passed in by that script.

Usage
-----
``make geodata`` (``scripts/build_geodata.py``) runs this step with the rest.
``python scripts/ocha.py --out geodata --check`` runs the self-check on existing outputs.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape

SCRIPTS = Path(__file__).resolve().parent
ROOT = SCRIPTS.parent
CURATED = SCRIPTS / "curated"
DEFAULT_OCHA_DIR = ROOT.parent / "shared" / "data" / "syria-ocha"
DEFAULT_OUT = ROOT / "geodata"

#: Coordinates are written with this many decimals (about 1.1 m) ...
COORD_DECIMALS = 5
#: ... and every boundary is snapped, as one coverage, to the matching grid.
GRID = 10.0 ** -COORD_DECIMALS
#: Holes between sub-districts up to this size (square degrees, about 1 ha) are digitising
#: slivers and go to the neighbour with the longest shared border; a larger hole is an error.
MAX_SLIVER_DEG2 = 1e-6
#: A vertex this far (m) from its snapped outline was on a hair-thin spike that snapping
#: collapsed (grid rounding alone moves a vertex by at most ~0.8 m).
SPIKE_M = 2.0
#: Relative area tolerance of the nesting checks.
NESTING_TOLERANCE = 1e-9
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FOLDER_BYTES = 25 * 1024 * 1024
#: Equal-area projection centred on Syria, for areas in km².
EQUAL_AREA_CRS = "+proj=laea +lat_0=35 +lon_0=38.5 +datum=WGS84 +units=m +no_defs"

ADMIN3_FILE = "syria_admin3.geojson"
ADMIN2_FILE = "syria_admin2.geojson"
ADMIN1_FILE = "syria_admin1.geojson"
OUTPUT_FILES = (ADMIN3_FILE, ADMIN2_FILE, ADMIN1_FILE)

UPSTREAM = ("OCHA Common Operational Datasets for the Syrian Arab Republic: administrative boundaries (COD-AB) "
            "and populated places, via HDX")
SHAPEFILE_SOURCE = "GitHub `romansul/syrian-civil-war` @ `edcf3a4f609cc7a186ca738eee42cafc41817a67`, `syr_admin_shp_utf8_18219/`"
PLACES_SOURCE = "GitHub `hussien-988/habitat-desktop` @ `9b9cc56d411b4fad0c6e70ace21be13386cc1885`, `assets/geojson/populated_places.json`"
LICENCE = "CC BY-IGO 3.0"
CREDIT = "Boundaries and places: OCHA (CC BY-IGO 3.0)"

#: Every raw file this step reads, with its sha256 (from PROVENANCE.md; ``.shx`` measured here).
INPUT_SHA256: dict[str, str] = {
    "syr_admin0.shp": "60c2a9cc51bd062596b97be07607facf4887bd747c00774cd92713a5e6ba15f0",
    "syr_admin0.shx": "63a1193fb3224d1aee1bbf8804215a56d939d4dbab1c2ceda156373ce4ee5dda",
    "syr_admin0.dbf": "7efcd7808b1f42fdcebbc7de415a27ac1528b43fa6f932992491e292f612ec5d",
    "syr_admin0.prj": "a02a27b1d1982c8516d83398e85a3c8b1aef1713c13ef4d84d7bde17430c07c4",
    "syr_admin0.cpg": "3ad3031f5503a4404af825262ee8232cc04d4ea6683d42c5dd0a2f2a27ac9824",
    "syr_admin1.shp": "e82dbe65e2f3ebbb497b8b98e7c0bbd5044a21d0a0ee9a71947fb834ee49d716",
    "syr_admin1.shx": "38e8d7ad50ad2e9c17815647043826b9943737a2e740cacc1dfddcb29c8e8845",
    "syr_admin1.dbf": "de35a30df468903a8d2445c5f1bef5cc7becd0228cf04f10f035d6b79fbd3530",
    "syr_admin1.prj": "a02a27b1d1982c8516d83398e85a3c8b1aef1713c13ef4d84d7bde17430c07c4",
    "syr_admin1.cpg": "3ad3031f5503a4404af825262ee8232cc04d4ea6683d42c5dd0a2f2a27ac9824",
    "syr_admin2.shp": "515c716acf6a06d9b69ed4f90d0f1ceae5ab6178d833e8e7efcbeea871bec05e",
    "syr_admin2.shx": "e69ca2e532b0d7dccca7a5d56280cea8d72b746be7642c1804057f3c6f6ed62d",
    "syr_admin2.dbf": "488665d996608c6d642435ed26fbc2132861ca16855dcb87869523b2e3cfd987",
    "syr_admin2.prj": "a02a27b1d1982c8516d83398e85a3c8b1aef1713c13ef4d84d7bde17430c07c4",
    "syr_admin2.cpg": "3ad3031f5503a4404af825262ee8232cc04d4ea6683d42c5dd0a2f2a27ac9824",
    "syr_admin3.shp": "90bd161ed5a2233f4a7cd0dc8d4e39bca4516d21777612042e43e73d603899f6",
    "syr_admin3.shx": "e95dee037214964f4d4358152a0dbe7889b6cfc0eec72c0b9ec9e554b75504e9",
    "syr_admin3.dbf": "ded9030682ef8e0c76ac1832d12fdfe263c0baec5f90964d7176f7887f6b034b",
    "syr_admin3.prj": "a02a27b1d1982c8516d83398e85a3c8b1aef1713c13ef4d84d7bde17430c07c4",
    "syr_admin3.cpg": "3ad3031f5503a4404af825262ee8232cc04d4ea6683d42c5dd0a2f2a27ac9824",
    "city_neighbourhoods.shp": "176e2c6ae640dafb9b3118063aec3556f4cec3dc7d7428410e083536bbb0aad2",
    "city_neighbourhoods.shx": "b3323c76b01a63437f48f165622341d750380f36421c529a3c2f7a99861d918c",
    "city_neighbourhoods.dbf": "dd54a09c1910c1488f8bf0a3357e2312ac34c0d0059ba0f7c1aef22ff54c7f46",
    "city_neighbourhoods.prj": "a02a27b1d1982c8516d83398e85a3c8b1aef1713c13ef4d84d7bde17430c07c4",
    "city_neighbourhoods.cpg": "3ad3031f5503a4404af825262ee8232cc04d4ea6683d42c5dd0a2f2a27ac9824",
    "populated_places.json": "e8ce6d825fd79b933ba70728054089a643d8df3f42e56674d1f108138d904919",
}

#: OCHA governorate P-code -> (ISO 3166-2, OCHA's English name, OCHA's Arabic name). The
#: names are checked against syr_admin1 so that a renumbering cannot go unnoticed: OCHA
#: numbers SY08-SY14 differently from the usual list (SY08 is Al-Hasakeh, not Tartous).
ADMIN1_ISO: dict[str, tuple[str, str, str]] = {
    "SY01": ("SY-DI", "Damascus", "دمشق"),
    "SY02": ("SY-HL", "Aleppo", "حلب"),
    "SY03": ("SY-RD", "Rural Damascus", "ريف دمشق"),
    "SY04": ("SY-HI", "Homs", "حمص"),
    "SY05": ("SY-HM", "Hama", "حماة"),
    "SY06": ("SY-LA", "Lattakia", "اللاذقية"),
    "SY07": ("SY-ID", "Idleb", "إدلب"),
    "SY08": ("SY-HA", "Al-Hasakeh", "الحسكة"),
    "SY09": ("SY-DY", "Deir-ez-Zor", "دير الزور"),
    "SY10": ("SY-TA", "Tartous", "طرطوس"),
    "SY11": ("SY-RA", "Ar-Raqqa", "الرقة"),
    "SY12": ("SY-DR", "Dar'a", "درعا"),
    "SY13": ("SY-SU", "As-Sweida", "السويداء"),
    "SY14": ("SY-QU", "Quneitra", "القنيطرة"),
}

#: Names that are more than a whitespace problem: (P-code, field) -> (raw value, fixed value).
#: Both are multi-line cells where the name was pasted three times (once mistyped).
NAME_FIXES: dict[tuple[str, str], tuple[str, str]] = {
    ("C8337", "name_ar"): ("طويرش\r\nطويرش\r\nطةيسرش", "طويرش"),
    ("N0164", "name_ar"): ("الدلالين\r\nالدلالين\r\nالدلالين", "الدلالين"),
}

#: Placeholder values of the neighbourhoods' AREA_EN that mean "no area".
EMPTY_MARKERS = {"", "<Null>"}

UNDOF_CODE = "SY-UNDOF"
UNDOF_NAME_EN = "UNDOF area of separation"
UNDOF_NAME_AR = "منطقة الفصل (أندوف)"
UNDOF_NOTE = ("UN Disengagement Observer Force area of separation (1974 disengagement agreement): Natural "
              "Earth's outline clipped to OCHA's Syria. An overlay, not a governorate: the ground it covers "
              "also belongs to the governorate features.")

ADMIN3_COLUMNS = ("pcode", "name_en", "name_ar", "admin2_pcode", "admin1_pcode", "iso_3166_2")
ADMIN2_COLUMNS = ("pcode", "name_en", "name_ar", "admin1_pcode", "iso_3166_2")
ADMIN1_COLUMNS = ("pcode", "iso_3166_2", "name_en", "name_ar", "name_en_ocha", "is_governorate", "note", "alternates")
PLACE_COLUMNS = ("pcode", "kind", "name_en", "name_ar", "lat", "lon", "admin3_pcode", "admin2_pcode",
                 "admin1_pcode", "is_capital", "parent_pcode", "city_area")

EXPECTED_COUNTS = {"admin3": 272, "admin2": 62, "admin1": 14, "community": 7266, "neighbourhood": 414}


class OchaError(RuntimeError):
    """The OCHA inputs are missing, altered or inconsistent, or an output fails its check."""


# --------------------------------------------------------------------------- inputs


def sha256_file(path: Path) -> str:
    """Hex sha256 digest of a file.

    Parameters
    ----------
    path
        File to hash.

    Returns
    -------
    str
        64 lowercase hex digits.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_inputs(ocha_dir: Path) -> dict[str, str]:
    """Check every pinned input file against its sha256.

    Parameters
    ----------
    ocha_dir
        Folder holding OCHA's raw Syria files.

    Returns
    -------
    dict of str to str
        File name to verified digest.

    Raises
    ------
    OchaError
        If the folder or a file is missing, or a file's digest differs from the pin.
    """
    if not ocha_dir.is_dir():
        raise OchaError(f"OCHA input folder not found: {ocha_dir} (pass --ocha-dir)")
    problems = []
    for name, expected in INPUT_SHA256.items():
        path = ocha_dir / name
        if not path.is_file():
            problems.append(f"  {name}: missing")
            continue
        actual = sha256_file(path)
        if actual != expected:
            problems.append(f"  {name}: sha256 {actual}, expected {expected}")
    if problems:
        raise OchaError(f"OCHA inputs in {ocha_dir} do not match the pinned checksums "
                        "(scripts/ocha.py INPUT_SHA256):\n" + "\n".join(problems))
    return dict(INPUT_SHA256)


def clean_name(value: Any) -> str:
    """Strip a name and collapse every run of whitespace to one space.

    Parameters
    ----------
    value
        Raw attribute value; ``None`` and NaN become ``""``.

    Returns
    -------
    str
        The cleaned name; nothing but whitespace is changed.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return " ".join(str(value).split())


def fixed_name(pcode: str, field_name: str, raw: Any) -> str:
    """Apply :data:`NAME_FIXES`, then :func:`clean_name`.

    Parameters
    ----------
    pcode, field_name
        Which record and field the value belongs to.
    raw
        The value as read.

    Returns
    -------
    str
        The cleaned (and, for the few listed records, corrected) name.

    Raises
    ------
    OchaError
        If a listed record no longer holds the raw value the fix was written for.
    """
    fix = NAME_FIXES.get((pcode, field_name))
    if fix is not None:
        expected, replacement = fix
        if raw != expected:
            raise OchaError(f"NAME_FIXES[{pcode!r}, {field_name!r}] expects {expected!r}, found {raw!r}")
        return replacement
    return clean_name(raw)


def read_layer(path: Path) -> tuple[list[dict[str, Any]], np.ndarray]:
    """Read a shapefile's attributes and geometries.

    Parameters
    ----------
    path
        The ``.shp`` file.

    Returns
    -------
    records : list of dict
        One dict of attributes per feature (NaN for missing values).
    geometries : numpy.ndarray of shapely geometries
    """
    import pyogrio

    frame = pyogrio.read_dataframe(path)
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise OchaError(f"{path.name}: expected WGS 84 (EPSG:4326), found {frame.crs}")
    records = frame.drop(columns="geometry").to_dict(orient="records")
    return records, np.asarray(frame.geometry.values, dtype=object)


def read_governorate_names() -> dict[str, dict[str, str]]:
    """The project's English governorate names, by ISO 3166-2 code.

    Returns
    -------
    dict of str to dict
        Rows of ``scripts/curated/syria_governorates.csv``.
    """
    with open(CURATED / "syria_governorates.csv", encoding="utf-8", newline="") as handle:
        return {row["iso_3166_2"]: row for row in csv.DictReader(handle)}


# --------------------------------------------------------------------------- geometry


@dataclass
class SnapStats:
    """What snapping a coverage to the grid did."""

    faces: int = 0
    slivers_filled: int = 0
    sliver_area_m2: float = 0.0
    largest_sliver_m2: float = 0.0
    max_relative_area_change: float = 0.0
    max_vertex_shift_m: float = 0.0
    #: Input polygons with vertices more than :data:`SPIKE_M` from their snapped outline
    #: (hair-thin spikes that snap-rounding collapsed, or the rim of a filled sliver), with
    #: the largest such distance in metres.
    spikes_removed: dict[str, float] = field(default_factory=dict)


def equal_area(geometry: Any) -> Any:
    """Project lon/lat geometries to :data:`EQUAL_AREA_CRS` (metres).

    Parameters
    ----------
    geometry
        A shapely geometry or array of them, in EPSG:4326.

    Returns
    -------
    Same shape as ``geometry``, projected.
    """
    from pyproj import Transformer

    transformer = Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, project)


def area_km2(geometry: Any) -> float:
    """Area of a lon/lat geometry in km², in :data:`EQUAL_AREA_CRS`."""
    return float(np.sum(shapely.area(equal_area(geometry)))) / 1e6


def snap_coverage(polygons: np.ndarray, labels: list[str] | None = None, grid: float = GRID,
                  max_sliver: float = MAX_SLIVER_DEG2) -> tuple[np.ndarray, SnapStats]:
    """Snap a polygon coverage to a grid without opening gaps or overlaps.

    Rounding each polygon on its own bends a shared border differently on its two sides
    (snap-rounding reacts to each polygon's own nearby vertices), which opens slivers.
    Here all borders are noded and snap-rounded together, the plane is cut into faces
    along them, and every face goes to the input polygon that covers most of it. Faces no
    input covers (digitising holes between neighbours) go to the neighbour sharing the
    longest border with them.

    Parameters
    ----------
    polygons
        Input polygons (lon/lat), meant to tile an area.
    labels
        Names of the polygons for messages and statistics (default: their index).
    grid
        Grid spacing in degrees.
    max_sliver
        Largest hole, in square degrees, that may be filled.

    Returns
    -------
    snapped : numpy.ndarray of shapely geometries
        One (multi)polygon per input, vertices on the grid, exterior rings
        counter-clockwise; together a valid coverage.
    stats : SnapStats
        Faces, filled slivers and how much area moved.

    Raises
    ------
    OchaError
        If a hole is larger than ``max_sliver``, a polygon ends up empty, or the result
        is not a valid coverage.
    """
    stats = SnapStats()
    labels = labels if labels is not None else [str(i) for i in range(len(polygons))]
    lines = shapely.union_all(shapely.boundary(polygons), grid_size=grid)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    stats.faces = len(faces)
    face_area = shapely.area(faces)

    tree = shapely.STRtree(polygons)
    face_index, owner_index = tree.query(faces, predicate="intersects")
    order = np.lexsort((owner_index, face_index))
    face_index, owner_index = face_index[order], owner_index[order]
    shared = shapely.area(shapely.intersection(faces[face_index], polygons[owner_index]))
    owner = np.full(len(faces), -1, dtype=np.int64)
    best = np.zeros(len(faces))
    for f, o, a in zip(face_index.tolist(), owner_index.tolist(), shared.tolist(), strict=True):
        if a > best[f]:
            owner[f], best[f] = o, a
    is_gap = best < 0.5 * face_area
    owner[is_gap] = -1

    gaps = np.flatnonzero(is_gap).tolist()
    too_big = [i for i in gaps if face_area[i] > max_sliver]
    if too_big:
        where = ", ".join(shapely.point_on_surface(faces[i]).wkt for i in too_big)
        raise OchaError(f"{len(too_big)} uncovered hole(s) larger than {max_sliver} square degrees at {where}")
    face_tree = shapely.STRtree(faces)
    while gaps:
        unresolved = []
        for gap in gaps:
            lengths: dict[int, float] = {}
            for other in face_tree.query(faces[gap], predicate="touches").tolist():
                if owner[other] < 0:
                    continue
                length = shapely.length(shapely.intersection(faces[gap].boundary, faces[other].boundary))
                lengths[int(owner[other])] = lengths.get(int(owner[other]), 0.0) + float(length)
            if not lengths:
                unresolved.append(gap)
                continue
            owner[gap] = max(sorted(lengths), key=lambda k: lengths[k])
            stats.slivers_filled += 1
        if len(unresolved) == len(gaps):
            raise OchaError(f"{len(gaps)} hole(s) between polygons touch no polygon")
        gaps = unresolved
    if stats.slivers_filled:
        sliver_m2 = shapely.area(equal_area(faces[is_gap]))
        stats.sliver_area_m2 = float(sliver_m2.sum())
        stats.largest_sliver_m2 = float(sliver_m2.max())

    snapped = np.empty(len(polygons), dtype=object)
    for i in range(len(polygons)):
        mine = faces[owner == i]
        if len(mine) == 0:
            raise OchaError(f"polygon {labels[i]} vanished when snapped to a {grid} degree grid")
        snapped[i] = shapely.orient_polygons(shapely.coverage_union_all(mine), exterior_cw=False)
    if not shapely.is_valid(snapped).all():
        raise OchaError("snapping produced invalid polygons")
    if not shapely.coverage_is_valid(snapped):
        raise OchaError("snapped polygons do not form a valid coverage")
    stats.max_relative_area_change = float(np.max(np.abs(shapely.area(snapped) / shapely.area(polygons) - 1)))
    projected = equal_area(shapely.boundary(snapped))
    for i, ring in enumerate(equal_area(shapely.boundary(polygons))):
        shift = shapely.distance(shapely.points(shapely.get_coordinates(ring)), projected[i])
        if shift.max() > SPIKE_M:
            stats.spikes_removed[labels[i]] = round(float(shift.max()))
        else:
            stats.max_vertex_shift_m = max(stats.max_vertex_shift_m, float(shift.max()))
    return snapped, stats


def dissolve(polygons: np.ndarray, keys: list[str]) -> dict[str, Any]:
    """Union the polygons of a coverage that share a key.

    Parameters
    ----------
    polygons
        Polygons forming a valid coverage (shared edges identical).
    keys
        Group key of each polygon.

    Returns
    -------
    dict of str to shapely geometry
        Key to the union of its polygons (exterior rings counter-clockwise), sorted by key.
    """
    groups: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        groups.setdefault(key, []).append(index)
    return {key: shapely.orient_polygons(shapely.coverage_union_all(polygons[groups[key]]), exterior_cw=False)
            for key in sorted(groups)}


def _rounded(coords: Any) -> Any:
    if isinstance(coords, (list, tuple)):
        if coords and isinstance(coords[0], float):
            return [round(c, COORD_DECIMALS) for c in coords]
        return [_rounded(c) for c in coords]
    return coords


def geojson_feature(geometry: Any, properties: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON feature with coordinates rounded to :data:`COORD_DECIMALS` decimals."""
    geo = mapping(geometry)
    return {"type": "Feature", "properties": properties,
            "geometry": {"type": geo["type"], "coordinates": _rounded(geo["coordinates"])}}


def write_feature_collection(path: Path, features: list[dict[str, Any]]) -> None:
    """Write a FeatureCollection, one feature per line, UTF-8, no trailing spaces.

    Parameters
    ----------
    path
        Output file.
    features
        Features in the order to write them; property order is kept as given.
    """
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- build


@dataclass
class BuildResult:
    """Everything :func:`build` made and found, for SOURCES.md and the report."""

    outputs: list[Path]
    counts: dict[str, int]
    snap: SnapStats
    vertices: dict[str, int]
    places: dict[str, Any]
    natural_earth: dict[str, Any]
    agreement: dict[str, Any]
    name_fixes: list[str] = field(default_factory=list)
    governorates: list[dict] = field(default_factory=list)
    districts: list[dict] = field(default_factory=list)
    sub_districts: list[dict] = field(default_factory=list)
    outline: Any = None
    place_rows: list[dict] = field(default_factory=list)


def build_admin(ocha_dir: Path) -> tuple[list[dict], list[dict], list[dict], SnapStats, dict[str, Any]]:
    """Read, snap and dissolve the boundaries.

    Parameters
    ----------
    ocha_dir
        Verified OCHA input folder.

    Returns
    -------
    admin3, admin2, admin1 : list of dict
        Records with the output properties and a ``geometry``, sorted by P-code.
    stats : SnapStats
        What snapping the sub-districts did.
    agreement : dict
        How far the dissolved districts, governorates and country are from OCHA's own
        ``syr_admin2``, ``syr_admin1`` and ``syr_admin0`` polygons (km² of symmetric
        difference: the largest unit, and in all).

    Raises
    ------
    OchaError
        On inconsistent codes or names between the levels.
    """
    raw0, geometries0 = read_layer(ocha_dir / "syr_admin0.shp")
    raw1, geometries1 = read_layer(ocha_dir / "syr_admin1.shp")
    raw2, geometries2 = read_layer(ocha_dir / "syr_admin2.shp")
    raw3, geometries3 = read_layer(ocha_dir / "syr_admin3.shp")
    curated = read_governorate_names()

    names1 = {r["PCODE"]: r for r in raw1}
    if set(names1) != set(ADMIN1_ISO):
        raise OchaError(f"syr_admin1 P-codes {sorted(names1)} differ from ADMIN1_ISO {sorted(ADMIN1_ISO)}")
    for pcode, (iso, name_en, name_ar) in ADMIN1_ISO.items():
        found = (clean_name(names1[pcode]["NAME_EN"]), clean_name(names1[pcode]["NAME_AR"]))
        if found != (name_en, name_ar):
            raise OchaError(f"{pcode} is {found} in syr_admin1, ADMIN1_ISO expects {(name_en, name_ar)} for {iso}")
        if iso not in curated:
            raise OchaError(f"{iso} missing from scripts/curated/syria_governorates.csv")
    names2 = {r["PCODE"]: r for r in raw2}

    order = sorted(range(len(raw3)), key=lambda i: raw3[i]["PCODE"])
    raw3 = [raw3[i] for i in order]
    geometries3 = geometries3[order]
    codes3 = [r["PCODE"] for r in raw3]
    if len(set(codes3)) != len(codes3):
        raise OchaError("duplicate sub-district P-codes in syr_admin3")
    for r in raw3:
        parent = names2.get(r["ADM2_PCODE"])
        if parent is None:
            raise OchaError(f"sub-district {r['PCODE']} has unknown district {r['ADM2_PCODE']}")
        if parent["ADM1_PCODE"] != r["ADM1_PCODE"]:
            raise OchaError(f"sub-district {r['PCODE']}: governorate {r['ADM1_PCODE']} but its district is in {parent['ADM1_PCODE']}")
    unused = set(names2) - {r["ADM2_PCODE"] for r in raw3}
    if unused:
        raise OchaError(f"districts without sub-districts: {sorted(unused)}")

    snapped, stats = snap_coverage(shapely.make_valid(geometries3), codes3)

    admin3 = [{"pcode": r["PCODE"], "name_en": clean_name(r["NAME_EN"]), "name_ar": clean_name(r["NAME_AR"]),
               "admin2_pcode": r["ADM2_PCODE"], "admin1_pcode": r["ADM1_PCODE"],
               "iso_3166_2": ADMIN1_ISO[r["ADM1_PCODE"]][0], "geometry": g}
              for r, g in zip(raw3, snapped, strict=True)]
    districts = dissolve(snapped, [r["admin2_pcode"] for r in admin3])
    admin2 = [{"pcode": code, "name_en": clean_name(names2[code]["NAME_EN"]), "name_ar": clean_name(names2[code]["NAME_AR"]),
               "admin1_pcode": names2[code]["ADM1_PCODE"], "iso_3166_2": ADMIN1_ISO[names2[code]["ADM1_PCODE"]][0],
               "geometry": g} for code, g in districts.items()]
    governorates = dissolve(np.array([d["geometry"] for d in admin2], dtype=object), [d["admin1_pcode"] for d in admin2])
    admin1 = []
    for code, g in governorates.items():
        iso = ADMIN1_ISO[code][0]
        name_en_ocha = clean_name(names1[code]["NAME_EN"])
        alternates = [a for a in curated[iso]["alternates"].split("|") + [name_en_ocha] if a and a != curated[iso]["name_en"]]
        admin1.append({"pcode": code, "iso_3166_2": iso, "name_en": curated[iso]["name_en"],
                       "name_ar": clean_name(names1[code]["NAME_AR"]), "name_en_ocha": name_en_ocha,
                       "is_governorate": True, "note": "", "alternates": "|".join(dict.fromkeys(alternates)), "geometry": g})

    agreement: dict[str, Any] = {}
    for label, records, geometries, dissolved in (("districts vs syr_admin2", raw2, geometries2, districts),
                                                  ("governorates vs syr_admin1", raw1, geometries1, governorates),
                                                  ("country vs syr_admin0", raw0, geometries0,
                                                   {r["PCODE"]: shapely.coverage_union_all(snapped) for r in raw0})):
        differences = {r["PCODE"]: area_km2(shapely.symmetric_difference(dissolved[r["PCODE"]], shapely.make_valid(g)))
                       for r, g in zip(records, geometries, strict=True)}
        worst = max(sorted(differences), key=lambda k: differences[k])
        agreement[label] = {"total_km2": round(sum(differences.values()), 3), "worst": worst,
                            "worst_km2": round(differences[worst], 3)}
    return admin3, admin2, admin1, stats, agreement


def _widest_km(pieces: list[Any]) -> float:
    """Diameter (km) of the largest circle fitting in any of the pieces."""
    best = 0.0
    for piece in pieces:
        projected = equal_area(piece)
        circle = shapely.maximum_inscribed_circle(projected, tolerance=10.0)
        best = max(best, 2 * shapely.length(circle))
    return best / 1000


def compare_with_natural_earth(outline: Any, governorates: list[dict], countries: dict[str, Any],
                               undof: Any) -> dict[str, Any]:
    """Compare OCHA's Syria with Natural Earth's, and place the UNDOF strip.

    Parameters
    ----------
    outline
        OCHA's Syria (union of the governorates).
    governorates
        OCHA governorate records (``iso_3166_2``, ``geometry``).
    countries
        Natural Earth outlines by ISO alpha-2 (must include ``SY``).
    undof
        Natural Earth's UNDOF area of separation.

    Returns
    -------
    dict
        Areas in km² (rounded), the share of the difference by neighbour, and the UNDOF split.
    """
    syria = countries["SY"]
    neighbours = {code: g for code, g in sorted(countries.items()) if code != "SY"}
    only_ocha = shapely.difference(outline, syria)
    only_ne = shapely.difference(syria, outline)
    result: dict[str, Any] = {
        "ocha_km2": round(area_km2(outline)),
        "natural_earth_km2": round(area_km2(syria)),
        "symmetric_difference_km2": round(area_km2(only_ocha) + area_km2(only_ne), 1),
        "ocha_not_ne_km2": round(area_km2(only_ocha), 1),
        "ne_not_ocha_km2": round(area_km2(only_ne), 1),
    }
    # Where OCHA's Syria reaches beyond Natural Earth's: inside which NE neighbour?
    beyond: dict[str, float] = {}
    rest = only_ocha
    for code, g in neighbours.items():
        part = shapely.intersection(only_ocha, g)
        if not part.is_empty:
            beyond[code] = round(area_km2(part), 1)
            rest = shapely.difference(rest, g)
    beyond["sea or none"] = round(area_km2(rest), 1)
    result["ocha_not_ne_by_ne_country_km2"] = beyond
    # Where Natural Earth's Syria reaches beyond OCHA's: along which neighbour's border?
    along: dict[str, float] = {}
    pieces = [p for p in shapely.get_parts(only_ne) if not p.is_empty]
    for piece in pieces:
        distances = {code: shapely.distance(piece, g) for code, g in neighbours.items()}
        code = min(sorted(distances), key=lambda c: distances[c])
        label = code if distances[code] < 0.02 else "coast"
        along[label] = along.get(label, 0.0) + area_km2(piece)
    result["ne_not_ocha_by_border_km2"] = {k: round(v, 1) for k, v in sorted(along.items())}
    golan = shapely.intersection(outline, neighbours["IL"]) if "IL" in neighbours else shapely.Polygon()
    result["golan_in_ocha_km2"] = round(area_km2(golan), 1)
    result["golan_bounds"] = [round(v, 3) for v in golan.bounds] if not golan.is_empty else []
    border_slivers = [p for p in shapely.get_parts(shapely.difference(only_ocha, golan.buffer(1e-4)))]
    result["widest_border_sliver_km"] = round(max(_widest_km(border_slivers), _widest_km(pieces)), 1)
    # The UNDOF strip.
    undof_km2 = area_km2(undof)
    result["undof_km2"] = round(undof_km2, 1)
    result["undof_in_ocha_share"] = round(area_km2(shapely.intersection(undof, outline)) / undof_km2, 4)
    result["undof_by_governorate_share"] = {
        g["iso_3166_2"]: round(area_km2(shapely.intersection(undof, g["geometry"])) / undof_km2, 4)
        for g in governorates if shapely.intersects(undof, g["geometry"])
        and area_km2(shapely.intersection(undof, g["geometry"])) > 0.01}
    outside = shapely.difference(undof, outline)
    result["undof_outside_ocha_km2"] = round(area_km2(outside), 1)
    result["undof_outside_ocha_pieces"] = [
        {"km2": round(area_km2(piece), 1), "lat_lon": [round(c, 3) for c in shapely.point_on_surface(piece).coords[0][::-1]]}
        for piece in sorted(shapely.get_parts(outside), key=lambda g: -g.area) if area_km2(piece) > 0.05]
    return result


def undof_feature(undof: Any, outline: Any) -> dict[str, Any]:
    """The UNDOF overlay record: Natural Earth's strip clipped to OCHA's Syria, on the grid."""
    clipped = shapely.intersection(undof, outline, grid_size=GRID)
    polygons = [p for p in shapely.get_parts(clipped) if p.geom_type == "Polygon" and not p.is_empty]
    geometry = shapely.orient_polygons(shapely.union_all(polygons, grid_size=GRID), exterior_cw=False)
    return {"pcode": "", "iso_3166_2": UNDOF_CODE, "name_en": UNDOF_NAME_EN, "name_ar": UNDOF_NAME_AR,
            "name_en_ocha": "", "is_governorate": False, "note": UNDOF_NOTE,
            "alternates": "UNDOF|UNDOF zone|Golan area of separation|area of separation", "geometry": geometry}


def _geodesic_m(point: Any, polygon: Any) -> float:
    """Geodesic distance (m) from a point to the nearest point of a polygon."""
    from pyproj import Geod

    (x1, y1), (x2, y2) = shapely.shortest_line(point, polygon).coords
    return float(Geod(ellps="WGS84").inv(x1, y1, x2, y2)[2])


def build_places(ocha_dir: Path, admin3: list[dict]) -> tuple[list[dict], dict[str, Any], list[str]]:
    """Communities and neighbourhoods as points, with their quality report.

    Parameters
    ----------
    ocha_dir
        Verified OCHA input folder.
    admin3
        Snapped sub-district records (``pcode``, ``admin2_pcode``, ``admin1_pcode``, ``geometry``).

    Returns
    -------
    rows : list of dict
        CSV rows (:data:`PLACE_COLUMNS`), sorted by P-code.
    report : dict
        Counts of problems found (points outside their sub-district, unknown codes...).
    fixes : list of str
        The name corrections applied.

    Raises
    ------
    OchaError
        If a P-code repeats, a name is empty, or a parent code is unknown or inconsistent.
    """
    units = {u["pcode"]: u for u in admin3}
    communities = json.loads((ocha_dir / "populated_places.json").read_text(encoding="utf-8"))
    raw_nb, nb_polygons = read_layer(ocha_dir / "city_neighbourhoods.shp")
    fixes = [f"{pcode} {fld}: {raw!r} -> {new!r}" for (pcode, fld), (raw, new) in NAME_FIXES.items()]

    rows: list[dict] = []
    for c in communities:
        rows.append({"pcode": c["pcode"], "kind": "community",
                     "name_en": fixed_name(c["pcode"], "name_en", c["name_en"]),
                     "name_ar": fixed_name(c["pcode"], "name_ar", c["name_ar"]),
                     "lat": float(c["lat"]), "lon": float(c["lng"]), "admin3_pcode": c["admin3_pcode"],
                     "admin2_pcode": c["admin2_pcode"], "admin1_pcode": c["admin1_pcode"],
                     "is_capital": 1 if c["is_capital"] is True else 0, "parent_pcode": "", "city_area": "",
                     "city_area_ar": ""})
    n_communities = len(rows)
    community_codes = {r["pcode"] for r in rows}

    nb_moved: list[dict] = []
    for r, polygon in zip(raw_nb, nb_polygons, strict=True):
        lat, lon = float(r["LATITUDE"]), float(r["LONGITUDE"])
        polygon = shapely.make_valid(polygon)
        if not shapely.covers(polygon, shapely.Point(lon, lat)):
            inner = shapely.point_on_surface(polygon)
            nb_moved.append({"pcode": r["PCODE"], "name_en": clean_name(r["NAME_EN"]),
                             "given_to_polygon_m": round(_geodesic_m(shapely.Point(lon, lat), polygon))})
            lon, lat = inner.x, inner.y
        area, area_ar = clean_name(r["AREA_EN"]), clean_name(r["AREA_AR"])
        rows.append({"pcode": r["PCODE"], "kind": "neighbourhood",
                     "name_en": fixed_name(r["PCODE"], "name_en", r["NAME_EN"]),
                     "name_ar": fixed_name(r["PCODE"], "name_ar", r["NAME_AR"]),
                     "lat": lat, "lon": lon, "admin3_pcode": r["ADM3_PCODE"], "admin2_pcode": r["ADM2_PCODE"],
                     "admin1_pcode": r["ADM1_PCODE"], "is_capital": 0, "parent_pcode": r["ADM4_PCODE"],
                     "city_area": "" if area in EMPTY_MARKERS else area,
                     "city_area_ar": "" if area in EMPTY_MARKERS or area_ar in EMPTY_MARKERS else area_ar})

    codes = [r["pcode"] for r in rows]
    duplicates = sorted({c for c in codes if codes.count(c) > 1}) if len(set(codes)) != len(codes) else []
    empty = [(r["pcode"], k) for r in rows for k in ("name_en", "name_ar") if not r[k]]
    unknown_admin3 = [r["pcode"] for r in rows if r["admin3_pcode"] not in units]
    bad_parents = [r["pcode"] for r in rows if r["admin3_pcode"] in units
                   and (units[r["admin3_pcode"]]["admin2_pcode"], units[r["admin3_pcode"]]["admin1_pcode"])
                   != (r["admin2_pcode"], r["admin1_pcode"])]
    orphans = [r["pcode"] for r in rows if r["kind"] == "neighbourhood" and r["parent_pcode"] not in community_codes]
    if duplicates or empty or unknown_admin3 or bad_parents or orphans:
        raise OchaError(f"places: duplicate P-codes {duplicates[:10]}, empty names {empty[:10]}, unknown "
                        f"sub-districts {unknown_admin3[:10]}, inconsistent parents {bad_parents[:10]}, "
                        f"neighbourhoods of unknown communities {orphans[:10]}")

    # Points against their own sub-district.
    geometries = np.array([u["geometry"] for u in admin3], dtype=object)
    index_of = {u["pcode"]: i for i, u in enumerate(admin3)}
    tree = shapely.STRtree(geometries)
    outliers: dict[str, list[dict]] = {"community": [], "neighbourhood": []}
    for r in rows:
        point = shapely.Point(round(r["lon"], COORD_DECIMALS), round(r["lat"], COORD_DECIMALS))
        own = geometries[index_of[r["admin3_pcode"]]]
        if shapely.covers(own, point):
            continue
        hits = tree.query(point, predicate="covered_by").tolist()
        outliers[r["kind"]].append({"pcode": r["pcode"], "name_en": r["name_en"], "admin3_pcode": r["admin3_pcode"],
                                    "falls_in": admin3[hits[0]]["pcode"] if hits else "outside Syria",
                                    "distance_m": round(_geodesic_m(point, own))})
    report: dict[str, Any] = {
        "communities": n_communities,
        "neighbourhoods": len(rows) - n_communities,
        "duplicate_pcodes": len(duplicates),
        "empty_names": len(empty),
        "unknown_admin3_pcodes": len(unknown_admin3),
        "sub_districts_without_communities": sorted(set(units) - {r["admin3_pcode"] for r in rows if r["kind"] == "community"}),
        "capitals": [r["pcode"] for r in rows if r["is_capital"]],
        "neighbourhood_points_outside_own_polygon": nb_moved,
        "outside_own_sub_district": {},
    }
    for kind, found in outliers.items():
        found.sort(key=lambda o: -o["distance_m"])
        report["outside_own_sub_district"][kind] = {
            "count": len(found),
            "outside_syria": sum(o["falls_in"] == "outside Syria" for o in found),
            "in_another_sub_district": [o for o in found if o["falls_in"] != "outside Syria"],
            "max_distance_m": found[0]["distance_m"] if found else 0,
            "median_distance_m": float(np.median([o["distance_m"] for o in found])) if found else 0,
            "over_1km": sum(o["distance_m"] > 1000 for o in found), "worst": found[:8]}
    rows.sort(key=lambda r: (r["pcode"][0], int(r["pcode"][1:])))
    return rows, report, fixes


def build(ocha_dir: Path, out: Path, countries: dict[str, Any], undof: Any,
          alternates: dict[str, list[str]] | None = None) -> BuildResult:
    """Verify the inputs and write the three OCHA boundary files; return the places too.

    Parameters
    ----------
    ocha_dir
        Folder with OCHA's raw files (checked against :data:`INPUT_SHA256`).
    out
        Output folder (normally ``geodata/``).
    countries
        Natural Earth outlines of Syria and its neighbours, by ISO alpha-2 code.
    undof
        Natural Earth's UNDOF area of separation.
    alternates
        More spellings of each governorate by ISO code (Natural Earth's), added to its ``alternates``.

    Returns
    -------
    BuildResult
        Paths written, the governorates and the outline, the places, counts,
        snapping statistics and the quality report.
    """
    verify_inputs(ocha_dir)
    out.mkdir(parents=True, exist_ok=True)
    admin3, admin2, admin1, snap, agreement = build_admin(ocha_dir)
    for unit in admin1:
        more = [a for a in (alternates or {}).get(unit["iso_3166_2"], []) if a and a != unit["name_en"]]
        unit["alternates"] = "|".join(dict.fromkeys(unit["alternates"].split("|") + more))
    outline = shapely.coverage_union_all(np.array([g["geometry"] for g in admin1], dtype=object))
    comparison = compare_with_natural_earth(outline, admin1, countries, undof)
    overlay = undof_feature(undof, outline)

    write_feature_collection(out / ADMIN3_FILE, [geojson_feature(u["geometry"], {k: u[k] for k in ADMIN3_COLUMNS}) for u in admin3])
    write_feature_collection(out / ADMIN2_FILE, [geojson_feature(u["geometry"], {k: u[k] for k in ADMIN2_COLUMNS}) for u in admin2])
    write_feature_collection(out / ADMIN1_FILE, [geojson_feature(u["geometry"], {k: u[k] for k in ADMIN1_COLUMNS})
                                                 for u in admin1 + [overlay]])
    rows, places_report, fixes = build_places(ocha_dir, admin3)

    vertices = {name: int(sum(shapely.get_num_coordinates(u["geometry"]) for u in layer))
                for name, layer in ((ADMIN3_FILE, admin3), (ADMIN2_FILE, admin2), (ADMIN1_FILE, admin1 + [overlay]))}
    counts = {"sub-districts": len(admin3), "districts": len(admin2), "governorates": len(admin1),
              "communities": places_report["communities"], "neighbourhoods": places_report["neighbourhoods"]}
    return BuildResult(outputs=[out / n for n in OUTPUT_FILES], counts=counts, snap=snap, vertices=vertices,
                       places=places_report, natural_earth=comparison, agreement=agreement, name_fixes=fixes,
                       governorates=admin1 + [overlay], districts=admin2, sub_districts=admin3, outline=outline,
                       place_rows=rows)


# --------------------------------------------------------------------------- SOURCES.md


@dataclass
class SourcesFragment:
    """The OCHA lines of each section of ``geodata/SOURCES.md``."""

    table_rows: list[str]
    input_checksums: list[str]
    processing: list[str]
    counts: list[str]
    output_checksums: list[str]
    attribution: list[str]


def sources_fragment(result: BuildResult) -> SourcesFragment:
    """Render the OCHA lines of ``SOURCES.md`` from a build.

    Parameters
    ----------
    result
        What :func:`build` returned.

    Returns
    -------
    SourcesFragment
    """
    s, ne, p = result.snap, result.natural_earth, result.places
    outside = p["outside_own_sub_district"]["community"]
    undof_split = ", ".join(f"{k} {v:.1%}" for k, v in ne["undof_by_governorate_share"].items())
    beyond = ", ".join(f"{k} {v:,.0f}" for k, v in ne["ocha_not_ne_by_ne_country_km2"].items())
    along = ", ".join(f"{k} {v:,.0f}" for k, v in ne["ne_not_ocha_by_border_km2"].items())
    processing = [
        (f"`syria_admin3.geojson`: the {result.counts['sub-districts']} sub-districts of `syr_admin3`, snapped as one "
         f"coverage to a {GRID:g} degree grid: all borders noded and snap-rounded together, the plane cut into faces "
         f"along them ({s.faces} faces), each face given to the sub-district covering most of it (uncovered holes of "
         f"up to {MAX_SLIVER_DEG2:g} square degrees would go to the neighbour with the longest shared border: "
         f"{s.slivers_filled} found). Borders moved by at most {s.max_vertex_shift_m:.1f} m and areas by at most "
         f"{s.max_relative_area_change:.1e} (relative), except for {len(s.spikes_removed)} hair-thin digitising spikes "
         f"that collapsed ({', '.join(f'{k} {v:,.0f} m' for k, v in sorted(s.spikes_removed.items()))}). Not simplified: "
         f"{result.vertices[ADMIN3_FILE]:,} vertices. Names are OCHA's with whitespace collapsed; `iso_3166_2` from the "
         "governorate P-code (`ADMIN1_ISO` in `scripts/ocha.py`, checked against OCHA's names: OCHA numbers "
         "SY08-SY14 Al-Hasakeh, Deir-ez-Zor, Tartous, Ar-Raqqa, Dar'a, As-Sweida, Quneitra)."),
        (f"`syria_admin2.geojson`: the {result.counts['districts']} districts as the union of their sub-districts "
         f"(so the levels nest exactly; {result.vertices[ADMIN2_FILE]:,} vertices), names from `syr_admin2`."),
        (f"`syria_admin1.geojson`: the {result.counts['governorates']} governorates as the union of their districts, "
         "English names and extra spellings from `scripts/curated/syria_governorates.csv` and Natural Earth (OCHA's "
         "English name in `name_en_ocha`), Arabic from "
         f"`syr_admin1`; plus `{UNDOF_CODE}` (`is_governorate = false`): Natural Earth's UNDOF area of separation "
         f"clipped to OCHA's Syria ({ne['undof_in_ocha_share']:.1%} of it is inside; "
         f"by governorate: {undof_split}). OCHA's Syria includes the Israeli-occupied Golan "
         f"({ne['golan_in_ocha_km2']:,.0f} km² that Natural Earth gives to Israel). OCHA's and Natural Earth's Syria "
         f"differ by {ne['symmetric_difference_km2']:,.0f} km²: OCHA-only {ne['ocha_not_ne_km2']:,.0f} km² "
         f"(by Natural Earth country: {beyond}), Natural Earth-only {ne['ne_not_ocha_km2']:,.0f} km² (along: {along}); "
         f"apart from the Golan these are slivers along the borders, up to {ne['widest_border_sliver_km']} km wide. "
         f"{result.vertices[ADMIN1_FILE]:,} vertices."),
        (f"Places (merged into `gazetteer.npz`, below): the {p['communities']:,} communities of `populated_places.json` and "
         f"the {p['neighbourhoods']} polygons of `city_neighbourhoods` as points (at their "
         f"`LATITUDE`/`LONGITUDE`, or at a point inside the polygon for the "
         f"{len(p['neighbourhood_points_outside_own_polygon'])} whose point lies outside it; the `AREA_EN`/`AREA_AR` "
         "districts of Damascus/Yarmuk become places at the mean of their neighbourhoods). Whitespace in names "
         f"collapsed; {len(result.name_fixes)} multi-line Arabic names cut to their first line (`NAME_FIXES`). "
         f"Checked: P-codes unique, no empty names, every sub-district code exists; {outside['count']} communities "
         f"lie outside their own sub-district ({outside['outside_syria']} just outside OCHA's Syria, on the border or "
         f"coast, {len(outside['in_another_sub_district'])} in a neighbouring sub-district; median "
         f"{outside['median_distance_m']:,.0f} m, at most {outside['max_distance_m']:,} m away) and are kept as given."),
    ]
    inputs = [f"- `syria-ocha/{name}`: `{digest}`" for name, digest in INPUT_SHA256.items()]
    outputs = [f"- `{path.name}`: `{sha256_file(path)}` ({path.stat().st_size:,} bytes)" for path in result.outputs]
    counts = [f"- OCHA {label}: {value}" for label, value in result.counts.items()]
    return SourcesFragment(
        table_rows=[(f"| {UPSTREAM}; shapefiles from {SHAPEFILE_SOURCE}; places from {PLACES_SOURCE} | records of "
                     f"2016-09-05 | {LICENCE} | Syria's governorates, districts and sub-districts (`syria_admin1/2/3`), "
                     "communities and city neighbourhoods (in `gazetteer.npz`) |")],
        input_checksums=inputs, processing=processing, counts=counts, output_checksums=outputs,
        attribution=[f"Maps of Syria (all of them use OCHA's boundaries and places) also credit: \"{CREDIT}\"."])


# --------------------------------------------------------------------------- check


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise OchaError(f"check failed: {message}")


def _read_features(path: Path) -> list[dict[str, Any]]:
    _require(path.is_file(), f"{path} missing")
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    for f in features:
        f["geometry"] = shape(f["geometry"])
    return features


def run_checks(out: Path) -> dict[str, Any]:
    """Check the OCHA outputs in a folder; raise on the first failure.

    Checks: feature counts (272/62/14 + the UNDOF overlay); valid, non-empty geometries
    with at most :data:`COORD_DECIMALS` decimals; sub-districts form a valid coverage;
    each sub-district inside its district and each district inside its governorate
    (outside area below :data:`NESTING_TOLERANCE` relative); each district the union of its
    sub-districts and each governorate the union of its districts;
    file and folder sizes.

    Parameters
    ----------
    out
        Folder with the outputs (normally ``geodata/``).

    Returns
    -------
    dict
        Counts and sizes, for printing.

    Raises
    ------
    OchaError
        Naming the first check that failed.
    """
    admin3 = _read_features(out / ADMIN3_FILE)
    admin2 = _read_features(out / ADMIN2_FILE)
    units1 = _read_features(out / ADMIN1_FILE)
    admin1 = [f for f in units1 if f["properties"]["is_governorate"]]
    overlays = [f["properties"]["iso_3166_2"] for f in units1 if not f["properties"]["is_governorate"]]
    _require(len(admin3) == EXPECTED_COUNTS["admin3"], f"{len(admin3)} sub-districts, expected 272")
    _require(len(admin2) == EXPECTED_COUNTS["admin2"], f"{len(admin2)} districts, expected 62")
    _require(len(admin1) == EXPECTED_COUNTS["admin1"], f"{len(admin1)} governorates, expected 14")
    _require(overlays == [UNDOF_CODE], f"non-governorate features {overlays}, expected [{UNDOF_CODE!r}]")
    _require(sorted(f["properties"]["iso_3166_2"] for f in admin1) == sorted(v[0] for v in ADMIN1_ISO.values()),
             "governorate ISO codes")

    for name, layer, columns in ((ADMIN3_FILE, admin3, ADMIN3_COLUMNS), (ADMIN2_FILE, admin2, ADMIN2_COLUMNS),
                                 (ADMIN1_FILE, units1, ADMIN1_COLUMNS)):
        geoms = np.array([f["geometry"] for f in layer], dtype=object)
        _require(bool(shapely.is_valid(geoms).all()), f"{name}: invalid geometry")
        _require(not shapely.is_empty(geoms).any(), f"{name}: empty geometry")
        coords = shapely.get_coordinates(geoms)
        _require(bool(np.all(np.abs(coords * 10 ** COORD_DECIMALS - np.round(coords * 10 ** COORD_DECIMALS)) < 1e-6)),
                 f"{name}: coordinates with more than {COORD_DECIMALS} decimals")
        _require(all(tuple(f["properties"]) == columns for f in layer), f"{name}: properties are not {columns}")
        codes = [f["properties"]["pcode"] for f in layer if f["properties"]["pcode"]]
        _require(len(set(codes)) == len(codes), f"{name}: duplicate pcode")
        _require(all(f["properties"]["name_en"] and f["properties"]["name_ar"] for f in layer), f"{name}: empty name")

    g3 = np.array([f["geometry"] for f in admin3], dtype=object)
    _require(bool(shapely.coverage_is_valid(g3)), "sub-districts do not form a valid coverage (overlaps or mismatched borders)")
    district = {f["properties"]["pcode"]: f for f in admin2}
    governorate = {f["properties"]["pcode"]: f for f in admin1}

    def nest(children: list[dict], parents: dict[str, dict], key: str, label: str) -> float:
        worst = 0.0
        members: dict[str, list[Any]] = {}
        for child in children:
            code = child["properties"][key]
            _require(code in parents, f"{label}: {child['properties']['pcode']} has unknown parent {code}")
            geometry = child["geometry"]
            outside = shapely.area(shapely.difference(geometry, parents[code]["geometry"])) / shapely.area(geometry)
            _require(outside < NESTING_TOLERANCE, f"{label}: {child['properties']['pcode']} is {outside:.3g} outside {code}")
            worst = max(worst, float(outside))
            members.setdefault(code, []).append(geometry)
        for code, parent in parents.items():
            _require(code in members, f"{label}: {code} has no members")
            union = shapely.union_all(members[code])
            diff = shapely.area(shapely.symmetric_difference(union, parent["geometry"])) / shapely.area(parent["geometry"])
            _require(diff < NESTING_TOLERANCE, f"{label}: {code} differs from the union of its members by {diff:.3g}")
        return worst

    worst3 = nest(admin3, district, "admin2_pcode", "sub-district in district")
    worst2 = nest(admin2, governorate, "admin1_pcode", "district in governorate")
    union2 = shapely.union_all([f["geometry"] for f in admin2])
    union1 = shapely.union_all([f["geometry"] for f in admin1])
    whole = shapely.area(shapely.symmetric_difference(union2, union1)) / shapely.area(union1)
    _require(whole < NESTING_TOLERANCE, f"union of districts differs from union of governorates by {whole:.3g}")

    sizes = {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file()}
    for name in OUTPUT_FILES:
        _require(sizes[name] < MAX_FILE_BYTES, f"{name} is {sizes[name]:,} bytes, limit {MAX_FILE_BYTES:,}")
    total = sum(sizes.values())
    _require(total < MAX_FOLDER_BYTES, f"{out} holds {total:,} bytes, limit {MAX_FOLDER_BYTES:,}")
    return {"sub-districts": len(admin3), "districts": len(admin2), "governorates": len(admin1),
            "overlays": overlays,
            "worst sub-district outside its district (relative area)": worst3,
            "worst district outside its governorate (relative area)": worst2,
            "bytes": {n: sizes[n] for n in OUTPUT_FILES}, "folder bytes": total}


# --------------------------------------------------------------------------- CLI


def report(result: BuildResult) -> dict[str, Any]:
    """The build's findings as one JSON-friendly dict."""
    return {"counts": result.counts, "vertices": result.vertices, "snap": vars(result.snap),
            "agreement_with_ocha_levels": result.agreement, "places": result.places,
            "natural_earth": result.natural_earth, "name_fixes": result.name_fixes}


def main(argv: Iterable[str] | None = None) -> int:
    """Command line: check the OCHA outputs of a geodata folder (``make geodata`` builds them)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="geodata folder (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="check the outputs in --out (the only action)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        summary = run_checks(args.out)
    except OchaError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
