"""Error classes raised by zonemap.

Every error a user can cause by their input derives from :class:`InputError`;
the command line turns those into one clear message and exit code 2. Any other
exception is a bug in zonemap and exits with code 1.
"""

from __future__ import annotations


class ZonemapError(Exception):
    """Base class of every error zonemap raises on purpose."""


class InputError(ZonemapError):
    """The user's input cannot be used; the message says where and why.

    Parameters
    ----------
    message
        What is wrong and what was expected.
    source
        The file (or other origin) the bad input came from, if any.
    location
        Line, row or field within ``source`` (e.g. ``"line 12"`` or
        ``"zones[2].provinces"``), if known.
    """

    def __init__(self, message: str, *, source: str | None = None, location: str | None = None):
        self.message = message
        self.source = source
        self.location = location
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.source, self.location) if part)
        return f"{where}: {self.message}" if where else self.message


class GeocodeError(InputError):
    """A place name is empty, malformed or too long."""


class UnknownPlaceError(GeocodeError):
    """No place in the offline gazetteer matches a name.

    Attributes
    ----------
    name
        The name that was looked up.
    suggestions
        The closest known names, best first.
    """

    def __init__(self, name: str, suggestions: list[str], **kwargs):
        self.name = name
        self.suggestions = list(suggestions)
        hint = f"; did you mean {', '.join(repr(s) for s in self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown place {name!r}{hint}", **kwargs)


class ScenarioError(InputError):
    """A scenario file is malformed or inconsistent."""


class GeodataError(ZonemapError):
    """The embedded geodata is missing or damaged (run ``make geodata``)."""


class OfflineAssetError(ZonemapError):
    """A page would depend on a network resource that zonemap cannot inline."""
