"""Assembling the gazetteer's places: Syria from OCHA merged with GeoNames, the world from GeoNames.

Called by ``scripts/build_geodata.py``; the index itself is written by
:class:`zonemap.geocoding.index.GazetteerBuilder`.

Syria: one place, every spelling
--------------------------------
Every OCHA community and city neighbourhood is a place, with OCHA's English
and Arabic names. The Damascus city areas OCHA groups neighbourhoods into
(Jowbar, Qaboun, Barza…) are places too, at the mean of their
neighbourhoods. A GeoNames place of Syria is the same place as an OCHA
community when, within 15 km, one of its Arabic names equals the
community's Arabic name, or, within 5 km, a consonant skeleton of one of its
names equals one of the community's; the nearest such community wins. The
merged place keeps OCHA's point and P-codes and gains GeoNames' name,
alternate names, id and population; it answers to transliterations of
OCHA's names and of GeoNames' own and Arabic names (not of every alternate
name GeoNames collects: those in many languages would attract misspellings
of other places), and to each of its names spelled exactly. GeoNames places with no such community
stay places of their own, in the sub-district their point falls in.

Prominence (how likely a bare mention means this place) adds, for a
community: log10 of the GeoNames population; 0.5 if GeoNames lists it; 4 if
it bears its governorate's name (the capital), 2.5 its district's, 1.5 its
sub-district's (the centres). Neighbourhoods of the large cities get 0.5 and their city areas 1: each is
home to more people than most villages.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from zonemap.geocoding.index import PlaceRecord, population_prominence
from zonemap.geocoding.text import is_arabic, name_key, skeleton_keys
from zonemap.geometry.distance import distance_km

ARABIC_MATCH_KM = 15.0
SKELETON_MATCH_KM = 5.0
CAPITAL, DISTRICT_CENTRE, SUB_DISTRICT_CENTRE = 4.0, 2.5, 1.5
GEONAMES_LISTED = 0.5
NEIGHBOURHOOD, CITY_AREA = 0.5, 1.0
ADMIN_PROMINENCE = {"admin1": 5.0, "admin2": 3.0, "admin3": 2.0}
ADMIN_PREFIXES = ("مركز", "ناحية")


def _unit_key(name: str) -> str:
    """An admin unit's name as a community would bear it ("مركز جبل سمعان" is the centre of Jebel Saman)."""
    words = name.split()
    if len(words) > 1 and words[0] in ADMIN_PREFIXES:
        name = " ".join(words[1:])
    return name_key(name)


def syria_admin_records(governorates: list[dict], districts: list[dict], sub_districts: list[dict],
                        iso_of: dict[str, str]) -> list[PlaceRecord]:
    """The governorates, districts and sub-districts as gazetteer entries (at a point inside each)."""
    records = []
    for kind, units in (("admin1", governorates), ("admin2", districts), ("admin3", sub_districts)):
        for unit in units:
            if kind == "admin1" and not unit["is_governorate"]:
                continue
            point = shapely.point_on_surface(unit["geometry"])
            names = [unit["name_en"], unit["name_ar"], *unit.get("alternates", "").split("|"), unit.get("name_en_ocha", "")]
            if kind in ("admin2", "admin3") and unit["name_ar"].split()[0] in ADMIN_PREFIXES:
                names.append(" ".join(unit["name_ar"].split()[1:]))  # "مركز إدلب" (Idleb centre) is also "إدلب"
            iso = unit["iso_3166_2"]
            records.append(PlaceRecord(
                name=unit["name_en"], name_ar=unit["name_ar"], lat=round(point.y, 5), lon=round(point.x, 5), kind=kind,
                country="SY", names=[n for n in names if n], transliterated=[n for n in names if n], admin1=iso,
                admin2=unit["pcode"] if kind == "admin2" else unit.get("admin2_pcode", ""),
                admin3=unit["pcode"] if kind == "admin3" else "", pcode=unit["pcode"],
                prominence=ADMIN_PROMINENCE[kind], ref=iso if kind == "admin1" else unit["pcode"]))
    return records


def syria_place_records(rows: list[dict], governorates: list[dict], districts: list[dict], sub_districts: list[dict],
                        geonames: list[dict], iso_of: dict[str, str]) -> tuple[list[PlaceRecord], dict[str, Any]]:
    """OCHA communities, neighbourhoods and city areas merged with GeoNames' Syrian places.

    Parameters
    ----------
    rows
        OCHA places from ``scripts/ocha.py`` (communities and neighbourhoods).
    governorates, districts, sub_districts
        OCHA admin units (with ``pcode``, names and ``geometry``).
    geonames
        GeoNames cities500 entries of Syria.
    iso_of
        Governorate P-code → ISO 3166-2 code.

    Returns
    -------
    (list of PlaceRecord, dict)
        The places, and merge statistics.
    """
    unit_names = {}
    for level, units in ((1, governorates), (2, districts), (3, sub_districts)):
        for unit in units:
            unit_names[(level, unit["pcode"])] = {_unit_key(unit["name_ar"]), name_key(unit["name_en"])}
    records: list[PlaceRecord] = []
    for row in rows:
        keys = {name_key(row["name_ar"]), name_key(row["name_en"])}
        if row["kind"] == "community":
            prominence = 0.0
            for level, code, bonus in ((1, row["admin1_pcode"], CAPITAL), (2, row["admin2_pcode"], DISTRICT_CENTRE),
                                       (3, row["admin3_pcode"], SUB_DISTRICT_CENTRE)):
                if keys & unit_names[(level, code)]:
                    prominence = max(prominence, bonus)
            kind = "place"
        else:
            prominence, kind = NEIGHBOURHOOD, "neighbourhood"
        records.append(PlaceRecord(
            name=row["name_en"], name_ar=row["name_ar"], lat=round(row["lat"], 5), lon=round(row["lon"], 5), kind=kind,
            country="SY", admin1=iso_of[row["admin1_pcode"]], admin2=row["admin2_pcode"], admin3=row["admin3_pcode"],
            pcode=row["pcode"], prominence=prominence))

    areas: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        if row["kind"] == "neighbourhood" and row["city_area"]:
            areas[(row["admin3_pcode"], row["city_area"])].append(row)
    for (admin3, area), members in sorted(areas.items()):
        first = members[0]
        records.append(PlaceRecord(
            name=area, name_ar=first["city_area_ar"], lat=round(float(np.mean([m["lat"] for m in members])), 5),
            lon=round(float(np.mean([m["lon"] for m in members])), 5), kind="neighbourhood", country="SY",
            admin1=iso_of[first["admin1_pcode"]], admin2=first["admin2_pcode"], admin3=admin3, prominence=CITY_AREA))

    stats = merge_geonames(records, geonames, sub_districts, iso_of)
    return records, stats


def merge_geonames(records: list[PlaceRecord], geonames: list[dict], sub_districts: list[dict],
                   iso_of: dict[str, str]) -> dict[str, Any]:
    """Fold GeoNames' Syrian places into the OCHA places they are (see the module docstring); add the others."""
    ocha = [r for r in records if r.pcode]
    lats = np.array([r.lat for r in ocha])
    lons = np.array([r.lon for r in ocha])
    arabic = [name_key(r.name_ar) for r in ocha]
    skeletons = [skeleton_keys(r.name) | skeleton_keys(r.name_ar) for r in ocha]
    merged_by_arabic = merged_by_skeleton = 0
    separate = []
    for place in sorted(geonames, key=lambda g: g["geonameid"]):
        names = [place["name"], *place["alternatenames"]]
        arabic_names = {name_key(n) for n in names if is_arabic(n)}
        latin_skeletons = {s for n in names if not is_arabic(n) for s in skeleton_keys(n)}
        km = distance_km(place["longitude"], place["latitude"], lons, lats)
        best = None
        for index in np.argsort(km, kind="stable")[:400].tolist():
            if km[index] > ARABIC_MATCH_KM:
                break
            if arabic[index] in arabic_names:
                best = (index, "arabic")
                break
            if best is None and km[index] <= SKELETON_MATCH_KM and skeletons[index] & latin_skeletons:
                best = (index, "skeleton")
        if best is None:
            separate.append(place)
            continue
        index, how = best
        record = ocha[index]
        merged_by_arabic += how == "arabic"
        merged_by_skeleton += how == "skeleton"
        record.names += [n for n in names if n]
        record.transliterated += [place["name"], *(n for n in place["alternatenames"] if is_arabic(n))]
        record.geonameid = record.geonameid or place["geonameid"]
        record.population = max(record.population, int(place["population"]))
        record.prominence += population_prominence(int(place["population"])) + GEONAMES_LISTED

    geometries = np.array([u["geometry"] for u in sub_districts], dtype=object)
    tree = shapely.STRtree(geometries)
    for place in separate:
        point = shapely.Point(place["longitude"], place["latitude"])
        hits = tree.query(point, predicate="intersects").tolist()
        if not hits:
            hits = [int(tree.query_nearest(point)[0])]
        unit = sub_districts[hits[0]]
        records.append(PlaceRecord(
            name=place["name"], lat=place["latitude"], lon=place["longitude"], kind="place", country="SY",
            names=list(place["alternatenames"]), transliterated=[n for n in place["alternatenames"] if is_arabic(n)], admin1=iso_of[unit["admin1_pcode"]], admin2=unit["admin2_pcode"],
            admin3=unit["pcode"], geonameid=place["geonameid"], population=int(place["population"]),
            prominence=population_prominence(int(place["population"])) + GEONAMES_LISTED))
    return {"GeoNames places of Syria": len(geonames), "merged by Arabic name": merged_by_arabic,
            "merged by skeleton": merged_by_skeleton, "kept apart": len(separate)}


def add_curated_names(records: list[PlaceRecord], path: Path) -> int:
    """Add the names of ``path`` (CSV: ``pcode``, ``names`` separated by ``|``, ``source``) to OCHA's places.

    Names the sources use that neither OCHA nor GeoNames records, such as the Kurdish names of towns in
    the north-east (Kobanî for Ayn al-Arab). Returns the number of names added.
    """
    by_pcode = {record.pcode: record for record in records if record.pcode}
    added = 0
    with open(path, encoding="utf-8", newline="") as stream:
        for line, row in enumerate(csv.DictReader(stream), start=2):
            record = by_pcode.get(row["pcode"])
            if record is None:
                raise SystemExit(f"error: {path}: line {line}: no OCHA place has P-code {row['pcode']!r}")
            names = [name.strip() for name in row["names"].split("|") if name.strip()]
            record.names.extend(names)
            record.transliterated.extend(names)
            added += len(names)
    return added
