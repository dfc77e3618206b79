"""From an article to a draft scenario: the seed article's checks, provenance, the written draft and the command line."""

from __future__ import annotations

import datetime as dt
import html
import io
import sys

import pytest
from conftest import SEED_ARTICLE

import zonemap
from zonemap.cli import main
from zonemap.errors import ArticleError

needs_seed = pytest.mark.skipif(not SEED_ARTICLE.exists(), reason="the seed article (../shared/seed/) is not beside "
                                                                  "this checkout")


@pytest.fixture(scope="module")
def seed_draft():
    if not SEED_ARTICLE.exists():
        pytest.skip("the seed article (../shared/seed/) is not beside this checkout")
    return zonemap.extract_file(SEED_ARTICLE)


@needs_seed
def test_seed_places_in_syria_with_their_governorates(seed_draft):
    governorate = {}
    for place in seed_draft.places:
        for mention in place.mentions:
            governorate.setdefault(mention.text, set()).add(place.admin1)
    assert {name: governorate[name] for name in
            ("Idlib", "Homs", "Eastern Ghouta", "Daraa", "Quneitra", "Sweida", "Douma", "Damascus")} == {
        "Idlib": {"Idlib"}, "Homs": {"Homs"}, "Eastern Ghouta": {"Rif Dimashq"}, "Daraa": {"Daraa"},
        "Quneitra": {"Quneitra"}, "Sweida": {"As-Suwayda"}, "Douma": {"Rif Dimashq"}, "Damascus": {"Damascus"}}
    assert all(place.country == "SY" for place in seed_draft.places)


@needs_seed
def test_seed_places_abroad_are_context_and_never_incidents(seed_draft):
    context = {place.display: place.country for place in seed_draft.context}
    assert {"Astana": "KZ", "Kazakhstan": "KZ", "Geneva": "CH"}.items() <= context.items()
    assert all(incident.place.country == "SY" and not incident.place.outside for incident in seed_draft.incidents)
    assert "Geneva" in seed_draft.scenario.subtitle and "Astana" in seed_draft.scenario.subtitle


@needs_seed
def test_seed_air_strike_in_douma(seed_draft):
    strikes = [i for i in seed_draft.incidents if i.type == "air strike"]
    assert [(i.place.mentions[0].text, i.place.admin1, i.date, i.fatalities) for i in strikes] == [
        ("Douma", "Rif Dimashq", dt.date(2017, 7, 4), 2)]
    (incident,) = [i for i in seed_draft.scenario.incidents if i.type == "air strike"]
    provenance = seed_draft.incident_provenance[seed_draft.scenario.incidents.index(incident)]
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    assert "air strikes pounded" in text[provenance.start:provenance.end]
    span = text[provenance.start:provenance.end]
    assert all(word in span for word in ("woman", "child", "killed"))
    assert 0 < provenance.confidence <= 1


@needs_seed
def test_seed_halt_to_fighting_in_the_south(seed_draft):
    halts = [(i.place.display, i.date, i.until) for i in seed_draft.incidents if i.type == "ceasefire"]
    assert halts == [(name, dt.date(2017, 7, 3), dt.date(2017, 7, 6)) for name in ("Daraa", "Quneitra", "As-Suwayda")]
    assert all("until 2017-07-06" in i.description for i in seed_draft.scenario.incidents if i.type == "ceasefire")


@needs_seed
def test_seed_four_zones(seed_draft):
    zones = [(z.rule, getattr(z, z.rule)) for z in seed_draft.scenario.zones]
    assert zones == [("provinces", ("Idlib",)), ("provinces", ("Homs",)), ("area", "Eastern Ghouta"),
                     ("provinces", ("Daraa", "Quneitra", "As-Suwayda"))]
    assert seed_draft.scenario.zones[1].approximate
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    assert [text[p.start:p.end] for p in seed_draft.zone_provenance][1] == "northern parts of Homs province"


@needs_seed
def test_seed_draft_is_valid_input_for_build(seed_draft, tmp_path):
    path = zonemap.write_draft(seed_draft, tmp_path / "draft.yaml")
    scenario = zonemap.load_scenario(path)
    assert (scenario.zones, scenario.incidents, scenario.as_of) == (
        seed_draft.scenario.zones, seed_draft.scenario.incidents, dt.date(2017, 7, 4))
    kinds = [zonemap.geocode(i.place).kind for i in scenario.incidents]
    assert kinds == ["admin1", "admin1", "admin1", "place"]  # the halt is in the governorates, not their cities
    briefing = zonemap.prepare(path)
    assert len(briefing.zones) == 4
    assert int(briefing.incidents["fatalities"].fillna(0).sum()) == 2
    assert set(briefing.incidents["admin1"]) <= {"Daraa", "Quneitra", "As-Suwayda", "Rif Dimashq"}


@needs_seed
def test_seed_from_a_saved_web_page_points_into_the_html(tmp_path):
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.splitlines() if line.strip())
    page = tmp_path / "page.html"
    page.write_text(f"<!doctype html><html><head><style>p{{}}</style></head><body>{paragraphs}</body></html>",
                    encoding="utf-8")
    draft = zonemap.extract_file(page)
    source = page.read_text(encoding="utf-8")
    strike = next(p for i, p in zip(draft.scenario.incidents, draft.incident_provenance) if i.type == "air strike")
    assert source[strike.start:strike.end].startswith("However, air strikes pounded")
    assert len(draft.scenario.zones) == 4


def test_an_article_with_no_place_is_a_clear_input_error():
    with pytest.raises(ArticleError, match="names no place in Syria"):
        zonemap.extract_scenario("The weather was fine and the markets were calm on Monday.")
    with pytest.raises(ArticleError, match=r"only places abroad: Geneva"):
        zonemap.extract_scenario("Diplomats met in Geneva on Monday.")


@pytest.mark.parametrize("country, message", [("syria", "not an ISO 3166-1 alpha-2 code"),
                                              ("ZZ", "the gazetteer holds no place in 'ZZ'")])
def test_an_unknown_country_is_an_input_error(country, message):
    with pytest.raises(ArticleError, match=message):
        zonemap.extract_scenario("Shelling hit Harasta on Monday.", country=country)


def test_cli_extract_no_place_exits_2_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Nothing but weather here.\n")))
    out = tmp_path / "draft.yaml"
    assert main(["extract", "-", "-o", str(out)]) == 2
    assert "<stdin>: the article names no place in Syria" in capsys.readouterr().err
    assert not out.exists()


def test_cli_extract_reads_standard_input_and_writes_a_loadable_draft(tmp_path, capsys, monkeypatch):
    article = "DAMASCUS — Shelling hit Harasta on Monday, killing three people. Talks in Geneva stalled."
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(article.encode())))
    out = tmp_path / "draft.yaml"
    assert main(["extract", "-", "--date", "2018-02-21", "-o", str(out)]) == 0
    report = capsys.readouterr().out
    assert "context abroad: Geneva (CH)" in report and f"wrote {out}" in report
    scenario = zonemap.load_scenario(out)
    assert [(i.date, i.type, i.place, i.fatalities) for i in scenario.incidents] == [
        (dt.date(2018, 2, 19), "shelling", "Harasta", 3)]


def test_cli_bad_date_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as caught:
        main(["extract", "-", "--date", "July 4", "-o", str(tmp_path / "d.yaml")])
    assert caught.value.code == 2


@needs_seed
@pytest.mark.slow
def test_cli_build_from_article(tmp_path, capsys):
    assert main(["build", "--from-article", str(SEED_ARTICLE), "-o", str(tmp_path), "--formats", "html,geojson"]) == 0
    out = capsys.readouterr().out
    assert "zone daraa-quneitra-and-sweida" in out
    assert (tmp_path / "astana-talks-article.html").stat().st_size > 0
    assert (tmp_path / "astana-talks-article.geojson").stat().st_size > 0


def test_cli_build_needs_a_scenario_or_an_article(capsys):
    assert main(["build"]) == 2
    assert "give a scenario file or --from-article" in capsys.readouterr().err
    assert main(["build", "x.yaml", "--article-date", "2017-07-04"]) == 2
    assert "--article-date goes with --from-article" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_build_from_an_undated_article_with_its_date(tmp_path, capsys):
    article = tmp_path / "report.txt"
    article.write_text("The safe zones include Idlib province. Shelling hit Harasta on Monday, killing two people.\n",
                       encoding="utf-8")
    assert main(["build", "--from-article", str(article), "--article-date", "2018-02-21", "-o", str(tmp_path / "out"),
                 "--formats", "geojson"]) == 0
    out = capsys.readouterr().out
    assert "incident 2018-02-19 shelling at Harasta, 2 killed" in out
    assert (tmp_path / "out" / "report.geojson").exists()


def test_an_undated_article_gives_zones_but_no_incidents_and_says_why():
    draft = zonemap.extract_scenario("The safe zones include Idlib province. Shelling hit Harasta on Monday.")
    assert draft.date is None and not draft.scenario.incidents
    assert [z.id for z in draft.scenario.zones] == ["idlib"]
    assert "no incidents were read; give the article's date (--date)" in draft.report()
    dated = zonemap.extract_scenario("The safe zones include Idlib province. Shelling hit Harasta on Monday.",
                                     date="2018-02-21")
    assert [(i.place, i.date) for i in dated.scenario.incidents] == [("Harasta", dt.date(2018, 2, 19))]
