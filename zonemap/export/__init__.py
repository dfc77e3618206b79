"""Outputs of a briefing: the files ``zonemap build`` writes, and how they are published.

:func:`write_outputs` renders every requested format from one
:class:`~zonemap.briefing.Briefing` and publishes them together (see
:mod:`zonemap.export.publish`). The modules that draw or encode each format
are imported only when that format is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..memory import release_unused_memory
from .formats import CHART_FORMATS, DEFAULT_FORMATS, FORMATS, STATIC_FORMATS
from .publish import Content, publish

if TYPE_CHECKING:
    from ..briefing import Briefing


def write_outputs(briefing: Briefing, output_dir: str | Path, *, formats: Sequence[str] = DEFAULT_FORMATS,
                  lang: str | None = None, tiles: str | None = None, dpi: int = 200,
                  progress: Callable[[str], None] | None = None, choropleth: str | None = None) -> dict[str, Path]:
    """Render the requested formats of a briefing and publish them all at once.

    Parameters
    ----------
    briefing
        A prepared briefing.
    output_dir
        Folder for the outputs (created if needed).
    formats
        Among :data:`FORMATS`.
    lang, tiles
        Label language and base map; default to the scenario's.
    dpi
        Resolution of the PNG map.
    progress
        Called with a short message before each step.
    choropleth
        ``MEASURE:LEVEL`` (``"fatalities:subdistrict"``): fill the static map's
        units by it, and show it on the interactive map (whose choropleth
        layer is otherwise incidents per governorate, off until turned on).

    Returns
    -------
    dict
        Format → path of the file written; ``rejects`` → ``<name>.rejects.csv``
        when rows of incident tables could not be placed (written whatever the formats).

    Raises
    ------
    InputError
        For an unknown format, language or tile provider, or an unwritable
        folder; nothing is written then.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise InputError(f"unknown output format {', '.join(map(repr, unknown))}; choose from {', '.join(FORMATS)}")
    step = progress or (lambda message: None)
    name = briefing.scenario.name
    files: dict[str, Content] = {}
    if "html" in formats or "embed" in formats:
        from ..render.interactive import render_html
        from .embed import embed_snippet

        step("rendering the interactive map")
        page = render_html(briefing, lang=lang, tiles=tiles, choropleth=choropleth)
        release_unused_memory()  # the page's columns were encoded through Arrow
        if "html" in formats:
            files[f"{name}.html"] = page
        if "embed" in formats:
            files[f"{name}.embed.html"] = embed_snippet(page, briefing.scenario.title, f"{name}.html")
    static = [f for f in STATIC_FORMATS if f in formats]
    if static:
        from ..render.static import render_static

        for fmt in static:
            step(f"drawing the static map ({fmt.upper()})")
            files[f"{name}.{fmt}"] = render_static(briefing, fmt, dpi=dpi, lang=lang, choropleth=choropleth)
    if {"geojson", "gpkg", "kml"} & set(formats):
        from .vector import geojson_chunks, geopackage_bytes, kml_text

        step("exporting " + ", ".join(f.upper() for f in ("geojson", "gpkg", "kml") if f in formats))
        if "geojson" in formats:
            files[f"{name}.geojson"] = geojson_chunks(briefing)  # written piece by piece
        if "gpkg" in formats:
            files[f"{name}.gpkg"] = geopackage_bytes(briefing)
        if "kml" in formats:
            files[f"{name}.kml"] = kml_text(briefing)
    if {"csv", "md", "before-after.csv"} & set(formats):
        from .summary import before_after_csv, summary_csv, summary_markdown

        if "csv" in formats:
            files[f"{name}.csv"] = summary_csv(briefing)
        if "md" in formats:
            files[f"{name}.md"] = summary_markdown(briefing)
        if "before-after.csv" in formats:
            files[f"{name}.before-after.csv"] = before_after_csv(briefing)
    charts = [f for f in CHART_FORMATS if f in formats]
    if charts:
        from ..render.before_after import render_before_after

        step("drawing the before/after chart")
        for fmt in charts:
            files[f"{name}.{fmt}"] = render_before_after(briefing, fmt.rsplit(".", 1)[1], dpi=dpi, lang=lang)
    if len(briefing.rejects):
        from ..incidents.rejects import rejects_csv

        files[f"{name}.rejects.csv"] = rejects_csv(briefing.rejects)
    step("writing outputs")
    written = publish(output_dir, name, files)
    return {_format_of(file_name): path for file_name, path in written.items()}


def _format_of(file_name: str) -> str:
    for double in ("embed.html", "rejects.csv", *CHART_FORMATS, "before-after.csv"):
        if file_name.endswith(f".{double}"):
            return {"embed.html": "embed", "rejects.csv": "rejects"}.get(double, double)
    return Path(file_name).suffix.lstrip(".")


__all__ = ["CHART_FORMATS", "DEFAULT_FORMATS", "FORMATS", "STATIC_FORMATS", "publish", "write_outputs"]
