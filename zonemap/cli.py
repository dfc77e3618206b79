"""The ``zonemap`` command line: a thin layer over the public functions.

Exit codes: 0 success, 2 bad input (the message says what and where),
1 a bug in zonemap (with a traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import webbrowser
from collections.abc import Sequence

from . import __version__
from .errors import InputError, UnknownPlaceError
from .export.formats import DEFAULT_FORMATS, FORMATS
from .geocoding import GeocodeResult, geocode
from .render.style import TILE_ALIASES
from .scenario import CSV_COLUMNS
from .settings import Settings

# The map pipeline (folium, matplotlib, geopandas) is imported by the build and validate
# handlers only, so that `zonemap geocode` starts quickly.

EXIT_OK, EXIT_BUG, EXIT_BAD_INPUT = 0, 1, 2

DESCRIPTION = """\
Turn place names into offline briefing maps of conflict de-escalation zones.

Everything works without a network: boundaries (Natural Earth) and places
(GeoNames) are embedded, and the maps carry their own scripts and styles."""

GEOCODE_EPILOG = """\
examples:
  zonemap geocode Douma "Eastern Ghouta" درعا
  zonemap geocode --country LB Douma
  zonemap geocode --no-country Douma          # show every country's Douma
  zonemap geocode --json Idleb Sweida | jq .

Matching ignores case, diacritics, punctuation and Arabic articles (al-, as-,
ad-...) and knows transliteration variants (Deraa, Dar'a, Dar‘ā, درعا).
Ambiguous names are resolved by the country bias, then kind and population;
the runners-up are listed so you can check. Unknown names exit with code 2
and a "did you mean" list."""


ALLOW_PATH_HELP = ("let the scenario name files (drawn shapes, incident tables) in DIR too; by default it may only "
                   "name files in its own folder and below; repeatable")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``zonemap`` command (its ``--help`` texts are the command's manual)."""
    parser = argparse.ArgumentParser(prog="zonemap", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"zonemap {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    geocode_parser = commands.add_parser(
        "geocode", help="look up place names offline", description="Look up place names in the offline gazetteer.",
        epilog=GEOCODE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    geocode_parser.add_argument("names", nargs="+", metavar="NAME", help="place names, in any transliteration or Arabic")
    bias = geocode_parser.add_mutually_exclusive_group()
    bias.add_argument("--country", default="SY", metavar="CC",
                      help="ISO 3166-1 alpha-2 country to prefer for ambiguous names (default: %(default)s)")
    bias.add_argument("--no-country", dest="country", action="store_const", const=None, help="no country preference")
    geocode_parser.add_argument("--json", action="store_true", help="print one JSON array, one object per name, in order")
    geocode_parser.set_defaults(handler=_run_geocode)

    build_parser_ = commands.add_parser(
        "build", help="build the map and exports of a scenario", description=BUILD_DESCRIPTION,
        epilog=BUILD_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build_parser_.add_argument("scenario", metavar="SCENARIO", help="scenario file (.yaml or .json)")
    build_parser_.add_argument("-o", "--output", default="output", metavar="DIR",
                               help="folder for the outputs (default: %(default)s)")
    build_parser_.add_argument("--tiles", metavar="NAME", default=None,
                               help="base map: none (default, works offline) or online tiles: "
                                    f"{', '.join(TILE_ALIASES)} or any xyzservices name")
    build_parser_.add_argument("--lang", choices=["en", "ar"], default=None, help="label language (default: the scenario's, else en)")
    build_parser_.add_argument("--formats", default=",".join(DEFAULT_FORMATS), metavar="LIST",
                               help=f"comma-separated outputs among {', '.join(FORMATS)} (default: %(default)s)")
    build_parser_.add_argument("--incidents", action="append", default=[], metavar="CSV",
                               help="add incidents from a CSV table (columns: " + ", ".join(CSV_COLUMNS) + "); repeatable")
    build_parser_.add_argument("--dpi", type=int, default=200, help="resolution of the PNG map (default: %(default)s)")
    build_parser_.add_argument("--open", action="store_true", help="open the HTML map (or the first output) in the browser")
    build_parser_.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    build_parser_.add_argument("--allow-path", action="append", default=[], metavar="DIR", help=ALLOW_PATH_HELP)
    build_parser_.set_defaults(handler=_run_build)

    validate_parser = commands.add_parser(
        "validate", help="check a scenario without writing anything",
        description="Check a scenario: schema, dates, place and province names, zone geometry. Writes nothing; "
                    "exit 0 if the scenario would build, 2 with the first problem otherwise.",
    )
    validate_parser.add_argument("scenario", metavar="SCENARIO", help="scenario file (.yaml or .json)")
    validate_parser.add_argument("--incidents", action="append", default=[], metavar="CSV", help="also check these incident tables")
    validate_parser.add_argument("--allow-path", action="append", default=[], metavar="DIR", help=ALLOW_PATH_HELP)
    validate_parser.set_defaults(handler=_run_validate)
    return parser


BUILD_DESCRIPTION = """\
Build a scenario's interactive map (one self-contained HTML file that works
offline) and its GeoJSON export. Every place name is geocoded offline; each
match is reported, and ambiguous ones are flagged so you can check them."""

BUILD_EPILOG = """\
examples:
  zonemap build examples/astana-2017.yaml            # -> output/astana-2017.html, .png, .geojson, .md
  zonemap build examples/astana-2017.yaml -o report --lang ar
  zonemap build examples/astana-2017.yaml --tiles carto-light   # online tiles (opt-in)
  zonemap build examples/astana-2017.yaml --formats html,png,pdf,gpkg,kml,csv,embed --open

formats: html (interactive map), embed (responsive fragment for a CMS),
png/svg/pdf (static map), geojson/gpkg/kml (exports), csv/md (zone summary).

The scenario format is described in the README and in the JSON Schema
zonemap/scenario/scenario.schema.json. Nothing is written if the scenario has
an error; previous outputs are replaced only when all new ones are complete."""


def _report(briefing) -> str:
    scenario = briefing.scenario
    lines = [f"{scenario.title}: {len(briefing.zones)} zones, {len(briefing.incidents)} incidents"]
    lines += [f"  geocoded {r.field}: {r.describe()}" for r in briefing.resolutions]
    for zone in briefing.zones.itertuples(index=False):
        shape = "approximate" if zone.approximate else "as defined"
        lines.append(f"  zone {zone.id}: {zone.area_km2:,.0f} km², provinces {', '.join(zone.provinces) or '-'}, "
                     f"{zone.incidents} incidents, {zone.fatalities} fatalities ({shape})")
    lines += [f"  warning: {message}" for message in briefing.warnings]
    if briefing.ambiguous:
        lines.append(f"  note: {len(briefing.ambiguous)} ambiguous name(s); check them above or write a fuller name")
    return "\n".join(lines)


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(allowed_paths=tuple(args.allow_path))


def _run_build(args: argparse.Namespace) -> int:
    from .briefing import build

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    progress = None if args.quiet else (lambda message: print(f"zonemap: {message}...", file=sys.stderr))
    if not 10 <= args.dpi <= 1200:
        raise InputError(f"--dpi must be between 10 and 1200, got {args.dpi}")
    result = build(args.scenario, args.output, formats=formats, tiles=args.tiles, lang=args.lang, dpi=args.dpi,
                   incident_files=args.incidents, settings=_settings(args), progress=progress)
    if not args.quiet:
        print(_report(result.briefing))
        for path in result.outputs.values():
            print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    if args.open:
        target = result.outputs.get("html") or next(iter(result.outputs.values()))
        webbrowser.open(target.resolve().as_uri())
    return EXIT_OK


def _run_validate(args: argparse.Namespace) -> int:
    from .briefing import prepare

    briefing = prepare(args.scenario, incident_files=args.incidents, settings=_settings(args))
    print(_report(briefing))
    print(f"{args.scenario}: valid")
    return EXIT_OK


def _describe(result: GeocodeResult) -> str:
    where = ", ".join(p for p in (result.admin1 and f"{result.admin1} [{result.admin1_code}]", result.country) if p)
    facts = [f"{result.lat:.5f}, {result.lon:.5f}", f"score {result.score:.2f} ({result.match})"]
    if result.geonameid:
        facts.append(f"GeoNames {result.geonameid}")
    if result.population:
        facts.append(f"population {result.population:,}")
    lines = [f"{result.query} -> {result.name} ({result.kind_label}), {where}", "    " + "; ".join(facts)]
    if result.ambiguous:
        lines.append("    ambiguous: other places match as well; the country bias and population decided")
    for other in result.candidates:
        lines.append(f"    also: {other.name} ({other.kind_label}, {other.admin1 or '-'}, {other.country}) score {other.score:.2f}")
    return "\n".join(lines)


def _run_geocode(args: argparse.Namespace) -> int:
    results, errors = [], []
    for name in args.names:
        try:
            results.append(geocode(name, args.country))
        except UnknownPlaceError as error:
            errors.append(str(error))
    if errors:
        for message in errors:
            print(f"zonemap: error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        json.dump([r.to_dict() for r in results], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print("\n".join(_describe(r) for r in results))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except InputError as error:
        print(f"zonemap: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error of ours.
        sys.stdout = open(os.devnull, "w")
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
