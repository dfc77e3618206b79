"""Online geocoding through geopy: rate-limited, retried, cached, and held to the offline trust rules.

:class:`OnlineGeocoder` looks a name up with any geopy provider (Nominatim
by default) and answers like the offline geocoder does, with a
:class:`~zonemap.geocoding.geocoder.GeocodeResult` or an
:class:`~zonemap.errors.UnknownPlaceError`. It is used only for the names
the offline gazetteer cannot place (see :mod:`zonemap.geocoding.chain`).

Being a good client:

- requests start at least ``min_delay`` seconds apart (1 s for the public
  Nominatim, its usage policy), counted from the previous request's start
  and from its end, across every process sharing the cache;
- a rate limit (HTTP 429), an unavailable service (502, 503, 504) or a
  timeout is retried after a pause that doubles each time (or what the
  provider's ``Retry-After`` asks); after the last retry, a
  :class:`~zonemap.errors.ProviderError` says what happened;
- every request names the application (``user_agent``);
- every answer, "not found" included, is cached
  (:class:`~zonemap.geocoding.cache.GeocodeCache`): a name costs one request, ever.

Trusting an answer:

- only places of the requested country are answers: Nominatim is asked for
  that country only, and each answer's country code
  (``addressdetails``) is checked; for providers whose country field
  zonemap does not read, the answer's point must lie in the country's
  outline (the embedded boundaries);
- the place's own name (any of its names, in any script, as the provider
  lists them) must be the name asked, or a spelling at least
  :data:`MIN_NAME_SIMILARITY` alike: the provider's guesses from other words
  of the query are not answers;
- confidence: :data:`ONLINE_CONFIDENCE` for the very name, that times the
  spelling similarity otherwise: an online answer is never as sure as an
  exact offline one, since nothing else vouches for it;
- two places of the country more than 10 km apart that fit about as well
  make the name ambiguous: it is refused, listing them, as offline.
"""

from __future__ import annotations

import inspect
import time
from typing import TYPE_CHECKING

from ..errors import ProviderError, UnknownPlaceError
from ..geometry.distance import distance_km
from ..settings import OnlineGeocoding
from .cache import GeocodeCache
from .geocoder import DEFAULT_MIN_CONFIDENCE, RUNNERS_UP, SAME_PLACE_KM, Candidate, GeocodeResult, check_country, check_name
from .text import name_key, similarity

if TYPE_CHECKING:
    from ..data import GeoData

ONLINE_CONFIDENCE = 0.8
"""Confidence of an online answer whose name is the name asked."""
MIN_NAME_SIMILARITY = 0.7
"""An online answer whose names are all less alike than this to the name asked is not an answer."""
SIMILARITY_MARGIN = 0.05
"""Another place fitting within this much of the best one's similarity makes the name ambiguous."""
RESULT_LIMIT = 5
"""Places asked of the provider per name: enough to see that a name is ambiguous."""
MAX_RETRY_AFTER_S = 120.0
"""A provider asking to wait longer than this (``Retry-After``) ends the run instead."""
CREDITS = {
    "nominatim": "Places found online: © OpenStreetMap contributors, ODbL (via Nominatim)",
    "photon": "Places found online: © OpenStreetMap contributors, ODbL (via Photon)",
}
"""Attribution of the providers whose data licence zonemap knows; others are credited by name."""
_NEIGHBOURHOOD_TYPES = frozenset({"suburb", "quarter", "neighbourhood", "city_district", "city_block"})
_NAME_KEYS = ("name", "alt_name", "old_name", "official_name", "int_name", "short_name", "loc_name")


def provider_credit(provider: str) -> str:
    """The credit line a map owes for places found online with ``provider``.

    Parameters
    ----------
    provider
        A geopy geocoder name (``"nominatim"``).

    Returns
    -------
    str
    """
    return CREDITS.get(provider, f"Places found online: {provider} geocoding service")


def name_part(query: str) -> str:
    """The name in a query, without the context after a comma or in brackets ("Douma, Rif Dimashq" → "Douma")."""
    return query.split(",", 1)[0].split("(", 1)[0].strip() or query


class OnlineGeocoder:
    """One geopy provider behind zonemap's geocoder interface: ``resolve(name, country)``.

    Parameters
    ----------
    config
        Provider, options, user agent, rate limit, retries and cache folder.
    cache
        Where answers are kept; by default the one in ``config.cache_dir``.
    geodata
        Country outlines, to check the country of answers from providers that
        do not give a country code; defaults to the embedded ones.

    Raises
    ------
    ProviderError
        For an unknown provider, or options its geopy class does not accept.

    Attributes
    ----------
    provider
        The provider's name, as recorded on its answers (``"nominatim"``).
    requests
        Requests sent so far (cache hits excluded).
    """

    def __init__(self, config: OnlineGeocoding, *, cache: GeocodeCache | None = None, geodata: GeoData | None = None):
        from geopy.exc import GeocoderNotFound, GeopyError
        from geopy.geocoders import SERVICE_TO_GEOCODER, get_geocoder_for_service

        self.config = config
        self.provider = config.provider.strip().lower()
        try:
            provider_class = get_geocoder_for_service(self.provider)
        except GeocoderNotFound:
            raise ProviderError(f"unknown geocoding provider {config.provider!r}; geopy knows "
                                f"{', '.join(sorted(SERVICE_TO_GEOCODER))}", location="provider") from None
        options = dict(config.options)
        options.setdefault("adapter_factory", _adapter_without_retries)
        try:
            self._geocoder = provider_class(user_agent=config.user_agent, timeout=config.timeout, **options)
        except (TypeError, ValueError, GeopyError) as error:
            given = ", ".join(f"{k}={v!r}" for k, v in config.options if k not in _SECRET_OPTIONS) or "none"
            raise ProviderError(f"cannot set up {provider_class.__name__} with the options given ({given}): {error}",
                                location="provider options") from None
        self.cache = cache or GeocodeCache(config.cache_dir)
        self._geodata = geodata
        self._outlines = None
        self._domain = str(getattr(self._geocoder, "domain", "") or "")
        self._endpoint = f"{self.provider}:{self._domain}"
        self._accepts_limit = "limit" in inspect.signature(self._geocoder.geocode).parameters
        self.requests = 0

    def __repr__(self) -> str:
        return f"OnlineGeocoder({self.provider!r}, domain={self._domain!r})"

    def close(self) -> None:
        """Close the cache's database connection and the provider's HTTP session (both reopen if used again)."""
        self.cache.close()
        self._geocoder.__exit__(None, None, None)

    def _request_options(self, country: str | None) -> dict:
        if self.provider == "nominatim":
            options = {"limit": RESULT_LIMIT, "addressdetails": True, "namedetails": True, "language": "en"}
            if country:
                options["country_codes"] = country.lower()
            return options
        return {"limit": RESULT_LIMIT} if self._accepts_limit else {}

    def _cache_key(self, country: str | None) -> dict:
        return {**self._request_options(country), "domain": self._domain}

    def attribution(self, provider: str) -> str | None:
        """The credit line for answers from ``provider`` (see :func:`provider_credit`)."""
        return provider_credit(provider)

    def is_cached(self, name: str, country: str | None) -> bool:
        """Whether the answer to ``name`` in ``country`` is in the cache (no request needed)."""
        return self.cache.get(self.provider, name.strip(), self._cache_key(check_country(country))) is not None

    def answers(self, name: str, country: str | None) -> list[dict]:
        """The provider's places for a name: from the cache, or fetched (politely) and cached.

        Parameters
        ----------
        name
            The name as the user wrote it.
        country
            ISO alpha-2 code the provider is asked to search (Nominatim), or ``None``.

        Returns
        -------
        list of dict
            ``lat``, ``lon``, ``address`` and the provider's ``raw`` record, in the provider's order.

        Raises
        ------
        ProviderError
            When the provider refuses the request, or fails after every retry.
        """
        query = name.strip()
        key = self._cache_key(country)
        cached = self.cache.get(self.provider, query, key)
        if cached is not None:
            return cached.answers
        locations = self._fetch(query, self._request_options(country))
        found = [{"lat": loc.latitude, "lon": loc.longitude, "address": loc.address, "raw": loc.raw}
                 for loc in locations or []]
        self.cache.put(self.provider, query, key, found)
        return found

    def _fetch(self, query: str, options: dict) -> list:
        from geopy.exc import GeocoderRateLimited, GeocoderTimedOut, GeocoderUnavailable, GeopyError

        config = self.config
        failure = None
        for attempt in range(config.retries + 1):
            if attempt:
                pause = config.backoff * 2 ** (attempt - 1)
                retry_after = getattr(failure, "retry_after", None)
                if retry_after is not None and retry_after > MAX_RETRY_AFTER_S:
                    raise ProviderError(f"{self.provider} asks to wait {retry_after:.0f} s before the next request "
                                        f"(looking up {query!r}); try again later, or work offline (--offline)")
                time.sleep(max(pause, retry_after or 0))
            time.sleep(max(0.0, self.cache.claim_request_slot(self._endpoint, config.min_delay) - time.time()))
            self.requests += 1
            try:
                return self._geocoder.geocode(query, exactly_one=False, **options)
            except (GeocoderRateLimited, GeocoderTimedOut, GeocoderUnavailable) as error:
                failure = error
            except GeopyError as error:
                raise ProviderError(f"{self.provider} refused the request for {query!r}: {error}") from None
            finally:
                self.cache.release_request_slot(self._endpoint, config.min_delay)
        raise ProviderError(f"{self.provider} did not answer the request for {query!r} after {config.retries + 1} "
                            f"attempts (last: {type(failure).__name__}: {failure}); nothing was written: try again "
                            "later, or work offline (--offline)")

    def resolve(self, name: str, country: str | None, *,
                min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> GeocodeResult:
        """Find a place online, held to the same rules as offline answers (see the module docstring).

        Parameters
        ----------
        name
            A place name, optionally with context ("Kafr Nubl, Idlib").
        country
            ISO alpha-2 code of the country answers must lie in; ``None`` for any.
        min_confidence
            Refuse answers less sure than this.

        Returns
        -------
        GeocodeResult
            With ``tier="online"`` and ``provider`` set.

        Raises
        ------
        GeocodeError
            For a malformed name or country code.
        UnknownPlaceError
            If no place of the country is called so, or several equally well.
        ProviderError
            When the provider fails (see :meth:`answers`).
        """
        query = check_name(name)
        bias = check_country(country)
        wanted = name_key(name_part(query))
        fits: list[tuple[float, Candidate]] = []
        for answer in self.answers(query, bias):
            place = self._candidate(answer)
            if place is None or (bias is not None and place.country != bias):
                continue
            place.score = round(self._name_similarity(wanted, answer, place), 3)
            if place.score >= MIN_NAME_SIMILARITY:
                fits.append((place.score, place))
        searched = f"online via {self.provider}"
        if not fits:
            raise UnknownPlaceError(query, [], searched=searched)
        fits.sort(key=lambda fit: -fit[0])
        best_score, best = fits[0]
        others = [p for _, p in fits[1:] if _far(best, p)]
        close = [p for p in others if p.score > best_score - SIMILARITY_MARGIN]
        if close:
            raise UnknownPlaceError(query, [_label(p) for p in [best, *close][:RUNNERS_UP]], ambiguous=True)
        confidence = round(ONLINE_CONFIDENCE * best_score, 3)
        if confidence < min_confidence:
            raise UnknownPlaceError(query, [_label(best)], searched=f"{searched}, confidence {confidence:.2f} only")
        fields = {name: getattr(best, name) for name in Candidate.__dataclass_fields__}
        return GeocodeResult(**fields, query=query, confidence=confidence, ambiguous=bool(others),
                             candidates=tuple(others[:RUNNERS_UP]), provider=self.provider)

    def _name_similarity(self, wanted: str, answer: dict, place: Candidate) -> float:
        names = {place.name, place.name_ar, answer["address"].split(",", 1)[0]} | set(_listed_names(answer["raw"]))
        keys = {name_key(n) for n in names if n} - {""}
        if wanted in keys:
            return 1.0
        return max((similarity(wanted, key) for key in keys), default=0.0)

    def _candidate(self, answer: dict) -> Candidate | None:
        raw = answer["raw"] if isinstance(answer.get("raw"), dict) else {}
        lat, lon = float(answer["lat"]), float(answer["lon"])
        first = answer["address"].split(",", 1)[0].strip()
        if self.provider == "nominatim":
            address = raw.get("address") or {}
            details = raw.get("namedetails") or {}
            country = str(address.get("country_code") or "").upper()
            if not country:
                return None  # a country we cannot check is no answer
            kind = "neighbourhood" if raw.get("addresstype") in _NEIGHBOURHOOD_TYPES else "place"
            ref = f"osm:{raw['osm_type']}/{raw['osm_id']}" if raw.get("osm_type") and raw.get("osm_id") else None
            return Candidate(details.get("name:en") or raw.get("name") or details.get("name") or first,
                             details.get("name:ar"), lat, lon, kind, country, address.get("state"),
                             address.get("ISO3166-2-lvl4"), address.get("county") or address.get("state_district"),
                             None, None, None, None, None, 0, "online", 1.0, ref)
        country = self._country_at(lon, lat)
        if country is None:
            return None
        return Candidate(first, None, lat, lon, "place", country, None, None, None, None, None, None, None, None, 0,
                         "online", 1.0, None)

    def _country_at(self, lon: float, lat: float) -> str | None:
        """The country whose embedded outline contains the point (for providers without a country code)."""
        import shapely

        if self._outlines is None:
            from ..data import default_geodata

            frame = (self._geodata or default_geodata()).admin0()
            self._outlines = (frame["iso_a2"].tolist(), frame.geometry.to_numpy())
        codes, shapes = self._outlines
        inside = shapely.contains_xy(shapes, lon, lat)
        return next((code for code, hit in zip(codes, inside) if hit), None)


def _adapter_without_retries(*, proxies, ssl_context):
    """geopy's HTTP adapter, minus the retries of its own that would bypass zonemap's rate limit and count.

    requests (through urllib3) would otherwise repeat a failed connection, and
    a 429 or 503 answer with ``Retry-After``, out of zonemap's sight.
    """
    from geopy.adapters import RequestsAdapter, URLLibAdapter

    if RequestsAdapter.is_available:
        return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)
    return URLLibAdapter(proxies=proxies, ssl_context=ssl_context)


_SECRET_OPTIONS = frozenset({"api_key", "key", "auth_key", "client_secret", "secret_key", "password", "token",
                             "access_token", "app_key", "username", "client_id", "channel"})


def _listed_names(raw: dict) -> list[str]:
    """Every name the provider lists for a place (OSM name tags; several values split on ';')."""
    names = [raw.get("name")] if isinstance(raw.get("name"), str) else []
    properties = raw.get("properties")
    if isinstance(properties, dict) and isinstance(properties.get("name"), str):
        names.append(properties["name"])
    for tag, value in (raw.get("namedetails") or {}).items():
        if isinstance(value, str) and tag.split(":", 1)[0] in _NAME_KEYS:
            names += value.split(";")
    return names


def _far(a: Candidate, b: Candidate) -> bool:
    return float(distance_km(a.lon, a.lat, b.lon, b.lat)) > SAME_PLACE_KM


def _label(place: Candidate) -> str:
    return f"{place.name} ({place.where()})"
