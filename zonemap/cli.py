"""The ``zonemap`` command line: a thin layer over the public functions.

Exit codes: 0 success, 2 bad input (the message says what and where),
1 a bug in zonemap (with a traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import webbrowser
from pathlib import Path
from collections.abc import Sequence

from . import __version__
from .errors import InputError
from .export.formats import DEFAULT_FORMATS, FORMATS
from .geocoding import DEFAULT_MIN_CONFIDENCE, GeocodeCache, make_geocoder
from .geocoding.answers import failure_summary, write_answers
from .render.style import TILE_ALIASES
from .scenario import CSV_COLUMNS
from .scenario.model import INCIDENT_TABLE_FORMATS
from .settings import ENGINES, OnlineGeocoding, Settings

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
  zonemap geocode --online --user-agent "acme-briefings/1.0 (ops@example.org)" "Khirbat Umm Zuhayr"

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
        "geocode", help="look up place names offline (online with --online)",
        description="Look up place names in the offline gazetteer (and, with --online, the rest online).",
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
    _add_online_options(geocode_parser)
    geocode_parser.set_defaults(handler=_run_geocode)

    build_parser_ = commands.add_parser(
        "build", help="build the map and exports of a scenario", description=BUILD_DESCRIPTION,
        epilog=BUILD_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build_parser_.add_argument("scenario", metavar="SCENARIO", nargs="?", help="scenario file (.yaml or .json)")
    build_parser_.add_argument("--from-article", metavar="ARTICLE",
                               help="instead of a scenario, extract a draft from a news article (see zonemap extract) "
                                    "and build it")
    build_parser_.add_argument("--article-date", type=_date, metavar="DATE",
                               help="with --from-article: the day the article was written (default: the date it gives)")
    build_parser_.add_argument("-o", "--output", default="output", metavar="DIR",
                               help="folder for the outputs (default: %(default)s)")
    build_parser_.add_argument("--tiles", metavar="NAME", default=None,
                               help="base map: none (default, works offline) or online tiles: "
                                    f"{', '.join(TILE_ALIASES)} or any xyzservices name")
    build_parser_.add_argument("--lang", choices=["en", "ar"], default=None, help="label language (default: the scenario's, else en)")
    build_parser_.add_argument("--formats", default=",".join(DEFAULT_FORMATS), metavar="LIST",
                               help=f"comma-separated outputs among {', '.join(FORMATS)} (default: %(default)s)")
    build_parser_.add_argument("--incidents", action="append", default=[], metavar="TABLE",
                               help="add incidents from a CSV, XLSX or GeoJSON table: zonemap's columns ("
                                    + ", ".join(CSV_COLUMNS) + "), an ACLED or UCDP GED export, or any table with "
                                    "--incidents-mapping; repeatable")
    _add_incident_format_options(build_parser_)
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
    _add_online_options(build_parser_)
    _add_engine_options(build_parser_)
    build_parser_.set_defaults(handler=_run_build)

    extract_parser = commands.add_parser(
        "extract", help="draft a scenario from a news article", description=EXTRACT_DESCRIPTION,
        epilog=EXTRACT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    extract_parser.add_argument("article", metavar="ARTICLE",
                                help="the article: plain text or a saved web page (.html); - for standard input")
    extract_parser.add_argument("--date", type=_date, metavar="DATE",
                                help="the day the article was written (default: the date it gives)")
    extract_parser.add_argument("--country", default="SY", metavar="CC",
                                help="ISO 3166-1 alpha-2 country the scenario maps (default: %(default)s)")
    extract_parser.add_argument("-o", "--output", required=True, metavar="FILE",
                                help="the draft scenario to write (.yaml, or .json)")
    extract_parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    extract_parser.set_defaults(handler=_run_extract)

    validate_parser = commands.add_parser(
        "validate", help="check a scenario without writing anything",
        description="Check a scenario: schema, dates, place and admin-unit names, zone geometry and its plausibility. "
                    "Prints every name with what it resolved to, by which tier and how surely, so a reviewer sees "
                    "what the build will do. Writes nothing; exit 0 if the scenario would build, 2 with the first "
                    "problem otherwise.",
    )
    validate_parser.add_argument("scenario", metavar="SCENARIO", help="scenario file (.yaml or .json)")
    validate_parser.add_argument("--incidents", action="append", default=[], metavar="TABLE", help="also check these incident tables")
    _add_incident_format_options(validate_parser)
    _add_trust_options(validate_parser)
    _add_online_options(validate_parser)
    _add_engine_options(validate_parser)
    validate_parser.set_defaults(handler=_run_validate)

    cache_parser = commands.add_parser(
        "cache", help="show, clear or export the online geocoding cache",
        description="The answers of online geocoding providers, kept so that no name is looked up twice.")
    cache_parser.add_argument("action", choices=["stats", "clear", "export"],
                              help="stats: what it holds; clear: delete every answer; export: every answer as JSON "
                                   "Lines (one object a line: provider, query, options, fetched_at, answers)")
    cache_parser.add_argument("--cache-dir", metavar="DIR", help=CACHE_DIR_HELP)
    cache_parser.add_argument("-o", "--output", metavar="FILE", help="export: write to FILE (default: standard output)")
    cache_parser.set_defaults(handler=_run_cache)
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


EXTRACT_DESCRIPTION = """\
Read a news article into a draft scenario for an analyst to review: the
places it names (places abroad are listed as context, never mapped), the
zones it describes, and its incidents with their dates and fatalities. Each
zone and incident notes the character offsets of the sentence it was read
from and a confidence. Offline; once started, an article takes a few
hundredths of a second."""

EXTRACT_EPILOG = """\
examples:
  zonemap extract report.txt -o draft.yaml
  zonemap extract saved-page.html --date 2017-07-04 -o draft.yaml
  cat report.txt | zonemap extract - -o draft.yaml
  zonemap build --from-article report.txt -o output   # extract, then build

Exit code 2 when the article cannot be read or names no place in the country."""


def _run_extract(args: argparse.Namespace) -> int:
    from .extract.draft import extract_file, write_draft

    draft = extract_file(args.article, date=args.date, country=args.country)
    path = write_draft(draft, args.output)
    if not args.quiet:
        print(draft.report())
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return EXIT_OK


def _report(briefing) -> str:
    scenario = briefing.scenario
    lines = [f"{scenario.title}: {len(briefing.zones)} zones, {len(briefing.incidents)} incidents"]
    lines += [f"  geocoded {r.field}: {r.describe()}" for r in briefing.resolutions]
    online: dict[str, list[str]] = {}
    for r in briefing.resolutions:
        if r.provider != "offline":
            online.setdefault(r.provider, []).append(r.query)
    lines += [f"  found online via {provider}: {len(names)} name(s): {', '.join(dict.fromkeys(names))}"
              for provider, names in online.items()]
    for zone in briefing.zones.itertuples(index=False):
        shape = "approximate" if zone.approximate else "as defined"
        lines.append(f"  zone {zone.id}: {zone.area_km2:,.0f} km², provinces {', '.join(zone.provinces) or '-'}, "
                     f"{zone.incidents} incidents, {zone.fatalities} fatalities ({shape})")
    lines += [f"  incidents: {report.describe()}" for report in briefing.imports]
    if len(briefing.rejects):
        lines.append(f"  {len(briefing.rejects):,} row(s) of incident tables could not be placed; they are listed "
                     f"with the reason in {briefing.scenario.name}.rejects.csv")
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


def _incident_files(args: argparse.Namespace) -> list:
    from .incidents.formats import incident_files_from_options  # pandas: not for `zonemap geocode`

    return incident_files_from_options(args.incidents, args.incidents_format, args.incidents_mapping)


def _settings(args: argparse.Namespace) -> Settings:
    if args.scheduler is not None and args.engine != "dask":
        raise InputError("--scheduler names a dask scheduler: use it with --engine dask")
    return Settings(allowed_paths=tuple(args.allow_path), strict=args.strict, lenient=args.lenient,
                    online=_online(args), engine=args.engine, scheduler=args.scheduler)


CACHE_DIR_HELP = "folder of the online geocoding cache (default: the user cache folder, e.g. ~/.cache/zonemap)"


def _add_online_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "online geocoding", "Look up online the names the offline gazetteer cannot place (never a name it finds "
                            "ambiguous). Off unless --online is given: offline, zonemap makes no network request.")
    group.add_argument("--online", action="store_true", help="use the online provider for names not known offline")
    group.add_argument("--offline", action="store_true",
                       help="make no network request (the default; wins over --online, wherever given)")
    group.add_argument("--provider", default="nominatim", metavar="NAME",
                       help="a geopy geocoder: nominatim (default), photon, opencage…")
    group.add_argument("--provider-option", action="append", default=[], type=_provider_option, metavar="KEY=VALUE",
                       help="an option of the provider's geopy class, e.g. domain=nominatim.example.org, "
                            "scheme=http, api_key=…; values are text (true and false are booleans); repeatable")
    group.add_argument("--user-agent", metavar="NAME",
                       help="your application and a contact, sent with each request (required with --online), "
                            "e.g. 'acme-briefings/1.0 (ops@example.org)'")
    group.add_argument("--cache-dir", metavar="DIR", help=CACHE_DIR_HELP)


def _provider_option(text: str) -> tuple[str, object]:
    key, equals, value = text.partition("=")
    if not equals or not key.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not KEY=VALUE")
    return key.strip(), {"true": True, "false": False}.get(value.lower(), value)


def _online(args: argparse.Namespace) -> OnlineGeocoding | None:
    if args.offline or not args.online:
        return None
    return OnlineGeocoding(args.user_agent or "", provider=args.provider, options=tuple(args.provider_option),
                           cache_dir=args.cache_dir, progress=False if getattr(args, "quiet", False) else None)


def _add_incident_format_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--incidents-format", default="auto", choices=INCIDENT_TABLE_FORMATS,
                        help="format of the --incidents tables (default: told from each header)")
    parser.add_argument("--incidents-mapping", metavar="FIELD=COLUMN,...",
                        help="columns of a generic --incidents table, e.g. date=Day,place=Town,fatalities=Killed")


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
    if (args.scenario is None) == (args.from_article is None):
        raise InputError("give a scenario file or --from-article ARTICLE (one of them)")
    if args.article_date and args.from_article is None:
        raise InputError("--article-date goes with --from-article")
    scenario = args.scenario
    if args.from_article is not None:
        from .extract.draft import extract_file

        draft = extract_file(args.from_article, date=args.article_date)
        scenario = draft.scenario
        if not args.quiet:
            print(draft.report())
    result = build(scenario, args.output, formats=formats, tiles=args.tiles, lang=args.lang, dpi=args.dpi,
                   incident_files=_incident_files(args),
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

    briefing = prepare(args.scenario, incident_files=_incident_files(args), settings=_settings(args))
    print(_report(briefing))
    print(f"{args.scenario}: valid")
    return EXIT_OK


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
    geocoder = make_geocoder(Settings(online=_online(args)))
    try:
        results = geocoder.resolve_all(names, args.country, min_confidence=args.min_confidence)
    finally:
        geocoder.close()
    write_answers(names, results, sys.stdout, as_json=args.json)
    failures = failure_summary(names, results)
    if failures:
        print(f"zonemap: error: {failures}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _run_cache(args: argparse.Namespace) -> int:
    with GeocodeCache(args.cache_dir) as cache:
        if args.action == "stats":
            print(cache.stats().describe())
        elif args.action == "clear":
            print(f"deleted {cache.clear():,} cached answer(s) from {cache.path}")
        elif args.output:
            from io import StringIO

            from .export.publish import write_atomically

            lines = StringIO()
            count = cache.export(lines)
            write_atomically(args.output, lines.getvalue())
            print(f"wrote {count:,} cached answer(s) to {args.output}", file=sys.stderr)
        else:
            cache.export(sys.stdout)
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
