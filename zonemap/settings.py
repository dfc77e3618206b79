"""Settings: every limit and location zonemap uses, in one place, passed explicitly.

A :class:`Settings` is a frozen value. Functions that need one take a
``settings=`` argument and fall back to ``Settings()`` (the defaults below);
nothing in zonemap changes settings behind a caller's back. To change one
value, make a new instance::

    settings = zonemap.Settings().replace(allowed_paths=("/data/shapes",))
    briefing = zonemap.prepare("scenario.yaml", settings=settings)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .errors import InputError

MEBIBYTE = 1024 * 1024
ENGINES = ("pandas", "dask")


PUBLIC_NOMINATIM = "nominatim.openstreetmap.org"
"""The OpenStreetMap Foundation's Nominatim server: at most one request a second (its usage policy)."""


@dataclass(frozen=True)
class OnlineGeocoding:
    """How to look up online the names the offline gazetteer cannot place.

    Online lookups happen only when a :class:`Settings` carries one of these
    (``zonemap … --online``); otherwise zonemap makes no network request.

    Attributes
    ----------
    user_agent
        Names your application, ideally with a contact ("acme-briefings/1.0
        (ops@example.org)"), sent with every request. Required: providers
        block anonymous clients, and geopy's default one is refused.
    provider
        A geopy geocoder by name: ``"nominatim"`` (default), ``"photon"``,
        ``"opencage"``…
    options
        Keyword arguments for the provider's geopy class, e.g.
        ``{"domain": "nominatim.example.org", "scheme": "https"}`` or
        ``{"api_key": "…"}``.
    cache_dir
        Folder of the answer cache; ``None`` for the user's cache folder
        (``~/.cache/zonemap`` on Linux).
    min_delay
        Seconds between the starts of two requests, across every zonemap
        process sharing the cache; at least 1 for the public Nominatim.
    retries
        Further attempts after a rate limit (HTTP 429), an unavailable
        service (502, 503, 504) or a timeout.
    backoff
        Seconds before the first retry, doubled before each next one (or
        what a 429 answer's ``Retry-After`` asks, if longer).
    timeout
        Seconds to wait for an answer.
    progress
        Show a progress bar with the time left when several names go
        online: ``None`` when standard error is a terminal.
    """

    user_agent: str
    provider: str = "nominatim"
    options: tuple[tuple[str, object], ...] = field(default=())
    cache_dir: Path | None = None
    min_delay: float = 1.0
    retries: int = 2
    backoff: float = 2.0
    timeout: float = 10.0
    progress: bool | None = None

    def __post_init__(self) -> None:
        options = self.options.items() if isinstance(self.options, Mapping) else self.options
        object.__setattr__(self, "options", tuple(sorted((str(k), v) for k, v in options)))
        if self.cache_dir is not None:
            object.__setattr__(self, "cache_dir", Path(self.cache_dir))
        agent = self.user_agent.strip() if isinstance(self.user_agent, str) else ""
        if not any(c.isalpha() for c in agent) or agent.lower().startswith("geopy"):
            raise InputError("online geocoding needs a user agent naming your application and a contact, e.g. "
                             "'acme-briefings/1.0 (ops@example.org)' (--user-agent); geopy's default one is refused",
                             location="user_agent")
        if not isinstance(self.provider, str) or not self.provider.strip():
            raise InputError(f"provider must be a geopy geocoder name such as 'nominatim', got {self.provider!r}",
                             location="provider")
        for name, low in (("min_delay", 0), ("backoff", 0), ("timeout", 0.1), ("retries", 0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low:
                raise InputError(f"{name} must be a number of at least {low}, got {value!r}", location=name)
        if not isinstance(self.retries, int):
            raise InputError(f"retries must be a whole number, got {self.retries!r}", location="retries")
        domain = dict(self.options).get("domain", PUBLIC_NOMINATIM)
        if self.provider.lower() == "nominatim" and domain == PUBLIC_NOMINATIM and self.min_delay < 1:
            raise InputError(f"the public Nominatim allows at most one request a second; min_delay must be at least 1, "
                             f"got {self.min_delay!r}", location="min_delay")


@dataclass(frozen=True)
class Settings:
    """Limits and locations for reading input and building maps.

    Attributes
    ----------
    data_dir
        Folder of the embedded geodata (boundaries, gazetteer, named areas);
        ``None`` for the copy installed with zonemap.
    allowed_paths
        Folders, besides the scenario's own folder and those below it, that
        a scenario may name files in (drawn shapes, incident tables). A
        scenario received from someone else cannot read files outside these.
    max_scenario_bytes
        Largest scenario file read.
    max_table_bytes, max_table_rows
        Largest incident table read, in bytes and rows.
    max_shape_bytes
        Largest drawn-shape GeoJSON file read.
    strict
        Make names matched with low confidence errors (they are listed in
        the build report otherwise).
    lenient
        Make implausible zone geometry (a town resolved far from the zone's
        other towns, an incident counted in a zone far from its towns) a
        warning instead of an error.
    online
        Look up online the names the offline gazetteer does not know
        (:class:`OnlineGeocoding`); ``None`` (the default) guarantees that
        no network request is made.
    before_after_days
        Days compared before and after each zone came into force
        (:attr:`zonemap.Briefing.before_after`).
    engine
        Where incidents are joined to admin units and zones: ``"pandas"``
        (in memory) or ``"dask"`` (on dask-geopandas partitions, see
        :mod:`zonemap.incidents.partitioned`).
    scheduler
        With the dask engine, the address of a running dask scheduler
        (``tcp://host:8786``); ``None`` starts a local cluster for the build.
    """

    data_dir: Path | None = None
    allowed_paths: tuple[Path, ...] = field(default=())
    max_scenario_bytes: int = 5 * MEBIBYTE
    max_table_bytes: int = 200 * MEBIBYTE
    max_table_rows: int = 1_000_000
    max_shape_bytes: int = 50 * MEBIBYTE
    strict: bool = False
    lenient: bool = False
    online: OnlineGeocoding | None = None
    before_after_days: int = 90
    engine: str = "pandas"
    scheduler: str | None = None

    def __post_init__(self) -> None:
        # Normalise so that equal settings compare equal, whatever types were passed.
        if self.data_dir is not None:
            object.__setattr__(self, "data_dir", Path(self.data_dir))
        object.__setattr__(self, "allowed_paths", tuple(Path(p) for p in self.allowed_paths))
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name.startswith("max_") and (not isinstance(value, int) or value <= 0):
                raise ValueError(f"setting {item.name} must be a positive whole number, got {value!r}")
        if self.engine not in ENGINES:
            raise ValueError(f"setting engine must be one of {', '.join(ENGINES)}, got {self.engine!r}")

    def replace(self, **changes) -> Settings:
        """A copy with some settings changed.

        Parameters
        ----------
        **changes
            New values by setting name.

        Returns
        -------
        Settings
        """
        return replace(self, **changes)


DEFAULT_SETTINGS = Settings()
"""The settings used when none are passed."""
