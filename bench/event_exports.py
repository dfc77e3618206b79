"""Synthetic ACLED-format exports for Syria, of any size, for benchmarks and tests.

The rows have ACLED's full column set and its habits: dates written
``04 July 2017``, governorates spelled ACLED's way ("Idleb", "Rural
Damascus", "Dar'a", "Deir-ez-Zor"…), event and sub-event types in
ACLED-like shares, one or two actors, fatalities mostly zero. Locations are
populated places of the embedded gazetteer (OCHA communities), busy places
far busier than quiet ones; coordinates are the place's, moved by up to a
few hundred metres and rounded to four decimals as ACLED rounds them; a
share of rows carry only the place name, as events located by name do.

Because places and governorates come from the same data zonemap places
events with, a placement or agreement rate measured on these files checks
zonemap's machinery (reading, geocoding, joining, comparing spellings), not
the gazetteer's coverage of real reporting; a real export does that.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from zonemap.geocoding import load_gazetteer
from zonemap.geocoding.geocoder import candidate

ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                 "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
                 "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities",
                 "tags", "timestamp"]
"""The columns of an ACLED export, in its order."""

ACLED_GOVERNORATES = {"SY-ID": "Idleb", "SY-RD": "Rural Damascus", "SY-DR": "Dar'a", "SY-HA": "Al Hasakeh",
                      "SY-DY": "Deir-ez-Zor", "SY-RA": "Ar-Raqqa", "SY-LA": "Lattakia", "SY-TA": "Tartous",
                      "SY-SU": "As-Sweida", "SY-QU": "Quneitra", "SY-HL": "Aleppo", "SY-HM": "Hama", "SY-HI": "Homs",
                      "SY-DI": "Damascus"}
"""Governorates as ACLED's Syria data spells them, by ISO 3166-2 code."""

_EVENTS = [  # (event type, sub-event type, share)
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", 0.34),
    ("Explosions/Remote violence", "Air/drone strike", 0.20),
    ("Battles", "Armed clash", 0.18),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", 0.05),
    ("Violence against civilians", "Attack", 0.06),
    ("Violence against civilians", "Abduction/forced disappearance", 0.03),
    ("Protests", "Peaceful protest", 0.05),
    ("Strategic developments", "Agreement", 0.02),
    ("Strategic developments", "Looting/property destruction", 0.03),
    ("Battles", "Government regains territory", 0.02),
    ("Riots", "Mob violence", 0.02),
]
_ACTORS = ["Military Forces of Syria (2000-)", "Military Forces of Russia (2000-)", "Hayat Tahrir al Sham",
           "Opposition Rebels (Syria)", "Islamic State (Syria)", "SDF: Syrian Democratic Forces",
           "Military Forces of Turkey (2016-)", "Unidentified Armed Group (Syria)", "Civilians (Syria)",
           "Protesters (Syria)"]
_SOURCES = ["SOHR", "Syria Direct", "Enab Baladi", "Local Coordination Committees", "SANA", "Deir Ezzor 24"]


def gazetteer_places() -> pd.DataFrame:
    """Syria's populated places with an OCHA P-code: name, coordinates, governorate code, district, sub-district."""
    g = load_gazetteer()
    rows = []
    for index in g.country_places("SY"):
        place = candidate(g, int(index))
        if place.kind == "place" and place.pcode and place.admin1_code in ACLED_GOVERNORATES:
            rows.append((place.name, place.lat, place.lon, place.admin1_code, place.admin2, place.admin3))
    return pd.DataFrame(rows, columns=["name", "lat", "lon", "admin1_code", "admin2", "admin3"])


def synthetic_acled(rows: int, *, seed: int = 2017, towns: int = 800, by_name: float = 0.05) -> pd.DataFrame:
    """An ACLED-format export of ``rows`` events in Syria, as text cells.

    Parameters
    ----------
    rows
        Number of events.
    seed
        Random seed (the same seed gives the same table).
    towns
        How many distinct places the events happen in.
    by_name
        Share of events with a place name but no coordinates.

    Returns
    -------
    pandas.DataFrame
        :data:`ACLED_COLUMNS`, every cell a string.
    """
    rng = np.random.default_rng(seed)
    places = gazetteer_places()
    chosen = places.iloc[rng.choice(len(places), size=min(towns, len(places)), replace=False)].reset_index(drop=True)
    weights = 1.0 / np.arange(1, len(chosen) + 1) ** 0.9
    at = rng.choice(len(chosen), size=rows, p=weights / weights.sum())
    site = chosen.iloc[at].reset_index(drop=True)
    shares = np.array([share for _, _, share in _EVENTS])
    kinds = rng.choice(len(_EVENTS), size=rows, p=shares / shares.sum())
    days = rng.integers(0, 3 * 365, size=rows)
    dates = [(dt.date(2017, 1, 1) + dt.timedelta(days=int(d))) for d in range(3 * 365)]
    written = np.array([d.strftime("%d %B %Y") for d in dates], dtype=object)[days]
    fatalities = np.where(rng.random(rows) < 0.6, 0, rng.geometric(0.3, size=rows))
    lat = np.round(site["lat"].to_numpy() + rng.uniform(-0.002, 0.002, rows), 4)
    lon = np.round(site["lon"].to_numpy() + rng.uniform(-0.002, 0.002, rows), 4)
    named_only = rng.random(rows) < by_name
    actor1 = rng.integers(0, 8, size=rows)
    actor2 = rng.integers(0, len(_ACTORS) + 3, size=rows)
    actors = np.array(_ACTORS + ["", "", ""], dtype=object)
    return pd.DataFrame({
        "event_id_cnty": [f"SYR{100000 + k}" for k in range(rows)], "event_date": written,
        "year": [w[-4:] for w in written], "time_precision": "1", "disorder_type": "Political violence",
        "event_type": [_EVENTS[k][0] for k in kinds], "sub_event_type": [_EVENTS[k][1] for k in kinds],
        "actor1": actors[actor1], "assoc_actor_1": "", "inter1": "1", "actor2": actors[actor2], "assoc_actor_2": "",
        "inter2": "2", "interaction": "12", "civilian_targeting": "", "iso": "760", "region": "Middle East",
        "country": "Syria", "admin1": site["admin1_code"].map(ACLED_GOVERNORATES).to_numpy(),
        "admin2": site["admin2"].fillna("").to_numpy(), "admin3": site["admin3"].fillna("").to_numpy(),
        "location": site["name"].to_numpy(),
        "latitude": np.where(named_only, "", lat.astype(str)), "longitude": np.where(named_only, "", lon.astype(str)),
        "geo_precision": rng.choice(["1", "2"], size=rows, p=[0.8, 0.2]),
        "source": np.array(_SOURCES, dtype=object)[rng.integers(0, len(_SOURCES), size=rows)],
        "source_scale": "National", "notes": [f"Event {k} reported near {n}." for k, n in zip(range(rows), site["name"])],
        "fatalities": fatalities.astype(str), "tags": "", "timestamp": "1618951256",
    })[ACLED_COLUMNS]


def write_acled(path: Path, rows: int, **options) -> pd.DataFrame:
    """Write :func:`synthetic_acled` to a CSV file as ACLED does, and return the table."""
    table = synthetic_acled(rows, **options)
    table.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return table
