"""Hostile text through every text field of a scenario and of an incident table.

Each payload of ``data/xss_payloads.txt`` is written into every free-text field;
the built page is opened in Chromium with a ``window.__xss`` canary and a dialog
listener, every panel, popup and tooltip is opened, and the test requires that
nothing ran and that the payload is shown as text.
"""

import csv
import json
from pathlib import Path

import pytest

from zonemap import build

PAYLOADS = (Path(__file__).parent / "data" / "xss_payloads.txt").read_text(encoding="utf-8").splitlines()

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def normalise(text: str) -> str:
    return " ".join(text.split())


def scenario_with(payload: str, folder: Path) -> Path:
    text = json.dumps(payload, ensure_ascii=False)
    (folder / "table.csv").write_text("", encoding="utf-8")
    with (folder / "table.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "date", "type", "lat", "lon", "fatalities", "actors", "description", "source"])
        writer.writerow(["from-table", "2017-07-05", "clashes", "33.9692", "36.6573", "1", payload, payload, "s"])
    path = folder / "hostile.yaml"
    path.write_text(f"""\
title: {text}
subtitle: {text}
sources:
  - id: s
    outlet: {text}
    title: {text}
    url: https://example.org/report
zones:
  - id: z
    name: {text}
    name_ar: {text}
    guarantors: [{text}]
    notes: {text}
    provinces: [Rif Dimashq]
incidents:
  - id: from-yaml
    date: 2017-07-04
    lat: 33.5718
    lon: 36.4027
    type: air strike
    fatalities: 2
    actors: [{text}]
    description: {text}
    source: s
incident_files: [table.csv]
""", encoding="utf-8")
    return path


def popup_text(page) -> str:
    """Text of the open popup, which is then closed so it covers nothing."""
    page.wait_for_function("document.querySelectorAll('.leaflet-popup-content').length === 1")
    text = normalise(page.locator(".leaflet-popup-content").inner_text())
    page.locator(".leaflet-popup-close-button").click()
    page.wait_for_function("document.querySelectorAll('.leaflet-popup-content').length === 0")
    return text


def test_corpus_is_big_enough():
    assert len(PAYLOADS) >= 60
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("number", range(len(PAYLOADS)))
def test_payload_is_inert_and_visible(number, tmp_path, open_page):
    payload = PAYLOADS[number]
    result = build(scenario_with(payload, tmp_path), tmp_path / "out", formats=["html", "embed"])
    record = open_page()
    page = record.page
    page.add_init_script("window.__xss = 0;")
    page.goto(result.outputs["html"].as_uri())
    page.wait_for_selector(".zm-incident-from-table")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    shown = [normalise(page.locator("body").inner_text())]
    page.locator("path.zm-zone-z").click()
    shown.append(popup_text(page))
    for marker in ("from-yaml", "from-table"):
        page.locator(f".zm-incident-{marker}").click()
        shown.append(popup_text(page))
        page.locator(f".zm-incident-{marker}").hover()
    page.locator("path.zm-zone-z").hover(position={"x": 5, "y": 5}, force=True)
    page.wait_for_timeout(50)
    shown.append(normalise(page.locator("body").inner_text()))

    assert page.evaluate("window.__xss") == 0, payload
    assert record.dialogs == [] and record.page_errors == [] and record.blocked_requests == []
    expected = normalise(payload)
    body, zone_popup, yaml_popup, table_popup, _ = shown
    assert body.count(expected) >= 3, "title, subtitle and layer control show the payload as text"
    assert zone_popup.count(expected) >= 2, "zone popup: name and notes"
    assert yaml_popup.count(expected) >= 2 and table_popup.count(expected) >= 2, "incident popups: actors, description"
