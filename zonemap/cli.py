"""The ``zonemap`` command line: a thin layer over the public functions.

Exit codes: 0 success, 2 bad input (the message says what and where),
1 a bug in zonemap (with a traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from . import __version__
from .errors import InputError, UnknownPlaceError
from .geocode import GeocodeResult, geocode

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


def build_parser() -> argparse.ArgumentParser:
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
    return parser


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
