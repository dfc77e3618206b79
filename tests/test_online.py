"""Online geocoding against a real HTTP server on 127.0.0.1 that answers like Nominatim's ``/search``.

The server's answers are written here by hand in the format of Nominatim's
JSON output (``format=json`` with ``addressdetails`` and ``namedetails``);
the places are fictional, with coordinates inside Syria (or, for the
country test, inside Turkey). Every request is recorded on the server side
with its arrival time, so that rate limits and "no request at all" are
measured where they matter.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from zonemap import Settings, build, prepare
from zonemap.cli import main
from zonemap.errors import InputError, ProviderError, UnknownPlaceError
from zonemap.geocoding import GeocodeCache, GeocoderChain, OfflineGeocoder, OnlineGeocoder, make_geocoder
from zonemap.settings import OnlineGeocoding

USER_AGENT = "zonemap-tests/1.0 (tests@example.org)"
LICENCE = "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright"
# Names the offline gazetteer does not know (checked by test_the_names_are_unknown_offline).
HAMLET = "Khirbat Umm Zuhayr"
CROSSING = "Zaytuna Crossing"
BORDER_VILLAGE = "Ain Qubbaniyat"


def place(name: str, lat: float, lon: float, *, country_code: str = "sy", state: str = "Idlib Governorate",
          iso: str = "SY-ID", osm_id: int = 1001, name_ar: str | None = None, addresstype: str = "hamlet") -> dict:
    """One Nominatim search result in its JSON format (addressdetails=1, namedetails=1)."""
    country = {"sy": "Syria", "tr": "Türkiye"}[country_code]
    namedetails = {"name": name, "name:en": name} | ({"name:ar": name_ar} if name_ar else {})
    return {
        "place_id": 90000 + osm_id, "licence": LICENCE, "osm_type": "node", "osm_id": osm_id,
        "lat": f"{lat:.7f}", "lon": f"{lon:.7f}", "class": "place", "type": addresstype, "place_rank": 20,
        "importance": 0.1, "addresstype": addresstype, "name": name,
        "display_name": f"{name}, {state}, {country}",
        "address": {addresstype: name, "state": state, "ISO3166-2-lvl4": iso, "country": country,
                    "country_code": country_code},
        "namedetails": namedetails,
        "boundingbox": [f"{lat - 0.01:.7f}", f"{lat + 0.01:.7f}", f"{lon - 0.01:.7f}", f"{lon + 0.01:.7f}"],
    }


def photon_feature(result: dict) -> dict:
    """The same place as Photon's GeoJSON answers it (no country code zonemap reads)."""
    properties = {"osm_id": result["osm_id"], "osm_type": "N", "name": result["name"],
                  "state": result["address"]["state"], "country": result["address"]["country"],
                  "type": result["addresstype"]}
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(result["lon"]), float(result["lat"])]},
            "properties": properties}


PLACES = {
    HAMLET: [place(HAMLET, 35.7012, 36.6311, name_ar="خربة أم زهير")],
    CROSSING: [place(CROSSING, 36.2420, 36.5710, osm_id=1002, addresstype="locality")],
    # Found only across the border: Nominatim ignored the country filter, zonemap must not.
    BORDER_VILLAGE: [place(BORDER_VILLAGE, 36.4020, 36.3410, country_code="tr", state="Hatay", iso="TR-31",
                           osm_id=1003)],
}
# Five names for the rate-limit test, each a distinct hamlet the offline gazetteer does not know.
FIVE = [f"Mazraat Qutayfan {n}" for n in ("Ula", "Thaniya", "Thalitha", "Rabia", "Khamisa")]
PLACES |= {n: [place(n, 35.5 + i / 50, 36.7, osm_id=2000 + i)] for i, n in enumerate(FIVE)}
# Ambiguous offline (several Syrian places): it must never reach the server, which would answer.
PLACES["Tal Ahmar"] = [place("Tal Ahmar", 36.52, 37.30, osm_id=3001)]
# The provider's guess from another word of the query: not the place asked for.
LOOKALIKE = "Tall Nasiriyat Checkpoint"
PLACES[LOOKALIKE] = [place("Nasiriyah", 35.9, 36.8, osm_id=3002, addresstype="village")]
# Two places of that name 40 km apart that fit as well: online as offline, zonemap does not pick one.
TWINS = "Jubb al-Safa al-Gharbi"
PLACES[TWINS] = [place(TWINS, 35.60, 36.60, osm_id=3003), place(TWINS, 35.95, 36.75, osm_id=3004, state="Hama Governorate", iso="SY-HM")]

# A provider's answer is text from the network; this one's English name and province are markup.
HOSTILE = '<img src=x onerror="window.__xss=1">&amp;<b>'
PLACES["Tall Shaytan"] = [place("Tall Shaytan", 35.25, 37.05, osm_id=4001, state=HOSTILE)
                          | {"namedetails": {"name": "Tall Shaytan", "name:en": HOSTILE}}]


@dataclass
class Request:
    at: float
    query: dict
    user_agent: str


@dataclass
class NominatimServer:
    """What the fake Nominatim received, and what it should answer next."""

    url_host: str
    requests: list[Request] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    """HTTP errors to answer with, one per request, before answering normally."""

    @property
    def options(self) -> tuple[tuple[str, str], ...]:
        return (("domain", self.url_host), ("scheme", "http"))

    def queries(self) -> list[str]:
        return [r.query["q"] for r in self.requests]


@pytest.fixture
def nominatim():
    """A Nominatim look-alike on 127.0.0.1, serving :data:`PLACES`."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the http.server API)
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            server.requests.append(Request(time.time(), query, self.headers.get("User-Agent", "")))
            if server.statuses:
                status = server.statuses.pop(0)
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            found = PLACES.get(query.get("q", ""), [])[: int(query.get("limit", 10))]
            if url.path == "/api":  # Photon
                found = {"type": "FeatureCollection", "features": [photon_feature(p) for p in found]}
            elif url.path != "/search":
                self.send_error(404)
                return
            body = json.dumps(found).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server = NominatimServer(f"127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def online(server: NominatimServer, cache_dir: Path, *, progress: bool = False, **kwargs) -> OnlineGeocoding:
    return OnlineGeocoding(USER_AGENT, options=server.options, cache_dir=cache_dir, progress=progress, **kwargs)


def online_args(server: NominatimServer, cache_dir: Path) -> list[str]:
    return ["--online", "--provider-option", f"domain={server.url_host}", "--provider-option", "scheme=http",
            "--user-agent", USER_AGENT, "--cache-dir", str(cache_dir)]


def test_the_names_are_unknown_offline():
    results = OfflineGeocoder(None).resolve_all([HAMLET, CROSSING, BORDER_VILLAGE, LOOKALIKE, TWINS, "Tall Shaytan", *FIVE],
                                                "SY")
    assert all(isinstance(r, UnknownPlaceError) and not r.ambiguous for r in results)


def test_a_name_missing_offline_is_found_online_cached_and_not_asked_twice(nominatim, tmp_path):
    settings = Settings(online=online(nominatim, tmp_path))
    geocoder = make_geocoder(settings)
    try:
        result = geocoder.resolve(HAMLET, "SY")
    finally:
        geocoder.close()
    assert (result.provider, result.tier, result.outside_country) == ("nominatim", "online", False)
    assert (round(result.lat, 4), round(result.lon, 4)) == (35.7012, 36.6311)
    assert (result.admin1_code, result.name_ar, result.ref) == ("SY-ID", "خربة أم زهير", "osm:node/1001")
    assert 0 < result.confidence < 1  # never as sure as an exact offline answer
    assert nominatim.queries() == [HAMLET]
    sent = nominatim.requests[0]
    assert sent.user_agent == USER_AGENT
    assert (sent.query["countrycodes"], sent.query["addressdetails"], sent.query["format"]) == ("sy", "1", "json")

    with GeocodeCache(tmp_path) as cache:
        assert [(e.provider, e.query) for e in cache.entries()] == [("nominatim", HAMLET)]

    again = make_geocoder(settings)
    try:
        assert again.resolve(HAMLET, "SY") == result
    finally:
        again.close()
    assert len(nominatim.requests) == 1


def test_a_name_known_offline_never_goes_online(nominatim, tmp_path):
    chain = make_geocoder(Settings(online=online(nominatim, tmp_path)))
    try:
        assert chain.resolve("Kafr Nubl", "SY").provider == "offline"
    finally:
        chain.close()
    assert nominatim.requests == []


def test_an_ambiguous_offline_name_is_refused_and_never_sent_online(nominatim, tmp_path):
    chain = make_geocoder(Settings(online=online(nominatim, tmp_path)))
    try:
        with pytest.raises(UnknownPlaceError) as caught:
            chain.resolve("Tal Ahmar", "SY")
    finally:
        chain.close()
    assert caught.value.ambiguous
    assert nominatim.requests == []


def test_online_answers_must_be_in_the_country_and_bear_the_name(nominatim, tmp_path):
    chain = make_geocoder(Settings(online=online(nominatim, tmp_path, min_delay=0.1)))
    try:
        results = chain.resolve_all([BORDER_VILLAGE, LOOKALIKE, TWINS, CROSSING], "SY")
    finally:
        chain.close()
    abroad, lookalike, twins, crossing = results
    assert isinstance(abroad, UnknownPlaceError) and "online via nominatim" in str(abroad)
    assert isinstance(lookalike, UnknownPlaceError) and not lookalike.ambiguous
    assert isinstance(twins, UnknownPlaceError) and twins.ambiguous
    assert "Idlib Governorate" in str(twins) and "Hama Governorate" in str(twins)
    assert crossing.provider == "nominatim" and crossing.kind == "place"
    with pytest.raises(UnknownPlaceError):  # however little confidence is asked for
        chain.online.resolve(LOOKALIKE, "SY", min_confidence=0.0)
    assert sorted(nominatim.queries()) == sorted([BORDER_VILLAGE, LOOKALIKE, TWINS, CROSSING])


def test_other_providers_answers_must_lie_in_the_country(nominatim, tmp_path):
    photon = OnlineGeocoder(OnlineGeocoding(USER_AGENT, provider="photon", options=nominatim.options, cache_dir=tmp_path,
                                            min_delay=0.1))
    try:
        found = photon.resolve(HAMLET, "SY")
        with pytest.raises(UnknownPlaceError, match="online via photon"):
            photon.resolve(BORDER_VILLAGE, "SY")
    finally:
        photon.close()
    assert (found.provider, found.country, found.name) == ("photon", "SY", HAMLET)
    assert photon.attribution("photon") == "Places found online: © OpenStreetMap contributors, ODbL (via Photon)"
    assert [r.query["q"] for r in nominatim.requests] == [HAMLET, BORDER_VILLAGE]


def test_no_request_offline_by_default_or_with_offline(nominatim, tmp_path, capsys):
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    assert main(["geocode", HAMLET]) == 2
    assert main(["geocode", HAMLET, *online_args(nominatim, tmp_path / "cache"), "--offline"]) == 2
    assert main(["validate", str(scenario), *online_args(nominatim, tmp_path / "cache"), "--offline"]) == 2
    assert "unknown place" in capsys.readouterr().err
    assert nominatim.requests == []
    assert not (tmp_path / "cache").exists()


SCENARIO = f"""\
title: Hamlets found online
country: SY
zones:
  - id: idlib
    name: Idlib zone
    provinces: [Idlib]
incidents:
  - id: hamlet-shelling
    date: 2017-07-04
    place: {HAMLET}
    type: shelling
  - id: crossing-closed
    date: 2017-07-05
    place: {CROSSING}
    type: other
  - id: douma-air-strike
    date: 2017-07-05
    place: Douma
    type: air strike
"""


def test_a_briefing_says_which_names_came_online_and_credits_the_provider(nominatim, tmp_path, capsys):
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    briefing = prepare(scenario, settings=Settings(online=online(nominatim, tmp_path / "cache")))
    providers = {r.query: r.provider for r in briefing.resolutions}
    assert providers == {"Idlib": "offline", HAMLET: "nominatim", CROSSING: "nominatim", "Douma": "offline"}
    assert "© OpenStreetMap contributors, ODbL" in " ".join(briefing.credits)
    assert set(briefing.incidents["id"]) == {"hamlet-shelling", "crossing-closed", "douma-air-strike"}

    assert main(["validate", str(scenario), *online_args(nominatim, tmp_path / "cache")]) == 0
    report = capsys.readouterr().out
    assert f"found online via nominatim: 2 name(s): {HAMLET}, {CROSSING}" in report
    assert f"'{HAMLET}' -> {HAMLET} (populated place, Idlib Governorate, SY; online via nominatim, confidence 0.80)" in report
    assert len(nominatim.requests) == 2  # the second run read the cache


def test_a_briefing_looks_its_names_up_online_together_with_one_progress_bar(nominatim, tmp_path, capsys):
    towns, places = FIVE[:2], FIVE[2:]
    incidents = "".join(f"""  - id: hamlet-{n}
    date: 2017-07-0{n + 1}
    place: {name}
    type: shelling
""" for n, name in enumerate(places))
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(f"""\
title: Hamlets found online
country: SY
zones:
  - id: hamlets
    name: Two hamlets
    towns: [{", ".join(towns)}]
incidents:
{incidents}""", encoding="utf-8")
    briefing = prepare(scenario, settings=Settings(online=online(nominatim, tmp_path, min_delay=0.1, progress=True)))
    assert len(briefing.incidents) == 3 and sorted(nominatim.queries()) == sorted(FIVE)
    progress = capsys.readouterr().err
    assert "5 names online via nominatim" in progress and "5/5" in progress


def test_offline_briefings_credit_no_online_provider(example_briefing):
    assert not any("OpenStreetMap" in c for c in example_briefing.credits)


def test_online_needs_a_user_agent_naming_the_application(nominatim, tmp_path, capsys):
    for agent in ("", "  ", "geopy/2.4.1"):
        with pytest.raises(InputError, match="user agent"):
            OnlineGeocoding(agent)
    args = online_args(nominatim, tmp_path)
    without_agent = args[: args.index("--user-agent")] + args[args.index("--user-agent") + 2:]
    assert main(["geocode", HAMLET, *without_agent]) == 2
    assert "--user-agent" in capsys.readouterr().err
    assert nominatim.requests == []


def test_an_unknown_provider_or_option_is_a_clear_error(tmp_path):
    with pytest.raises(ProviderError, match="unknown geocoding provider 'nominatum'"):
        OnlineGeocoder(OnlineGeocoding(USER_AGENT, provider="nominatum", cache_dir=tmp_path))
    with pytest.raises(ProviderError, match="colour='red'"):
        OnlineGeocoder(OnlineGeocoding(USER_AGENT, options={"colour": "red"}, cache_dir=tmp_path))


def test_the_public_nominatim_is_never_asked_more_than_once_a_second():
    with pytest.raises(InputError, match="at most one request a second"):
        OnlineGeocoding(USER_AGENT, min_delay=0.5)
    assert OnlineGeocoding(USER_AGENT, options={"domain": "127.0.0.1:1"}, min_delay=0.5).min_delay == 0.5


@pytest.mark.slow
def test_five_names_are_spaced_by_the_rate_limit_with_a_progress_bar(nominatim, tmp_path, capsys):
    chain = make_geocoder(Settings(online=online(nominatim, tmp_path)))
    assert isinstance(chain, GeocoderChain)
    try:
        results = chain.resolve_all(FIVE, "SY", progress=True)
    finally:
        chain.close()
    assert [r.provider for r in results] == ["nominatim"] * 5
    times = [r.at for r in nominatim.requests]
    assert len(times) == 5
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.99
    assert times[-1] - times[0] >= 4.0
    progress = capsys.readouterr().err
    assert "5 names online via nominatim (about 5 s)" in progress and "5/5" in progress


@pytest.mark.slow
def test_a_rate_limited_request_is_retried_after_a_pause(nominatim, tmp_path, capsys):
    nominatim.statuses = [429]
    assert main(["geocode", HAMLET, *online_args(nominatim, tmp_path)]) == 0
    assert "online via nominatim" in capsys.readouterr().out
    assert nominatim.queries() == [HAMLET, HAMLET]
    first, second = (r.at for r in nominatim.requests)
    assert second - first >= 2.0  # zonemap's back-off (2 s), not only the server's Retry-After (1 s)


def test_an_unavailable_provider_ends_in_a_clear_error(nominatim, tmp_path):
    nominatim.statuses = [503] * 2
    config = online(nominatim, tmp_path, retries=1, backoff=0.1)
    chain = make_geocoder(Settings(online=config))
    try:
        with pytest.raises(ProviderError, match=f"did not answer the request for '{HAMLET}' after 2 attempts"):
            chain.resolve(HAMLET, "SY")
    finally:
        chain.close()
    assert len(nominatim.requests) == chain.online.requests == 2
    with GeocodeCache(tmp_path) as cache:
        assert cache.stats().entries == 0  # a failure is not an answer


@pytest.mark.slow
def test_a_build_against_an_unavailable_provider_exits_2_and_writes_nothing(nominatim, tmp_path, capsys):
    nominatim.statuses = [503] * 3
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    output = tmp_path / "output"
    code = main(["build", str(scenario), "-o", str(output), *online_args(nominatim, tmp_path / "cache")])
    assert code == 2
    assert "nominatim did not answer the request" in capsys.readouterr().err
    assert len(nominatim.requests) == 3
    assert not output.exists() or list(output.iterdir()) == []



@pytest.mark.browser
@pytest.mark.slow
def test_names_from_the_provider_reach_the_map_as_text(nominatim, tmp_path, offline_page):
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO.replace(CROSSING, "Tall Shaytan"), encoding="utf-8")
    result = build(scenario, tmp_path / "out", formats=["html"], settings=Settings(online=online(nominatim, tmp_path)))
    page = offline_page.page
    page.add_init_script("window.__xss = 0;")
    page.goto(result.outputs["html"].as_uri())
    page.locator("[data-zm-ready]").wait_for(state="attached")  # the map has drawn and settled on its view
    page.locator(".zm-incident-crossing-closed").click()
    page.wait_for_selector(".leaflet-popup-content")
    popup = page.locator(".leaflet-popup-content").inner_text()
    assert page.evaluate("window.__xss") == 0
    assert offline_page.problems == []
    assert HOSTILE in popup


@pytest.mark.slow
def test_a_run_killed_mid_lookup_leaves_a_cache_the_next_run_resumes_from(nominatim, tmp_path):
    command = [sys.executable, "-m", "zonemap", "geocode", *FIVE, *online_args(nominatim, tmp_path)]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as run:
        deadline = time.time() + 60
        while len(nominatim.requests) < 2 and time.time() < deadline:
            time.sleep(0.02)
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)
    assert run.returncode == -signal.SIGKILL
    with GeocodeCache(tmp_path) as cache:
        cached = {e.query: e.answers for e in cache.entries()}
    assert cached and set(cached) <= set(FIVE[:3])
    assert all(len(answers) == 1 for answers in cached.values())  # whole answers only
    asked_before = len(nominatim.requests)

    assert main(["geocode", *FIVE, *online_args(nominatim, tmp_path)]) == 0
    asked_again = nominatim.queries()[asked_before:]
    assert sorted(asked_again) == sorted(set(FIVE) - set(cached))
