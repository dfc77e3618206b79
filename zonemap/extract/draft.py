"""From an article to a draft scenario, every item traced to its sentence: what ``zonemap extract`` does.

The draft is an ordinary :class:`~zonemap.scenario.Scenario` (so ``zonemap
build`` reads it) and, beside it, the provenance of each zone and incident:
the offsets of the sentence it was read from in the article's file, and a
confidence. In the YAML file the provenance is written into each item's
``notes`` (zones) or ``description`` (incidents), for the analyst who
reviews the draft; places abroad the article names are listed in the
subtitle as context, and never become incidents.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ArticleError
from ..geocoding.gazetteer import Gazetteer, load_gazetteer
from ..scenario.io import dump_scenario
from ..scenario.model import Incident, Scenario, Source, Zone
from .article import Article, headline, read_article, split_sentences
from .dates import ArticleDate, article_date, time_expressions
from .incidents import FoundIncident, find_incidents
from .places import Place, PlaceFinder, Unresolved
from .zones import FoundZone, find_zones

SOURCE_ID = "article"
"""The id of the article among the draft's sources; every incident cites it."""


@dataclass(frozen=True)
class Provenance:
    """Where an item of the draft comes from.

    Attributes
    ----------
    start, end
        Offsets of its sentence (zones: of the words that name it) in the
        file the article was read from.
    confidence
        From 0 to 1.
    """

    start: int
    end: int
    confidence: float

    def describe(self) -> str:
        """``"article chars 120-240, confidence 0.85"``."""
        return f"article chars {self.start}-{self.end}, confidence {self.confidence:.2f}"


@dataclass(frozen=True)
class Draft:
    """A draft scenario read from an article.

    Attributes
    ----------
    scenario
        The scenario: zones, incidents, the article as its source.
    zone_provenance, incident_provenance
        The provenance of each zone and each incident, in the scenario's order.
    places
        The places in the scenario's country the article names.
    context
        The places abroad it names (context, never mapped).
    unresolved
        Names that looked like places and were left out, with why.
    date
        The article's date and how it was found; None if it gives none.
    article
        The article.
    zones, incidents
        What was read, with the details the scenario has no field for
        (a ceasefire's end, how an incident was dated).
    """

    scenario: Scenario
    zone_provenance: tuple[Provenance, ...]
    incident_provenance: tuple[Provenance, ...]
    places: tuple[Place, ...]
    context: tuple[Place, ...]
    unresolved: tuple[Unresolved, ...]
    date: ArticleDate | None
    article: Article
    zones: tuple[FoundZone, ...]
    incidents: tuple[FoundIncident, ...]

    def report(self) -> str:
        """A plain-text account of the draft, for the analyst who reviews it."""
        lines = [f"{self.article.name}: {len(self.places)} places in {self.scenario.country}, "
                 f"{len(self.context)} abroad, {len(self.scenario.zones)} zones, {len(self.scenario.incidents)} "
                 f"incidents"]
        if self.date:
            lines.append(f"  date: {self.date.date} ({self.date.how})")
        else:
            lines.append("  date: none found, so no incidents were read; give the article's date (--date)")
        for place in self.places:
            where = ", ".join(part for part in (place.admin2, place.admin1) if part and part != place.display)
            lines.append(f"  place: {place.mentions[0].text} -> {place.display} ({place.kind}"
                         f"{', ' + where if where else ''}) confidence {place.confidence:.2f}")
        if self.context:
            lines.append("  context abroad: " + ", ".join(f"{p.display} ({p.country})" for p in self.context))
        for zone, provenance in zip(self.scenario.zones, self.zone_provenance):
            lines.append(f"  zone {zone.id}: {zone.rule} {', '.join(_rule_values(zone))} ({provenance.describe()})")
        for incident, provenance in zip(self.scenario.incidents, self.incident_provenance):
            dead = f", {incident.fatalities} killed" if incident.fatalities is not None else ""
            lines.append(f"  incident {incident.date} {incident.type} at {incident.place}{dead} "
                         f"({provenance.describe()})")
        for item in self.unresolved:
            lines.append(f"  left out: {item.text!r} at char {self.article.source_span(item.start, item.end)[0]}: "
                         f"{item.reason}")
        return "\n".join(lines)


def _rule_values(zone: Zone) -> list[str]:
    value = getattr(zone, zone.rule)
    return list(value) if isinstance(value, tuple) else [str(value)]


def _slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "zone"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _scenario_name(place: Place) -> str:
    """A name for a place in the scenario that geocodes back to it (governorates by their gazetteer name)."""
    return f"{place.display} governorate" if place.kind == "admin1" else place.name


def _zone(found: FoundZone, provenance: Provenance, taken: set[str]) -> Zone:
    names = tuple(p.display for p in found.places) if found.rule != "towns" else tuple(p.name for p in found.places)
    rule = {"provinces": {"provinces": names}, "area": {"area": names[0]}, "towns": {"towns": names}}[found.rule]
    part = f"Only the {found.part} part, by the article; drawn as the whole. " if found.part else ""
    return Zone(_slug(found.name, taken), f"{found.name} zone", **rule, approximate=True if found.part else None,
                notes=f"{part}Draft from the {provenance.describe()}.")


def _incident(found: FoundIncident, provenance: Provenance, number: int, source: Source) -> Incident:
    facts = [f"{found.type} at {found.place.display}"]
    if found.fatalities is not None:
        facts.append(f"{found.fatalities} killed")
    if found.until:
        facts.append(f"until {found.until}")
    if found.date_how != "day":
        facts.append(f"dated by {found.date_how}")
    return Incident(found.date, found.type, place=_scenario_name(found.place), id=f"incident-{number}",
                    fatalities=found.fatalities, description=f"{'; '.join(facts)}. Draft from the {provenance.describe()}.",
                    source=source)


def extract_scenario(text: str | Article, *, date: dt.date | str | None = None, country: str = "SY",
                     name: str = "draft", gazetteer: Gazetteer | None = None) -> Draft:
    """Read an article into a draft scenario.

    Parameters
    ----------
    text
        The article: plain text, or an :class:`~zonemap.extract.article.Article`
        (:func:`~zonemap.extract.article.read_article` reads files, standard
        input and saved web pages).
    date
        The day the article was written (``YYYY-MM-DD``); by default the date
        it gives (published, updated, or a dateline at its top).
    country
        ISO 3166-1 alpha-2 code of the country the scenario maps.
    name
        Short name of the scenario, for its output files.
    gazetteer
        The gazetteer; the embedded one by default.

    Returns
    -------
    Draft

    Raises
    ------
    ArticleError
        If the article names no place in ``country``, ``country`` is not a
        country the gazetteer knows, or ``date`` is not a date. (An article that gives no date of its own, read without
        ``date``, yields zones but no incidents: there is no day to resolve
        "on Tuesday" against; the report says so.)
    """
    article = text if isinstance(text, Article) else Article(text)
    if date is not None and isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            raise ArticleError(f"{date!r} is not a date; expected YYYY-MM-DD", source="--date") from None
    if not (isinstance(country, str) and len(country) == 2 and country.isascii() and country.isalpha()):
        raise ArticleError(f"{country!r} is not an ISO 3166-1 alpha-2 code such as 'SY'", source="country")
    country = country.upper()
    g = gazetteer or load_gazetteer()
    if not len(g.country_places(country)):
        raise ArticleError(f"the gazetteer holds no place in {country!r}; expected a country code such as 'SY'",
                           source="country")
    body = article.text
    sentences = split_sentences(body)
    found_places, unresolved = PlaceFinder(g, country).find(body, sentences)
    home = [p for p in found_places if not p.outside]
    abroad = [p for p in found_places if p.outside]
    if not home:
        elsewhere = f" (only places abroad: {', '.join(p.display for p in abroad[:6])})" if abroad else ""
        raise ArticleError(f"the article names no place in {g.country_name(country)}{elsewhere}; a draft scenario "
                           "needs at least one", source=article.name)
    when = article_date(body, date)
    anchor = when.date if when else None
    times = [time_expressions(body, s.start, s.end, anchor) if anchor else [] for s in sentences]
    incidents = find_incidents(body, sentences, home, times, anchor) if anchor else []
    zones = find_zones(body, sentences, home, g)

    def provenance(start: int, end: int, confidence: float) -> Provenance:
        return Provenance(*article.source_span(start, end), confidence)

    taken: set[str] = set()
    zone_provenance = [provenance(z.start, z.end, z.confidence) for z in zones]
    draft_zones = [_zone(z, p, taken) for z, p in zip(zones, zone_provenance)]
    if not draft_zones:
        provinces = tuple(dict.fromkeys(p.admin1 for p in home if p.admin1))
        first = home[0].mentions[0]
        zone_provenance = [provenance(first.start, first.end, 0.3)]
        draft_zones = [Zone("places-named", "Governorates the article names", provinces=provinces, status="proposed",
                            notes="The article names no zone: the governorates of its places, for the analyst to "
                                  f"replace. Draft from the {zone_provenance[0].describe()}.")]
    incident_provenance = [provenance(i.start, i.end, i.confidence) for i in incidents]
    title_sentence = headline(body, sentences)
    title = title_sentence.text if title_sentence else f"Draft from {Path(article.name).name}"
    source = Source(SOURCE_ID, Path(article.name).name, title=title_sentence.text if title_sentence else "",
                    date=anchor)
    draft_incidents = [_incident(i, p, n, source)
                       for n, (i, p) in enumerate(zip(incidents, incident_provenance), start=1)]
    context = f"; named abroad (context, not mapped): {', '.join(p.display for p in abroad)}" if abroad else ""
    scenario = Scenario(title, tuple(draft_zones), subtitle=f"Draft read from {Path(article.name).name}{context}",
                        as_of=_as_of(anchor, incidents), country=country, sources=(source,),
                        incidents=tuple(draft_incidents), name=name)
    return Draft(scenario, tuple(zone_provenance), tuple(incident_provenance), tuple(home), tuple(abroad),
                 tuple(unresolved), when, article, tuple(zones), tuple(incidents))


def _as_of(anchor: dt.date | None, incidents: list[FoundIncident]) -> dt.date | None:
    """The article's date, or the last incident's when that is later (a report dated by its last update)."""
    days = [i.date for i in incidents] + ([anchor] if anchor else [])
    return max(days) if days else None


def extract_file(source: str | Path, *, date: dt.date | str | None = None, country: str = "SY",
                 gazetteer: Gazetteer | None = None) -> Draft:
    """Read an article file (plain text or a saved web page; ``"-"`` for standard input) into a draft scenario.

    Parameters
    ----------
    source
        The file, or ``"-"``.
    date, country, gazetteer
        As for :func:`extract_scenario`.

    Returns
    -------
    Draft
        Named after the file (``draft`` for standard input).

    Raises
    ------
    ArticleError
        If the file cannot be read or names no place in ``country``.
    """
    article = read_article(source)
    name = "draft" if str(source) == "-" else re.sub(r"[^A-Za-z0-9._-]+", "-", Path(source).stem).strip(".-") or "draft"
    return extract_scenario(article, date=date, country=country, name=name, gazetteer=gazetteer)


def write_draft(draft: Draft, path: str | Path) -> Path:
    """Write a draft's scenario as YAML (or JSON for ``.json``), atomically, with :func:`zonemap.dump_scenario`.

    Parameters
    ----------
    draft
        The draft.
    path
        Destination.

    Returns
    -------
    pathlib.Path
    """
    return dump_scenario(draft.scenario, path)

