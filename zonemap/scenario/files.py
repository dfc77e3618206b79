"""Reading files that users give or that scenarios name.

Two rules hold for every such file:

* it is read as UTF-8 text (a byte-order mark is accepted) within a size
  limit, and any problem is reported with the file's name
  (:func:`read_text_file`);
* a file *named inside a scenario* (a drawn shape, an incident table) must
  lie in the scenario's folder or below it, or in a folder the user allowed
  (:func:`resolve_scenario_path`). A scenario received from someone else
  could otherwise name ``/etc/passwd`` or ``~/.ssh/id_rsa`` and pull a
  private file into a map the user then publishes. Files the user names on
  the command line are the user's own choice and are not confined.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Origin, ScenarioError
from ..settings import Settings


def read_text_file(path: Path, kind: str, max_bytes: int) -> str:
    """Read a user's UTF-8 text file, or fail clearly.

    Parameters
    ----------
    path
        The file.
    kind
        What it is, for messages ("scenario file", "incident table"…).
    max_bytes
        Largest size accepted.

    Returns
    -------
    str
        The text, without a byte-order mark.

    Raises
    ------
    ScenarioError
        If the file is missing, a folder, unreadable, too large, not UTF-8 or
        contains NUL characters.
    """
    file = str(path)
    try:
        if path.is_dir():
            raise ScenarioError(f"is a folder, expected a {kind}", source=file)
        size = path.stat().st_size
        if size > max_bytes:
            raise ScenarioError(f"{kind} is {size:,} bytes; the limit is {max_bytes:,}", source=file)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"{kind} not found", source=file) from None
    except OSError as error:
        raise ScenarioError(f"cannot read {kind}: {error.strerror}", source=file) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ScenarioError(f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save the {kind} as UTF-8",
                            source=file, location=f"line {line}") from None
    if "\x00" in text:
        raise ScenarioError(f"{kind} contains NUL characters; expected UTF-8 text", source=file)
    return text


def resolve_scenario_path(name: str | os.PathLike, base_dir: Path | None, origin: Origin, settings: Settings,
                          kind: str) -> Path:
    """The file a scenario names, checked to lie where the scenario may read.

    Parameters
    ----------
    name
        The path as written in the scenario, relative to ``base_dir`` or absolute.
    base_dir
        The scenario's folder (the current folder when ``None``).
    origin
        Where the name was written, for the error message.
    settings
        ``settings.allowed_paths`` lists further folders the user allowed.
    kind
        What the file is, for messages ("drawn shape", "incident table").

    Returns
    -------
    pathlib.Path
        The resolved path (symbolic links followed).

    Raises
    ------
    ScenarioError
        If the file (after following links) lies outside the scenario's
        folder and every allowed folder.
    """
    base = (base_dir or Path.cwd()).resolve()
    path = Path(os.path.expanduser(name)) if str(name).startswith("~") else Path(name)
    resolved = (path if path.is_absolute() else base / path).resolve()
    allowed = [base, *(Path(p).expanduser().resolve() for p in settings.allowed_paths)]
    if not any(resolved.is_relative_to(folder) for folder in allowed):
        raise origin.error(
            f"{kind} {str(name)!r} is outside the scenario's folder {base}; a scenario may only name files in its "
            "own folder or below it (to allow another folder, pass --allow-path DIR, or "
            "Settings(allowed_paths=[...]) in Python)")
    return resolved
