"""Static maps: colours where they belong, a golden image, PDF and SVG structure, Arabic glyphs.

To accept a deliberate change of style, regenerate the golden image with
``ZONEMAP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_static.py -k golden``
(the test then writes the image and skips: it never compares an image with
itself), look at it, and commit it.
"""

import io
import matplotlib.text
import os
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

from zonemap.render.static import draw_figure, render_static
from zonemap.render.style import LAND_FOCUS, LAND_OTHER, SEA, zone_style

GOLDEN = Path(__file__).resolve().parent / "golden" / "astana-2017.png"
GOLDEN_DPI = 80


@pytest.fixture(scope="module")
def prepared(example_briefing):
    return example_briefing


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
    fig, ax = draw_figure(prepared)  # same layout at the figure's 100 dpi: maps lon/lat to pixels
    assert image.shape[:2] == (int(fig.get_figheight() * 100), int(fig.get_figwidth() * 100))
    degree = 1 / abs(ax.transData.transform((1, 0))[0] - ax.transData.transform((0, 0))[0])  # degrees per pixel
    # Geometry simplified to a fraction of a pixel first: OCHA's outlines have detail no pixel shows, and
    # buffering it all would take minutes.
    borders = shapely.union_all(shapely.simplify(prepared.provinces.boundary.to_numpy(), degree / 4))
    markers = shapely.union_all(shapely.buffer(prepared.incidents.geometry.to_numpy(), 7 * degree))  # symbol radius + halo (in pixel terms)
    for _, zone in prepared.zones.iterrows():
        style = zone_style(zone["status"])
        expected = style.fill_opacity * rgb(style.colour) + (1 - style.fill_opacity) * rgb(LAND_FOCUS)
        # Well inside: away from the outline, province borders and incident symbols.
        shape = shapely.simplify(zone.geometry, degree / 4)
        core = shape.buffer(-3 * degree).difference(borders.buffer(2 * degree)).difference(markers)
        minx, miny, maxx, maxy = core.bounds
        grid = [shapely.Point(x, y) for x in np.linspace(minx, maxx, 9) for y in np.linspace(miny, maxy, 9)]
        inside = [p for p in grid if core.contains(p)] or [shapely.point_on_surface(core)]
        matches = [np.abs(probe(image, ax, p.x, p.y) - expected).max() <= 12 for p in inside]
        assert sum(matches) >= 0.6 * len(matches), zone["id"]
    assert np.abs(probe(image, ax, 34.6, 34.2) - rgb(SEA)).max() <= 6  # Mediterranean
    assert np.abs(probe(image, ax, 35.95, 33.95) - rgb(LAND_OTHER)).max() <= 6  # Lebanon


def changed_pixels(a: np.ndarray, b: np.ndarray) -> float:
    """Share of pixels that differ clearly (anti-aliasing differences between library builds stay below 48)."""
    return float((np.abs(a - b).max(axis=2) > 48).mean())


def test_matches_the_golden_image(prepared):
    png = render_static(prepared, "png", dpi=GOLDEN_DPI)
    if os.environ.get("ZONEMAP_UPDATE_GOLDEN") == "1":
        GOLDEN.write_bytes(png)
        pytest.skip(f"wrote {GOLDEN}; look at it, then run the test again without ZONEMAP_UPDATE_GOLDEN")
    assert GOLDEN.exists(), f"missing {GOLDEN}; see this module's docstring to regenerate it"
    current, golden = pixels(png), pixels(GOLDEN.read_bytes())
    assert current.shape == golden.shape
    assert changed_pixels(current, golden) < 0.001, "the static map changed; see the module docstring"


def test_golden_comparison_notices_missing_labels(prepared, monkeypatch):
    """The golden test must fail when labels disappear (they cover well under 5% of the page)."""
    import zonemap.render.static as static

    monkeypatch.setattr(static, "_place_labels", lambda ax, candidates, placed: [])
    monkeypatch.setattr(static, "_place_required_labels", lambda ax, entries, frame, occupancy, gid, style: [])
    unlabelled = pixels(render_static(prepared, "png", dpi=GOLDEN_DPI))
    assert changed_pixels(unlabelled, pixels(GOLDEN.read_bytes())) >= 0.001


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

    title = "</text><script>alert(1)</script> $x^2$ {{ 7*7 }} <b>&amp;"
    hostile = replace(prepared, scenario=replace(prepared.scenario, title=title))
    root = ET.fromstring(render_static(hostile, "svg"))
    assert not [e for e in root.iter() if e.tag.split("}")[-1] in ("script", "b", "foreignObject")]
    texts = ["".join(e.itertext()) for e in root.iter() if e.tag.endswith("}text")]
    assert title in texts  # the whole title, as text, maths and markup untouched
    assert render_static(hostile, "png", dpi=30)[:8] == b"\x89PNG\r\n\x1a\n"


def test_pdf_converts_to_an_image_and_has_the_title(prepared, tmp_path, poppler):
    pdf = tmp_path / "map.pdf"
    pdf.write_bytes(render_static(prepared, "pdf"))
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    page = mimage.imread(tmp_path / "page.png")
    assert page.shape[0] > 200 and page.shape[1] > 300
    assert page[:, :, :3].std() > 0.05  # not blank
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "de-escalation zones" in " ".join(text.split())


def test_arabic_labels_are_drawn_with_fonts_that_have_arabic_glyphs(prepared):
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    fig, ax = draw_figure(prepared, lang="ar")
    texts = [t for t in fig.findobj(matplotlib.text.Text) if any("\u0600" <= ch <= "\u06ff" for ch in t.get_text())]
    assert len(texts) >= 5  # province labels, legend entries, "as of"
    for text in texts:
        font = FT2Font(font_manager.findfont(text.get_fontproperties(), fallback_to_default=False))
        missing = {ch for ch in text.get_text() if "\u0600" <= ch <= "\u06ff" and font.get_char_index(ord(ch)) == 0}
        assert not missing, f"{text.get_text()!r} drawn in {font.family_name}, which has no glyph for {missing}"


def test_arabic_static_map_renders(prepared):
    english, arabic = pixels(render_static(prepared, "png", dpi=40)), pixels(render_static(prepared, "png", dpi=40, lang="ar"))
    assert english.shape == arabic.shape and np.abs(english - arabic).mean() > 0.05


def test_plot_draws_into_the_given_axes(prepared):
    fig = Figure(figsize=(6, 6))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 2, 2)
    assert prepared.plot(ax=ax) is ax
    minx, miny, maxx, maxy = prepared.extent
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < minx < maxx < x1 and y0 < miny < maxy < y1
    assert {c.get_gid() for c in ax.collections} >= {"zones", "provinces", "incidents"}
    assert fig.axes == [ax] and [a.get_gid() for a in ax.child_axes] == ["locator"]
    assert not fig.texts  # title and credits belong to the report page, not to a user's axes


def test_incidents_are_drawn_with_one_scatter_per_type(prepared):
    from dataclasses import replace

    import geopandas as gpd

    rng = np.random.default_rng(0)
    n, places = 10_000, 60
    lons, lats = rng.uniform(36, 41, places), rng.uniform(33, 37, places)
    at = np.arange(n) % places  # 60 places with many incidents each
    many = gpd.GeoDataFrame({"id": [f"i{k}" for k in range(n)], "type": rng.choice(["air strike", "shelling", "clashes"], n),
                             "label": [f"place {k}" for k in at]},
                            geometry=gpd.points_from_xy(lons[at], lats[at]), crs="EPSG:4326")
    fig, ax = draw_figure(replace(prepared, incidents=many))
    scatters = [c for c in ax.collections if c.get_gid() == "incidents"]
    assert len(scatters) == 2 * 3  # a disc and a glyph layer per type
    assert sum(len(c.get_offsets()) for c in scatters) == 2 * n
    labels = [t for t in ax.texts if t.get_gid() == "labels" and t.get_text().startswith("place ")]
    assert 0 < len(labels) <= 30


# Layout: legend, locator inset, north arrow, scale bar and the off-frame note cover no data, in every scenario.

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))
FURNITURE = ("legend", "locator", "north-arrow", "scalebar", "off-frame-note")


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda path: path.stem)
def drawn_scenario(request, artifacts_dir):
    """(briefing, figure, axes) of each example scenario's report page, drawn."""
    from zonemap import prepare

    briefing = prepare(request.param)
    fig, ax = draw_figure(briefing)
    fig.savefig(artifacts_dir / f"static-{request.param.stem}.png", dpi=100)  # to look at; git-ignored
    return briefing, fig, ax


def furniture_boxes(fig, ax) -> dict:
    """Display boxes of the map's furniture, found by the ids its layers carry."""
    renderer = fig.canvas.get_renderer()
    boxes = {"legend": ax.get_legend().get_window_extent(renderer)}
    boxes |= {inset.get_gid(): inset.get_window_extent(renderer) for inset in ax.child_axes}
    boxes |= {artist.get_gid(): artist.get_window_extent(renderer) for artist in ax.artists if artist.get_gid()}
    return boxes


def marker_boxes(fig, ax) -> list:
    """Each incident symbol's extent: its centre in display space, its size and edge as drawn."""
    boxes = []
    for scatter in (c for c in ax.collections if c.get_gid() == "incidents"):
        radius = (np.sqrt(scatter.get_sizes().max()) / 2 + scatter.get_linewidths().max()) * fig.dpi / 72
        for x, y in ax.transData.transform(scatter.get_offsets()):
            boxes.append(shapely.box(x - radius, y - radius, x + radius, y + radius))
    return boxes


def label_boxes(fig, ax) -> dict:
    """Display boxes of the map's labels (zone names, provinces, places), by text."""
    renderer = fig.canvas.get_renderer()
    return {text: text.get_window_extent(renderer) for text in ax.texts if text.get_gid() in ("labels", "zone-labels")}


def as_shape(box) -> shapely.Polygon:
    return shapely.box(box.x0, box.y0, box.x1, box.y1)


def test_furniture_covers_no_zone_marker_or_label(drawn_scenario):
    assert_furniture_hides_nothing(*drawn_scenario)


def test_furniture_goes_beside_the_map_when_no_corner_is_free(prepared):
    """Incidents on a grid over the whole frame leave no corner free for the legend: it moves out of the frame."""
    from dataclasses import replace

    import geopandas as gpd

    minx, miny, maxx, maxy = prepared.extent
    xs, ys = np.meshgrid(np.linspace(minx - 2.5, maxx + 2.5, 14), np.linspace(miny - 0.8, maxy + 0.8, 10))
    grid = gpd.GeoDataFrame({"id": [f"g{k}" for k in range(xs.size)], "type": ["shelling"] * xs.size,
                             "label": [f"p{k}" for k in range(xs.size)]},
                            geometry=gpd.points_from_xy(xs.ravel(), ys.ravel()), crs="EPSG:4326")
    briefing = replace(prepared, incidents=grid)
    fig, ax = draw_figure(briefing)
    fig.canvas.draw()
    frame = ax.get_window_extent(fig.canvas.get_renderer())
    assert furniture_boxes(fig, ax)["legend"].x0 > frame.x1
    assert_furniture_hides_nothing(briefing, fig, ax)


def test_tall_furniture_beside_a_small_map_stays_on_the_page(prepared):
    """Every incident type and a side per zone make a legend taller than a small map: it wraps into columns."""
    from dataclasses import replace

    import geopandas as gpd

    from zonemap.render.style import INCIDENT_STYLES

    minx, miny, maxx, maxy = prepared.extent
    xs, ys = np.meshgrid(np.linspace(minx - 2.5, maxx + 2.5, 12), np.linspace(miny - 0.8, maxy + 0.8, 10))
    types = list(INCIDENT_STYLES)
    grid = gpd.GeoDataFrame({"id": [f"g{k}" for k in range(xs.size)], "type": [types[k % 8] for k in range(xs.size)],
                             "label": [f"p{k}" for k in range(xs.size)]},
                            geometry=gpd.points_from_xy(xs.ravel(), ys.ravel()), crs="EPSG:4326")
    zones = prepared.zones.assign(side=["Side A", "Side B", "Side C", "Side D"])
    briefing = replace(prepared, incidents=grid, zones=zones)
    fig, ax = draw_figure(briefing, width_in=8, height_in=4.5)
    fig.canvas.draw()
    assert len(ax.get_legend().get_texts()) >= 8 + 4
    assert_furniture_hides_nothing(briefing, fig, ax)


def test_furniture_keeps_off_a_zone_across_the_whole_frame(prepared):
    """A band of zone from edge to edge of the map reaches into every corner the legend could use."""
    from dataclasses import replace

    whole = prepared.zones.iloc[[0]].copy()
    minx, miny, maxx, maxy = prepared.extent
    whole["geometry"] = [shapely.box(minx - 10, miny, maxx + 10, maxy)]
    briefing = replace(prepared, zones=whole.set_geometry("geometry"))
    fig, ax = draw_figure(briefing)
    fig.canvas.draw()
    assert_furniture_hides_nothing(briefing, fig, ax)


def assert_furniture_hides_nothing(briefing, fig, ax) -> None:
    boxes = furniture_boxes(fig, ax)
    assert {"legend", "locator", "north-arrow", "scalebar"} <= set(boxes)
    frame = as_shape(ax.get_window_extent(fig.canvas.get_renderer()))  # zones are drawn clipped to the frame
    zones = [shapely.transform(geometry, ax.transData.transform).intersection(frame)
             for geometry in briefing.zones.geometry]
    markers = marker_boxes(fig, ax)
    labels = [as_shape(box) for box in label_boxes(fig, ax).values()]
    assert markers and labels
    page = as_shape(fig.bbox)
    for name, box in boxes.items():
        shape = as_shape(box)
        assert page.contains(shape), f"{name} leaves the page"
        assert not any(shape.intersects(zone) for zone in zones), f"{name} covers a zone"
        assert not any(shape.intersects(marker) for marker in markers), f"{name} covers an incident marker"
        assert not any(shape.intersects(label) for label in labels), f"{name} covers a label"
        for other, other_box in boxes.items():
            assert other == name or not shape.intersects(as_shape(other_box)), f"{name} covers {other}"


def test_every_zone_is_named_and_labels_do_not_overlap(drawn_scenario):
    briefing, fig, ax = drawn_scenario
    labels = label_boxes(fig, ax)
    zone_labels = sorted(text.get_text() for text in labels if text.get_gid() == "zone-labels")
    assert zone_labels == sorted(briefing.zones["name"])
    shapes = [as_shape(box) for box in labels.values()]
    for i, shape in enumerate(shapes):
        assert not any(shape.intersects(other) for other in shapes[i + 1:]), list(labels)[i].get_text()


def test_zone_labels_follow_the_language(prepared):
    fig, ax = draw_figure(prepared, lang="ar")
    names = {text.get_text() for text in ax.texts if text.get_gid() == "zone-labels"}
    assert names == set(prepared.zones["name_ar"])
    provinces = {text.get_text() for text in ax.texts if text.get_gid() == "labels"}
    assert {"دمشق", "ريف دمشق"} <= provinces and not {"Damascus", "Rif Dimashq"} & provinces


def test_governorates_of_the_area_of_interest_are_named(prepared):
    fig, ax = draw_figure(prepared)
    names = {text.get_text() for text in ax.texts if text.get_gid() == "labels"}
    assert {"Damascus", "Rif Dimashq", "Daraa", "Quneitra", "Idlib", "Homs"} <= names


def off_frame_variant(tmp_path) -> Path:
    """The example with its Douma air strike moved to Baghdad, beyond the map's frame."""
    from tests.conftest import EXAMPLE

    text = EXAMPLE.read_text(encoding="utf-8")
    moved = text.replace("    place: Douma\n", "    lat: 33.31\n    lon: 44.37\n", 1)
    assert moved != text
    path = tmp_path / "moved.yaml"
    path.write_text(moved, encoding="utf-8")
    return path


def test_note_counts_incidents_outside_the_map_and_legend_drops_their_types(tmp_path):
    from zonemap import prepare

    briefing = prepare(off_frame_variant(tmp_path))
    fig, ax = draw_figure(briefing)
    texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    assert "2 incidents outside the map" in texts  # the air strike in Baghdad and the talks in Astana
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Ceasefire" in legend and "Air strike" not in legend and "Talks" not in legend
    fig, ax = draw_figure(briefing, lang="ar")
    assert "حوادث خارج الخريطة: \u20662\u2069" in [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def test_no_note_when_every_incident_is_on_the_map(prepared):
    from dataclasses import replace

    on_map = prepared.incidents[prepared.incidents["label"] != "Astana"]
    fig, ax = draw_figure(replace(prepared, incidents=on_map))
    assert not [a for a in ax.artists if a.get_gid() == "off-frame-note"]
    assert not [t for t in fig.findobj(matplotlib.text.Text) if "outside the map" in t.get_text()]


def test_place_names_follow_the_language(prepared, tmp_path):
    from zonemap import prepare
    from zonemap.render.static import place_names

    assert place_names(prepared, "en") == ["Douma", "Daraa", "Quneitra", "Sweida", "Astana"]  # as written
    # In Arabic as the gazetteer writes them; Astana has no Arabic name there and keeps its label.
    assert place_names(prepared, "ar") == ["دوما", "درعا", "القنيطرة", "السويداء", "Astana"]
    from tests.conftest import EXAMPLE

    arabic = tmp_path / "arabic-place.yaml"
    arabic.write_text(EXAMPLE.read_text(encoding="utf-8").replace("    place: Douma\n", "    place: دوما\n", 1),
                      encoding="utf-8")
    written_in_arabic = prepare(arabic)
    assert place_names(written_in_arabic, "en")[0] == "Duma"  # the gazetteer's English name on an English map
    assert place_names(written_in_arabic, "ar")[0] == "دوما"


def test_governorates_holding_zones_are_named(drawn_scenario):
    """Hodeidah in Yemen, Sirte and Jufra in Libya, Idlib in Syria: each governorate a zone lies in, when visible."""
    briefing, fig, ax = drawn_scenario
    frame = as_shape(ax.get_window_extent(fig.canvas.get_renderer()))
    named = {text.get_text() for text in label_boxes(fig, ax)}
    codes = {code for codes in briefing.zones["province_codes"] for code in codes}
    units = briefing.provinces[briefing.provinces["iso_3166_2"].isin(codes)]
    expected = {unit.name_en for unit in units.itertuples()
                if shapely.transform(unit.geometry, ax.transData.transform).intersection(frame).area
                * (72 / fig.dpi) ** 2 >= 25}
    assert expected and expected <= named
