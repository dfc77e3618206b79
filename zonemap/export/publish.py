"""Writing files so that readers never see half of them.

:func:`write_atomically` replaces one file by renaming a complete temporary
copy over it. :func:`publish` switches a whole build's files at once: a
failed or interrupted build never leaves a half-written map, and the previous
outputs stay until the new ones are complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import InputError


Content = str | bytes | Iterable[str]
"""What a file is written from: text (UTF-8), bytes, or text in pieces made as they are written (a large export)."""


def _write_synced(path: Path, content: Content) -> None:
    with open(path, "wb") as stream:
        if isinstance(content, (str, bytes)):
            stream.write(content.encode("utf-8") if isinstance(content, str) else content)
        else:
            for piece in content:
                stream.write(piece.encode("utf-8"))
        stream.flush()
        os.fsync(stream.fileno())
    os.chmod(path, 0o644)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _replace_with_symlink(link: Path, target: str) -> None:
    if link.is_symlink() and os.readlink(link) == target:
        return
    temporary = link.with_name(f".{link.name}.{os.getpid()}.link")
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    os.replace(temporary, link)


def write_atomically(path: str | Path, content: str | bytes) -> Path:
    """Write one file: a synced temporary file in the same folder, renamed over the target.

    Parameters
    ----------
    path
        Destination; its folder must exist.
    content
        Text (written as UTF-8) or bytes.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    InputError
        If the folder cannot be written to.
    """
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise InputError(f"cannot write to {path.parent}: {error.strerror}") from None
    os.close(handle)
    try:
        _write_synced(Path(temporary), content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def publish(output_dir: str | Path, name: str, files: Mapping[str, Content]) -> dict[str, Path]:
    """Write a build's files so that readers see all of the new ones or all of the old ones.

    The files are written (and synced) into a fresh folder
    ``<output_dir>/.<name>.builds/<id>/``; one atomic rename then switches the
    symlink ``.<name>.current`` to it. The visible files,
    ``<output_dir>/<file name>``, are symlinks through ``.<name>.current``, so
    that single rename switches all of them at once: a build that fails or is
    killed at any moment leaves either the previous complete set or the new
    one. Builds older than the current one are then deleted.

    Parameters
    ----------
    output_dir
        Destination folder (created if needed).
    name
        The scenario's output name (file stem).
    files
        File name (e.g. ``"astana-2017.html"``) → content; text is written as UTF-8, an
        iterable of texts piece by piece (made while written: an error making one
        leaves nothing published, as any other failure).

    Returns
    -------
    dict
        File name → visible path.

    Raises
    ------
    InputError
        If the folder cannot be created or written to.
    """
    output_dir = Path(output_dir)
    store = output_dir / f".{name}.builds"
    current = output_dir / f".{name}.current"
    try:
        store.mkdir(parents=True, exist_ok=True)
        build_dir = Path(tempfile.mkdtemp(prefix="build-", dir=store))
        build_dir.chmod(0o755)
    except OSError as error:
        raise InputError(f"cannot write to {output_dir}: {error.strerror}") from None
    try:
        for file_name, content in files.items():
            _write_synced(build_dir / file_name, content)
        _sync_folder(build_dir)
        visible = {file_name: output_dir / file_name for file_name in files}
        # Links for new kinds of output dangle harmlessly until the switch below.
        for file_name, path in visible.items():
            _replace_with_symlink(path, f"{current.name}/{file_name}")
        _replace_with_symlink(current, f"{store.name}/{build_dir.name}")
        _sync_folder(output_dir)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    for entry in output_dir.iterdir():
        if entry.is_symlink() and os.readlink(entry).startswith(f"{current.name}/") and not entry.exists():
            entry.unlink()
    for old in store.iterdir():
        if old != build_dir:
            shutil.rmtree(old, ignore_errors=True)
    return visible
