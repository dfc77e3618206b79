"""Putting imported events on the map: coordinates kept, place names geocoded in bulk, the rest rejected.

:func:`place_events` turns an :class:`~zonemap.incidents.events.EventTable`
into incident points in the columns of
:func:`zonemap.incidents.join.incident_points`. Rows with coordinates keep
them; each distinct place name of the rows without is geocoded once
(:func:`zonemap.geocoding.geocode_all`). In zonemap's own tables an unknown
name is an error, as in a scenario; in an imported dataset its rows are
rejected with the geocoder's reason. :func:`admin1_agreement` then checks
the placed events against the dataset's own province names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from tqdm import tqdm

from ..errors import GeocodeError, InputError, Origin
from ..geocoding import DEFAULT_MIN_CONFIDENCE, LOW_CONFIDENCE, PlaceResolver, geocode_all
from .events import EventTable
from .join import shared_points

PROGRESS_MIN_NAMES = 2000
"""Geocoding at least this many distinct names shows a progress bar (on a terminal)."""

EXTRA_COLUMNS = ["category", "dataset_admin1", "notes", "geo_precision"]
"""Columns imported events add to the incidents table: the dataset's own category, province name, notes and
location precision (missing for incidents written in zonemap's own form)."""

_UNIT_WORDS = re.compile(r"\s+(governorate|province|muhafazat)$", re.IGNORECASE)


@dataclass(frozen=True)
class ImportReport:
    """What became of one incident table's rows.

    Attributes
    ----------
    file
        The table.
    format
        Its format's name for people ("ACLED", "UCDP GED", "zonemap", "mapped columns").
    rows
        Rows read.
    placed
        Events on the map.
    geocoded
        Of those, events placed by their place name (they had no coordinates).
    rejected
        Rows set aside (see the briefing's rejects).
    fatalities
        Fatalities of the placed events.
    admin1_compared
        Placed events whose dataset names a province the gazetteer knows.
    admin1_agreeing
        Of those, events that fall in that province.
    tag_line
        Where the table's HXL hashtag row was (skipped), if it had one.
    """

    file: str
    format: str
    rows: int
    placed: int
    geocoded: int
    rejected: int
    fatalities: int
    admin1_compared: int = 0
    admin1_agreeing: int = 0
    tag_line: int | None = None

    def describe(self) -> str:
        """One line for the build report."""
        text = (f"{self.file} ({self.format}): {self.rows:,} rows, {self.placed:,} placed "
                f"({self.geocoded:,} by place name), {self.rejected:,} rejected, {self.fatalities:,} fatalities")
        if self.tag_line is not None:
            text += f"; its HXL hashtag row (line {self.tag_line}) is not an event and was skipped"
        if self.admin1_compared:
            text += (f"; province agrees with the dataset's own for {self.admin1_agreeing:,} of "
                     f"{self.admin1_compared:,} ({100 * self.admin1_agreeing / self.admin1_compared:.1f}%)")
        return text


def place_events(table: EventTable, resolver: PlaceResolver, *, first_number: int = 1,
                 strict: bool = False) -> tuple[EventTable, gpd.GeoDataFrame]:
    """Place a table's events: coordinates kept, place names geocoded (each distinct name once).

    Parameters
    ----------
    table
        The table, read by :func:`~zonemap.incidents.events.read_events`.
    resolver
        The scenario's resolver: its country and gazetteer; names of a
        zonemap table are recorded in it, as those of a scenario are.
    first_number
        Events without an id get ``incident-N``, counting from this number.
    strict
        Reject the rows of names matched with low confidence, as ``--strict`` refuses them in a scenario
        (the geocoder's own refusals of unsure names hold either way).

    Returns
    -------
    (EventTable, geopandas.GeoDataFrame)
        The table with the events that could not be placed moved to its
        rejects, and the placed events as points: the columns of
        :func:`~zonemap.incidents.join.incident_points`, then
        :data:`EXTRA_COLUMNS`.

    Raises
    ------
    ScenarioError
        In a zonemap table, for a place name the geocoder does not know (file, line, column).
    """
    events = table.events
    lon, lat = events["lon"].to_numpy(dtype=np.float64).copy(), events["lat"].to_numpy(dtype=np.float64).copy()
    matched = np.full(len(events), None, dtype=object)
    by_name = np.flatnonzero(np.isnan(lat))
    names = events["place"].to_numpy(dtype=object)[by_name]
    codes, distinct = pd.factorize(names, sort=False)
    if table.format == "zonemap":
        first_use = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy()
        found = [resolver.place(name, Origin(table.file, f"row {int(events['row'].iat[by_name[k]]) + 1}",
                                             int(events["line"].iat[by_name[k]])), "place")
                 for name, k in zip(distinct, first_use)]
    else:
        bar = tqdm(distinct, desc=f"geocoding place names of {table.file}", unit="name",
                   disable=None if len(distinct) >= PROGRESS_MIN_NAMES else True)
        found = geocode_all(bar, resolver.country, gazetteer=resolver.gazetteer,
                            min_confidence=LOW_CONFIDENCE if strict else DEFAULT_MIN_CONFIDENCE)
    placed = np.array([not isinstance(result, GeocodeError) for result in found] + [False], dtype=bool)[codes]
    lon[by_name[placed]] = np.array([r.lon for r in found if not isinstance(r, GeocodeError)])[_rank(placed, codes)]
    lat[by_name[placed]] = np.array([r.lat for r in found if not isinstance(r, GeocodeError)])[_rank(placed, codes)]
    matched[by_name[placed]] = np.array([r.name for r in found if not isinstance(r, GeocodeError)],
                                        dtype=object)[_rank(placed, codes)]
    reasons = np.array([f"place {name!r} cannot be placed: {result.message}" if isinstance(result, GeocodeError)
                        else None for name, result in zip(distinct, found)] + [None], dtype=object)[codes]
    table = table.reject(by_name[~placed], reasons[~placed])
    kept = np.ones(len(events), dtype=bool)
    kept[by_name[~placed]] = False
    events = table.events
    ids = events["id"].array
    missing = np.flatnonzero(pd.isna(ids))
    if missing.size:
        ids = np.array(ids, dtype=object)
        ids[missing] = [f"incident-{first_number + k}" for k in missing]
    # Columns as they are stored (Arrow text, not a Python string per row); the frame infers the same types.
    points = gpd.GeoDataFrame({
        "id": ids, **{column: events[column].array for column in ("date", "type", "place")},
        "matched_place": matched[kept],
        **{column: events[column].array for column in ("fatalities", "actors", "description", "source_outlet",
                                                       "source_url", "source_date", *EXTRA_COLUMNS)},
    }, geometry=shared_points(lon[kept], lat[kept]), crs="EPSG:4326", copy=False)
    return table, points


def _rank(placed: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """For the placed rows, the position of their name among the names that were found."""
    found_codes = np.unique(codes[placed])
    return np.searchsorted(found_codes, codes[placed])


def province_codes(names: np.ndarray, provinces: gpd.GeoDataFrame, resolver: PlaceResolver) -> np.ndarray:
    """The ISO 3166-2 code of each province name as a dataset spells it, or None where it is not known surely.

    Names are matched to the provinces' own names first ("Damascus" is the
    city's governorate, not Rural Damascus), then through the gazetteer's
    spellings ("Idleb", "Dar'a", "Rural Damascus", "Rif Dimashq governorate").

    Parameters
    ----------
    names
        Province names (object array; None where missing).
    provinces
        The country's admin-1 units: ``iso_3166_2``, ``name_en``, ``name_ar``.
    resolver
        A resolver of the scenario's country (not the scenario's own: these
        names are not recorded in the build report).

    Returns
    -------
    numpy.ndarray
        Object array of codes, None where missing or unknown.
    """
    own = {str(name).casefold(): code for column in ("name_en", "name_ar", "iso_3166_2")
           for name, code in zip(provinces[column], provinces["iso_3166_2"]) if isinstance(name, str)}
    codes, distinct = pd.factorize(names, sort=False)

    def code_of(name: str) -> str | None:
        bare = _UNIT_WORDS.sub("", name.strip())
        for key in (name.strip().casefold(), bare.casefold()):
            if key in own:
                return own[key]
        try:
            return resolver.province(bare, Origin(None, "admin1")).ref
        except InputError:
            return None

    return np.array([code_of(str(name)) for name in distinct] + [None], dtype=object)[codes]


def admin1_agreement(dataset_codes: np.ndarray, located_codes: np.ndarray) -> tuple[int, int]:
    """How many events name a known province, and how many of them lie in it.

    Parameters
    ----------
    dataset_codes
        The province each event's dataset names (from :func:`province_codes`).
    located_codes
        The province each event lies in.

    Returns
    -------
    (int, int)
        Events compared, events agreeing.
    """
    compared = pd.notna(dataset_codes)
    return int(compared.sum()), int((compared & (dataset_codes == located_codes)).sum())
