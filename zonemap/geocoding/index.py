"""Writing the gazetteer index (``gazetteer.npz``) that :class:`~zonemap.geocoding.Gazetteer` reads.

``scripts/build_geodata.py`` gathers places from the pinned sources and
writes them with :class:`GazetteerBuilder`; tests write small gazetteers the
same way. The format, in one place:

* ``place_*``: one entry per place (name, coordinates, kind code, country,
  admin-1 code, GeoNames id, population, reference of areas);
* ``exact_keys`` / ``exact_offsets`` / ``exact_places``: every
  :func:`~zonemap.geocoding.text.name_key` of every name of a place, sorted,
  with the places having it;
* ``skeleton_*``: every :func:`~zonemap.geocoding.text.skeleton_key`, with
  the exact keys (spellings) that reduce to it;
* ``admin1_*``: code, English name and country of each admin-1 unit.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from pathlib import Path

import numpy as np

from ..data.geodata import KIND_NAMES
from .text import name_key, skeleton_key

KIND_CODES = {kind: code for code, kind in enumerate(KIND_NAMES)}


def is_useful_script(text: str) -> bool:
    """Keep Latin- and Arabic-script names; other scripts do not occur in our sources' queries."""
    for ch in text:
        code = ord(ch)
        if code < 0x250 or 0x1E00 <= code <= 0x1EFF or 0x2000 <= code <= 0x206F:
            continue
        if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F:
            continue
        return False
    return True


class GazetteerBuilder:
    """Accumulates places and their names, then writes the compact index."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.names: list[list[str]] = []

    def add(self, *, name: str, lat: float, lon: float, kind: str, country: str, admin1: str = "",
            geonameid: int = 0, population: int = 0, ref: str = "", alternates: list[str] = ()) -> None:
        """Add a place with its names (alternates in scripts other than Latin and Arabic are dropped)."""
        names = [name] + [a for a in alternates if a and a != name and is_useful_script(a)]
        self.rows.append({"name": name, "lat": lat, "lon": lon, "kind": KIND_CODES[kind], "country": country,
                          "admin1": admin1, "geonameid": geonameid, "population": population, "ref": ref})
        self.names.append(names)

    @staticmethod
    def _postings(keys_per_item: list[set[str]]):
        """Sorted keys (as one text blob, and as a list) with the items having each key."""
        postings: dict[str, list[int]] = defaultdict(list)
        for index, keys in enumerate(keys_per_item):
            for key in keys:
                if key:
                    postings[key].append(index)
        keys = sorted(postings)
        offsets = np.zeros(len(keys) + 1, dtype=np.int32)
        offsets[1:] = np.cumsum([len(postings[k]) for k in keys])
        items = np.fromiter((i for k in keys for i in postings[k]), dtype=np.int32, count=int(offsets[-1]))
        blob = np.frombuffer("\n".join(keys).encode("utf-8"), dtype=np.uint8)
        return blob, offsets, items, keys

    def save(self, path: Path, admin1_table: list[tuple[str, str, str]]) -> dict:
        """Write the index.

        Parameters
        ----------
        path
            The ``.npz`` file to write (byte-reproducible).
        admin1_table
            ``(ISO 3166-2 code, English name, country)`` of every admin-1 unit.

        Returns
        -------
        dict
            Counts: places, exact keys, skeleton keys.
        """
        exact = [{name_key(n) for n in names} for names in self.names]
        exact_blob, exact_offsets, exact_places, exact_keys = self._postings(exact)
        # Skeletons point at exact keys, not places: a query is compared with the few
        # spellings that share its skeleton, then those spellings lead to places.
        skel_blob, skel_offsets, skel_keys, _ = self._postings([{skeleton_key(k)} for k in exact_keys])
        rows = self.rows

        def text_array(values):
            return np.frombuffer("\n".join(values).encode("utf-8"), dtype=np.uint8)

        arrays = {
            "place_name": text_array([r["name"] for r in rows]),
            "place_lat": np.array([r["lat"] for r in rows], dtype=np.float64),
            "place_lon": np.array([r["lon"] for r in rows], dtype=np.float64),
            "place_kind": np.array([r["kind"] for r in rows], dtype=np.int8),
            "place_country": np.array([r["country"] for r in rows], dtype="S2"),
            "place_admin1": np.array([r["admin1"] for r in rows], dtype="S12"),
            "place_geonameid": np.array([r["geonameid"] for r in rows], dtype=np.int64),
            "place_population": np.array([r["population"] for r in rows], dtype=np.int64),
            "place_ref": np.array([r["ref"] for r in rows], dtype="S40"),
            "exact_keys": exact_blob, "exact_offsets": exact_offsets, "exact_places": exact_places,
            "skeleton_keys": skel_blob, "skeleton_offsets": skel_offsets, "skeleton_exact_keys": skel_keys,
            "admin1_code": np.array([c for c, _, _ in admin1_table], dtype="S12"),
            "admin1_name": text_array([n for _, n, _ in admin1_table]),
            "admin1_country": np.array([k for _, _, k in admin1_table], dtype="S2"),
        }
        write_npz(path, arrays)
        return {"places": len(rows), "exact_keys": len(exact_offsets) - 1, "skeleton_keys": len(skel_offsets) - 1}


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Like ``numpy.savez_compressed`` but byte-reproducible (fixed member timestamps)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as member:
                np.lib.format.write_array(member, np.ascontiguousarray(array), allow_pickle=False)
