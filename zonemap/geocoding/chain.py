"""The geocoder interface, and the chain of the offline gazetteer and an online provider.

Whatever geocodes a scenario's names (:class:`~zonemap.geocoding.resolver.PlaceResolver`)
takes a :class:`PlaceGeocoder`: the offline gazetteer
(:class:`~zonemap.geocoding.geocoder.OfflineGeocoder`, the default) or a
:class:`GeocoderChain`, which asks the gazetteer first and an online provider
(:class:`~zonemap.geocoding.online.OnlineGeocoder`) only for what the
gazetteer cannot place. :func:`make_geocoder` builds the one
:class:`~zonemap.Settings` ask for.

What goes online: a name the gazetteer does not know, or knows only as a
place abroad too small to be the answer. What does not: a name the gazetteer
finds ambiguous (several places of the country fit equally well). An online
provider would pick one of them, which is exactly the guess zonemap refuses
to make; the name stays refused, listing the places it could be, until the
scenario says which (``Name, Governorate``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ..errors import GeocodeError, UnknownPlaceError
from ..settings import Settings
from .geocoder import DEFAULT_MIN_CONFIDENCE, GeocodeResult, OfflineGeocoder
from .gazetteer import Gazetteer, load_gazetteer
from .online import OnlineGeocoder

if TYPE_CHECKING:
    from ..data import GeoData

PROGRESS_MIN_NAMES = 5
"""A progress bar is shown when at least this many names must be fetched online."""


@runtime_checkable
class PlaceGeocoder(Protocol):
    """What zonemap needs of a geocoder: answers held to its trust rules, and their credits."""

    def resolve(self, name: str, country: str | None, *,
                min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> GeocodeResult:
        """The place ``name`` is in ``country``, or an :class:`~zonemap.errors.UnknownPlaceError`."""

    def resolve_all(self, names: Iterable[str], country: str | None, *,
                    min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[GeocodeResult | GeocodeError]:
        """For each name, in order, its result or the :class:`~zonemap.errors.GeocodeError` it raised."""

    def attribution(self, provider: str) -> str | None:
        """What a map must credit for answers from ``provider`` (``None``: covered by the data credits)."""

    def close(self) -> None:
        """Release connections (an online cache's database, HTTP sessions); they reopen if used again."""


class GeocoderChain:
    """The offline gazetteer first, then an online provider for the names it cannot place.

    Parameters
    ----------
    offline
        The gazetteer's geocoder.
    online
        The online provider.

    Examples
    --------
    >>> from zonemap import OnlineGeocoding
    >>> chain = make_geocoder(Settings(online=OnlineGeocoding("my-briefings/1.0 (me@example.org)")))
    >>> chain.resolve("Douma", "SY").provider       # known offline: no request
    'offline'
    """

    def __init__(self, offline: OfflineGeocoder, online: OnlineGeocoder):
        self.offline = offline
        self.online = online

    def __repr__(self) -> str:
        return f"GeocoderChain({self.offline!r}, {self.online!r})"

    def resolve(self, name: str, country: str | None, *,
                min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> GeocodeResult:
        """The offline answer, or, for a name the gazetteer cannot place, the online one.

        Parameters
        ----------
        name, country, min_confidence
            As for :func:`~zonemap.geocoding.geocoder.geocode`.

        Returns
        -------
        GeocodeResult
            Its ``provider`` says where it came from.

        Raises
        ------
        UnknownPlaceError
            If neither finds the place reliably, or the gazetteer finds it ambiguous.
        ProviderError
            When the online provider fails after every retry.
        """
        try:
            return self.offline.resolve(name, country, min_confidence=min_confidence)
        except UnknownPlaceError as offline_error:
            return self._online(name, country, min_confidence, offline_error)

    def _online(self, name: str, country: str | None, min_confidence: float,
                offline_error: UnknownPlaceError) -> GeocodeResult:
        if offline_error.ambiguous:
            raise offline_error
        try:
            return self.online.resolve(name, country, min_confidence=min_confidence)
        except UnknownPlaceError as online_error:
            if online_error.ambiguous:
                raise
            # The offline hint for a place abroad, or both sides' suggestions, are the most useful advice.
            suggestions = offline_error.suggestions if offline_error.abroad else list(
                dict.fromkeys(online_error.suggestions + offline_error.suggestions))
            raise UnknownPlaceError(offline_error.name, suggestions, abroad=offline_error.abroad,
                                    searched=f"offline, and {online_error.searched}") from None

    def resolve_all(self, names: Iterable[str], country: str | None, *,
                    min_confidence: float = DEFAULT_MIN_CONFIDENCE, progress: bool | None = None
                    ) -> list[GeocodeResult | GeocodeError]:
        """Geocode many names, each distinct name once: all offline first, then the rest online.

        When several names must be fetched (not cached), a progress bar on
        standard error shows how many are done and the time left (about
        ``min_delay`` seconds a name).

        Parameters
        ----------
        names, country, min_confidence
            As for :func:`~zonemap.geocoding.geocoder.geocode_all`.
        progress
            Show the progress bar; ``None`` for the online settings' choice
            (by default: when standard error is a terminal).

        Returns
        -------
        list
            For each name, its :class:`GeocodeResult` or the
            :class:`~zonemap.errors.GeocodeError` it raised.

        Raises
        ------
        ProviderError
            When the online provider fails after every retry.
        """
        names = list(names)
        done = dict(zip(map(_key, names), self.offline.resolve_all(names, country, min_confidence=min_confidence)))
        pending = [n for n, r in done.items() if isinstance(r, UnknownPlaceError) and not r.ambiguous]
        to_fetch = sum(not self.online.is_cached(n, country) for n in pending)
        show = self.online.config.progress if progress is None else progress
        with _progress_bar(to_fetch, self.online, show) as bar:
            for name in pending:
                cached = self.online.is_cached(name, country)
                try:
                    done[name] = self._online(name, country, min_confidence, done[name])
                except GeocodeError as error:
                    done[name] = error
                if not cached:
                    bar.update()
        return [done[_key(n)] for n in names]

    def attribution(self, provider: str) -> str | None:
        """The online provider's credit line for its answers; ``None`` for the gazetteer's."""
        return self.online.attribution(provider) if provider != "offline" else None

    def close(self) -> None:
        """Close the online provider's cache connection and HTTP session."""
        self.online.close()


def _key(name: object) -> object:
    return name if isinstance(name, str) else repr(name)


def _progress_bar(total: int, online: OnlineGeocoder, show: bool | None):
    from tqdm import tqdm

    seconds = total * max(online.config.min_delay, 0.1)
    minutes = f"about {seconds / 60:.0f} min" if seconds >= 90 else f"about {seconds:.0f} s"
    return tqdm(total=total, desc=f"{total} names online via {online.provider} ({minutes})", unit="name",
                file=sys.stderr, disable=(total < PROGRESS_MIN_NAMES) or (None if show is None else not show))


def make_geocoder(settings: Settings | None = None, *, gazetteer: Gazetteer | None = None,
                  geodata: GeoData | None = None) -> PlaceGeocoder:
    """The geocoder the settings ask for: the offline gazetteer, or a chain with an online provider.

    Parameters
    ----------
    settings
        ``settings.online`` (an :class:`~zonemap.settings.OnlineGeocoding`)
        turns online lookups on; ``None`` or offline settings give the
        offline gazetteer alone, which makes no network request.
    gazetteer, geodata
        The offline index, or the data to load it from (and the country
        outlines online answers are checked against); the embedded ones by default.

    Returns
    -------
    PlaceGeocoder

    Raises
    ------
    ProviderError
        For an unknown provider or options it does not accept.
    """
    settings = settings or Settings()
    offline = OfflineGeocoder(None, gazetteer=gazetteer or load_gazetteer(geodata))
    if settings.online is None:
        return offline
    return GeocoderChain(offline, OnlineGeocoder(settings.online, geodata=geodata))
