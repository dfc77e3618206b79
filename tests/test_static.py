"""Static maps: colours where they belong, a golden image, PDF and SVG structure, Arabic glyphs.

To accept a deliberate change of style, regenerate the golden image with
``ZONEMAP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_static.py`` and
look at it before committing.
"""

import io
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib.colors as mcolors
import matplotlib.image as mimage
import numpy as np
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from zonemap.build import prepare
from zonemap.static import draw_static, render_static
from zonemap.style import LAND_FOCUS, LAND_OTHER, SEA, zone_style

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "astana-2017.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden" / "astana-2017.png"
GOLDEN_DPI = 50


@pytest.fixture(scope="module")
def prepared():
    return prepare(EXAMPLE)


def rgb(colour: str) -> np.ndarray:
    return np.array(mcolors.to_rgb(colour)) * 255


def pixels(png: bytes) -> np.ndarray:
    return (mimage.imread(io.BytesIO(png))[:, :, :3] * 255).astype(float)


def probe(image, ax, lon, lat) -> np.ndarray:
    x, y = ax.transData.transform((lon, lat))
    return image[int(round(image.shape[0] - y)), int(round(x))]


def test_zone_colours_inside_zones_and_background_outside_syria(prepared):
    png = render_static(prepared, "png", dpi=100)
    image = pixels(png)
    fig, ax = draw_static(prepared)  # same layout at the figure's 100 dpi: maps lon/lat to pixels
    assert image.shape[:2] == (int(fig.get_figheight() * 100), int(fig.get_figwidth() * 100))
    degree = 1 / abs(ax.transData.transform((1, 0))[0] - ax.transData.transform((0, 0))[0])  # degrees per pixel
    borders = shapely.union_all(prepared.provinces.boundary.to_numpy())
    markers = shapely.union_all(shapely.buffer(prepared.incidents.geometry.to_numpy(), 7 * degree))  # symbol radius + halo (in pixel terms)
    for _, zone in prepared.zones.iterrows():
        style = zone_style(zone["status"])
        expected = style.fill_opacity * rgb(style.colour) + (1 - style.fill_opacity) * rgb(LAND_FOCUS)
        # Well inside: away from the outline, province borders and incident symbols.
        core = zone.geometry.buffer(-3 * degree).difference(borders.buffer(2 * degree)).difference(markers)
        minx, miny, maxx, maxy = core.bounds
        grid = [shapely.Point(x, y) for x in np.linspace(minx, maxx, 9) for y in np.linspace(miny, maxy, 9)]
        inside = [p for p in grid if core.contains(p)] or [shapely.point_on_surface(core)]
        matches = [np.abs(probe(image, ax, p.x, p.y) - expected).max() <= 12 for p in inside]
        assert sum(matches) >= 0.6 * len(matches), zone["id"]
    assert np.abs(probe(image, ax, 34.6, 34.2) - rgb(SEA)).max() <= 6  # Mediterranean
    assert np.abs(probe(image, ax, 35.95, 33.95) - rgb(LAND_OTHER)).max() <= 6  # Lebanon


def test_matches_the_golden_image(prepared):
    png = render_static(prepared, "png", dpi=GOLDEN_DPI)
    if os.environ.get("ZONEMAP_UPDATE_GOLDEN") == "1":
        GOLDEN.write_bytes(png)
    assert GOLDEN.exists(), f"missing {GOLDEN}; see this module's docstring to regenerate it"
    current, golden = pixels(png), pixels(GOLDEN.read_bytes())
    assert current.shape == golden.shape
    assert np.abs(current - golden).mean() < 2.0, "the static map's style changed; see the module docstring"


def test_same_inputs_give_the_same_bytes(prepared):
    for fmt in ("png", "svg", "pdf"):
        assert render_static(prepared, fmt, dpi=40) == render_static(prepared, fmt, dpi=40), fmt


def test_svg_has_one_group_per_layer(prepared):
    root = ET.fromstring(render_static(prepared, "svg"))
    ids = {element.get("id") for element in root.iter() if element.tag.endswith("}g")}
    for layer in ("sea", "countries", "provinces", "zones", "incidents", "labels", "legend", "title", "scalebar",
                  "north-arrow", "locator", "credits"):
        assert layer in ids, layer


def test_hostile_title_stays_text_in_svg(prepared):
    from dataclasses import replace

    hostile = replace(prepared, scenario=replace(prepared.scenario, title="</text><script>alert(1)</script> $x^2$ {{ 7*7 }}"))
    svg = render_static(hostile, "svg")
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    png_ok = render_static(hostile, "png", dpi=30)
    assert png_ok[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("pdftotext")),
                    reason="pdftoppm/pdftotext (Debian poppler-utils) not installed; make test installs them when CI=true")
def test_pdf_converts_to_an_image_and_has_the_title(prepared, tmp_path):
    pdf = tmp_path / "map.pdf"
    pdf.write_bytes(render_static(prepared, "pdf"))
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    page = mimage.imread(tmp_path / "page.png")
    assert page.shape[0] > 200 and page.shape[1] > 300
    assert page[:, :, :3].std() > 0.05  # not blank
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "de-escalation zones" in " ".join(text.split())


def render_label(text: str, family: str) -> np.ndarray:
    import warnings

    fig = Figure(figsize=(3, 1), dpi=100)
    FigureCanvasAgg(fig)
    fig.text(0.1, 0.3, text, fontsize=28, fontfamily=family)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Glyph missing" is the point of the comparison
        fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[:, :, :3].astype(int)


def test_arabic_labels_are_drawn_with_real_glyphs():
    daraa, homs = "درعا", "حمصس"
    # A font without Arabic draws every letter as the same empty box: two different
    # four-letter words look identical ...
    assert np.array_equal(render_label(daraa, "DejaVu Serif"), render_label(homs, "DejaVu Serif"))
    # ... while the Arabic-capable font draws them differently, and unlike the boxes.
    with_glyphs = render_label(daraa, "DejaVu Sans")
    assert not np.array_equal(with_glyphs, render_label(homs, "DejaVu Sans"))
    assert np.abs(with_glyphs - render_label(daraa, "DejaVu Serif")).mean() > 1.0
    # Letters are joined (shaped): fewer separate pieces of ink than the same letters drawn apart.
    def pieces(image):
        ink = (image.min(axis=2) < 128).any(axis=0).astype(int)
        return int((np.diff(ink) == 1).sum())

    assert pieces(with_glyphs) < pieces(render_label(" ".join(daraa), "DejaVu Sans"))


def test_arabic_static_map_renders(prepared):
    english, arabic = pixels(render_static(prepared, "png", dpi=40)), pixels(render_static(prepared, "png", dpi=40, lang="ar"))
    assert english.shape == arabic.shape and np.abs(english - arabic).mean() > 0.05
