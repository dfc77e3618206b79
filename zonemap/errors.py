"""Error classes raised by zonemap.

Every error a user can cause by their input derives from :class:`InputError`;
the command line turns those into one clear message and exit code 2. Any other
exception is a bug in zonemap and exits with code 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ZonemapError(Exception):
    """Base class of every error zonemap raises on purpose."""


class InputError(ZonemapError, ValueError):
    """The user's input cannot be used; the message says where and why.

    Also a :class:`ValueError`, so code that guards a call with
    ``except ValueError`` catches bad input too.

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
        if not (self.source or self.location):
            return self.message
        where = ": ".join(part for part in (self.source, self.location) if part)
        return f"{where}: {self.message}"


class GeocodeError(InputError):
    """A place name is empty, malformed or too long."""


class UnknownPlaceError(GeocodeError):
    """No place matches a name reliably: none at all, or several equally well.

    Attributes
    ----------
    name
        The name that was looked up.
    suggestions
        The closest known names, best first; for an ambiguous name, the
        places it could be.
    ambiguous
        True when several places match and nothing told them apart.
    abroad
        For a name found only outside the country searched: how to ask for
        it there ("Reyhanli, Turkey").
    searched
        Where an unknown name was looked for, when not only offline
        ("offline, and online via nominatim").
    """

    def __init__(self, name: str, suggestions: list[str], *, ambiguous: bool = False, abroad: str | None = None,
                 searched: str | None = None, **kwargs):
        self.name = name
        self.suggestions = list(suggestions)
        self.ambiguous = ambiguous
        self.abroad = abroad
        self.searched = searched
        how = f" ({searched})" if searched else ""
        if abroad:
            message = (f"no place {name!r} in the country searched{how}; only {' and '.join(self.suggestions)} "
                       f"elsewhere: write {abroad!r} to use it")
        elif ambiguous:
            message = (f"ambiguous place {name!r}: it could be {' or '.join(self.suggestions)}; "
                       f"add where it is, e.g. {name + ', ' + _context_example(self.suggestions)!r}")
        else:
            hint = f"; did you mean {', '.join(repr(s) for s in self.suggestions)}?" if self.suggestions else ""
            message = f"unknown place {name!r}{how}{hint}"
        super().__init__(message, **kwargs)


def _context_example(options: list[str]) -> str:
    """The governorate of the first option ("Name (Sub-district, District, Governorate, SY)" -> "Governorate")."""
    inside = options[0].rsplit("(", 1)[-1].rstrip(")").split(", ") if options else []
    return inside[-2] if len(inside) >= 2 else (inside[0] if inside else "its governorate")


class ProviderError(InputError):
    """An online geocoding provider cannot be used: misconfigured, or failing after every retry.

    Raised before anything is written; ``zonemap`` exits with code 2.
    """


class CacheError(InputError):
    """The online geocoding cache file cannot be read or written."""


class ScenarioError(InputError):
    """A scenario file is malformed or inconsistent."""


class ArticleError(InputError):
    """An article cannot be read, or holds nothing a draft scenario can be made of (no place at all)."""


class GeodataError(ZonemapError):
    """The embedded geodata is missing or damaged (run ``make geodata``)."""


class OfflineAssetError(ZonemapError):
    """A page would depend on a network resource that zonemap cannot inline."""


@dataclass(frozen=True)
class Origin:
    """Where a piece of input was written: file, field path and line.

    Attributes
    ----------
    file
        The file, if the input came from one.
    field
        Path of the field, e.g. ``"zones[2].provinces"``.
    line
        1-based line, where known.
    """

    file: str | None
    field: str
    line: int | None = None
    path: tuple = field(default=(), compare=False, repr=False)
    lines: dict = field(default_factory=dict, compare=False, repr=False)
    """Line of every field of the file, by path (shared, not copied)."""

    @property
    def location(self) -> str:
        """``"line 12, zones[2].provinces"`` or just the field."""
        return f"line {self.line}, {self.field}" if self.line else self.field

    def child(self, name: str) -> "Origin":
        """The origin of a sub-field such as ``"provinces"`` or ``"province_part.towns"``."""
        path = self.path + tuple(name.split("."))
        return Origin(self.file, f"{self.field}.{name}", self.lines.get(path, self.line), path, self.lines)

    def item(self, index: int) -> "Origin":
        """The origin of the ``index``-th item of a list field, such as ``"history[2]"``."""
        path = self.path + (index,)
        return Origin(self.file, f"{self.field}[{index}]", self.lines.get(path, self.line), path, self.lines)

    def error(self, message: str) -> ScenarioError:
        """A :class:`ScenarioError` pointing here."""
        return ScenarioError(message, source=self.file, location=self.location)
