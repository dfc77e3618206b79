"""Settings: every limit and location zonemap uses, in one place, passed explicitly.

A :class:`Settings` is a frozen value. Functions that need one take a
``settings=`` argument and fall back to ``Settings()`` (the defaults below);
nothing in zonemap changes settings behind a caller's back. To change one
value, make a new instance::

    settings = zonemap.Settings().replace(allowed_paths=("/data/shapes",))
    briefing = zonemap.prepare("scenario.yaml", settings=settings)
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path

MEBIBYTE = 1024 * 1024
ENGINES = ("pandas", "dask")


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
