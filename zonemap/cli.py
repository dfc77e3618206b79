"""The ``zonemap`` command line: a thin layer over the public functions.

Exit codes: 0 success, 2 bad input (the message says what and where),
1 a bug in zonemap (with a traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import webbrowser
from pathlib import Path
from collections.abc import Sequence

from . import __version__
from .errors import GeocodeError, InputError
from .export.formats import DEFAULT_FORMATS, FORMATS
from .geocoding import DEFAULT_MIN_CONFIDENCE, GeocodeResult, geocode_all
from .render.style import TILE_ALIASES
from .scenario import CSV_COLUMNS
from .settings import ENGINES, Settings

# The map pipeline (folium, matplotlib, geopandas) is imported by the build and validate
# handlers only, so that `zonemap geocode` starts quickly.

EXIT_OK, EXIT_BUG, EXIT_BAD_INPUT = 0, 1, 2

DESCRIPTION = """\
Turn place names into offline briefing maps of conflict de-escalation zones.

Everything works without a network: boundaries (Natural Earth) and places
(GeoNames) are embedded, and the maps carry their own scripts and styles."""

GEOCODE_EPILOG = """\
examples:
  zonemap geocode Douma "Eastern Ghouta" درعا Hamouriyeh
  zonemap geocode "Tall Abyad, Raqqa"          # a governorate, district or sub-district settles ambiguity
  zonemap geocode --country LB Douma
  zonemap geocode --no-country Douma           # search the world: every country's Douma
  zonemap geocode --json Idleb Sweida | jq .
  zonemap geocode --file names.txt --json      # one name a line; --file - reads standard input

Matching ignores case, diacritics, punctuation and Arabic articles (al-, as-,
ad-...), knows transliterations (Deraa, Dar'a, Dar‘ā, درعا; Zamalka, زملكا)
and, for Syria, every OCHA community and neighbourhood. With a country (SY by
default) only its places are answers to inexact spellings; an exact name
abroad is an answer only when nothing in the country matches, and is flagged.
Each answer shows how it matched (its tier) and a confidence from 0 to 1.
Names that match nothing, or several places equally well, are reported with
suggestions; the command exits with code 2 once every name is printed."""


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
    geocode_parser.add_argument("names", nargs="*", metavar="NAME", help="place names, in any transliteration or Arabic")
    geocode_parser.add_argument("--file", "-f", metavar="FILE", help="read names from FILE, one a line (- for standard input)")
    bias = geocode_parser.add_mutually_exclusive_group()
    bias.add_argument("--country", default="SY", metavar="CC",
                      help="ISO 3166-1 alpha-2 country to search (default: %(default)s)")
    bias.add_argument("--no-country", dest="country", action="store_const", const=None, help="search the whole world")
    geocode_parser.add_argument("--min-confidence", type=float, default=DEFAULT_MIN_CONFIDENCE, metavar="X",
                                help="refuse answers less sure than X, from 0 to 1 (default: %(default)s)")
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
    build_parser_.add_argument("--from", dest="start", type=_date, metavar="DATE",
                               help="only incidents on or after DATE (YYYY-MM-DD)")
    end = build_parser_.add_mutually_exclusive_group()
    end.add_argument("--to", dest="end", type=_date, metavar="DATE",
                     help="only incidents up to DATE, with the zones as they stood on DATE")
    end.add_argument("--as-of", dest="end", type=_date, metavar="DATE", help="the same as --to DATE")
    build_parser_.add_argument("--choropleth", metavar="MEASURE:LEVEL",
                               help="fill units by incidents or fatalities, e.g. fatalities:subdistrict (levels: "
                                    "governorate, district, subdistrict, zone); on the static map, and shown on the "
                                    "interactive one")
    build_parser_.add_argument("--before-after-days", type=int, default=Settings.before_after_days, metavar="N",
                               help="days compared before and after each zone came into force (default: %(default)s)")
    build_parser_.add_argument("--open", action="store_true", help="open the HTML map (or the first output) in the browser")
    build_parser_.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    _add_trust_options(build_parser_)
    _add_engine_options(build_parser_)
    build_parser_.set_defaults(handler=_run_build)

    validate_parser = commands.add_parser(
        "validate", help="check a scenario without writing anything",
        description="Check a scenario: schema, dates, place and admin-unit names, zone geometry and its plausibility. "
                    "Prints every name with what it resolved to, by which tier and how surely, so a reviewer sees "
                    "what the build will do. Writes nothing; exit 0 if the scenario would build, 2 with the first "
                    "problem otherwise.",
    )
    validate_parser.add_argument("scenario", metavar="SCENARIO", help="scenario file (.yaml or .json)")
    validate_parser.add_argument("--incidents", action="append", default=[], metavar="CSV", help="also check these incident tables")
    _add_trust_options(validate_parser)
    _add_engine_options(validate_parser)
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
  zonemap build examples/astana-2017.yaml --from 2017-07-01 --to 2017-07-31   # one month
  zonemap build examples/astana-2017.yaml --as-of 2017-07-04   # zones as they stood that day
  zonemap build examples/astana-2017.yaml --choropleth fatalities:subdistrict --formats html,png,md,before-after.png

formats: html (interactive map), embed (responsive fragment for a CMS),
png/svg/pdf (static map), geojson/gpkg/kml (exports), csv/md (zone summary),
before-after.csv/.png/.svg (each zone's weeks before and after its start).

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


def _date(text: str) -> str:
    """A command-line date, checked here so that a typo exits with argparse's usage message."""
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; expected YYYY-MM-DD") from None
    return text


def _settings(args: argparse.Namespace) -> Settings:
    if args.scheduler is not None and args.engine != "dask":
        raise InputError("--scheduler names a dask scheduler: use it with --engine dask")
    return Settings(allowed_paths=tuple(args.allow_path), strict=args.strict, lenient=args.lenient, engine=args.engine,
                    scheduler=args.scheduler)


def _add_trust_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--allow-path", action="append", default=[], metavar="DIR", help=ALLOW_PATH_HELP)
    parser.add_argument("--strict", action="store_true",
                        help="make names matched with low confidence errors (they are listed in the report otherwise)")
    parser.add_argument("--lenient", action="store_true",
                        help="make implausible zones (a town resolved far from the zone's other towns) warnings, not errors")


def _add_engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", choices=ENGINES, default="pandas",
                        help="join incidents to admin units and zones in memory (pandas, default) or on dask-geopandas "
                             "partitions (dask) for event tables larger than memory")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="with --engine dask: a running dask scheduler (tcp://host:8786); default: a local cluster")


def _run_build(args: argparse.Namespace) -> int:
    from .briefing import build

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    progress = None if args.quiet else (lambda message: print(f"zonemap: {message}...", file=sys.stderr))
    if not 10 <= args.dpi <= 1200:
        raise InputError(f"--dpi must be between 10 and 1200, got {args.dpi}")
    result = build(args.scenario, args.output, formats=formats, tiles=args.tiles, lang=args.lang, dpi=args.dpi,
                   incident_files=args.incidents,
                   settings=_settings(args).replace(before_after_days=args.before_after_days), progress=progress,
                   start=args.start, end=args.end, choropleth=args.choropleth)
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
    where = result.where()
    facts = [f"{result.lat:.5f}, {result.lon:.5f}", f"{result.tier}, confidence {result.confidence:.2f}"]
    codes = [c for c in (result.pcode, result.admin3_code, result.admin1_code) if c]
    if codes:
        facts.append("codes " + " ".join(codes))
    if result.geonameid:
        facts.append(f"GeoNames {result.geonameid}")
    if result.population:
        facts.append(f"population {result.population:,}")
    lines = [f"{result.query} -> {result.name} ({result.kind_label}{', ' + where if where else ''})", "    " + "; ".join(facts)]
    if result.outside_country:
        lines.append("    outside the requested country: nothing there matches this name")
    if result.low_confidence:
        lines.append("    low confidence: check it, or write the name as the gazetteer does")
    if result.ambiguous:
        lines.append("    other places bear this name; the country, the context or prominence decided")
    for other in result.candidates:
        lines.append(f"    also: {other.name} ({other.kind_label}, {other.where()}) {other.tier} {other.score:.2f}")
    return "\n".join(lines)


def _unknown(query: object, error: GeocodeError) -> dict:
    return {"query": query if isinstance(query, str) else repr(query), "found": False, "error": error.message,
            "ambiguous": getattr(error, "ambiguous", False), "suggestions": getattr(error, "suggestions", [])}


def _names(args: argparse.Namespace) -> list[str]:
    names = list(args.names)
    if args.file:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            from .scenario.files import read_text_file

            text = read_text_file(Path(args.file), "names file", Settings().max_table_bytes)
        names += [line.strip() for line in text.splitlines() if line.strip()]
    if not names:
        raise InputError("give place names, or --file FILE with one name a line (- for standard input)")
    return names


def _run_geocode(args: argparse.Namespace) -> int:
    names = _names(args)
    results = geocode_all(names, args.country, min_confidence=args.min_confidence)
    failed = [(name, r) for name, r in zip(names, results) if isinstance(r, GeocodeError)]
    if args.json:
        data = [_unknown(name, r) if isinstance(r, GeocodeError) else r.to_dict() for name, r in zip(names, results)]
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print("\n".join(f"{name} -> NOT FOUND: {r.message}" if isinstance(r, GeocodeError) else _describe(r)
                        for name, r in zip(names, results)))
    if failed:
        print(f"zonemap: error: {len(failed)} of {len(names)} name(s) not found: "
              + "; ".join(r.message for _, r in failed[:5]) + ("; ..." if len(failed) > 5 else ""), file=sys.stderr)
        return EXIT_BAD_INPUT
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
