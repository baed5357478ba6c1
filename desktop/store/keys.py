"""Passphrases of encrypted registries, held in this process's memory only (never written anywhere).

The command line or the app asks for a registry's passphrase once and `remember`s it; every connection to that
file (the app's background readers, backups, exports) then finds it here by the file's resolved path.
"""

from __future__ import annotations

from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
_known: dict[Path, str] = {}


def _key(path: Path | str) -> Path:
    return Path(path).expanduser().resolve()


def remember(path: Path | str, passphrase: str) -> None:
    """Use `passphrase` for the registry at `path` (and its backups) from now on in this process."""
    if not passphrase:
        raise ValueError("an empty passphrase")
    _known[_key(path)] = passphrase


def forget(path: Path | str) -> None:
    """Drop the passphrase of `path` (after `decrypt`, or when the app closes the registry)."""
    _known.pop(_key(path), None)


def passphrase_for(path: Path | str) -> str | None:
    """The remembered passphrase of `path`, if any."""
    return _known.get(_key(path))


#: Bytes of text files (printable ASCII and white space): a file that starts with 16 of them is no SQLCipher file,
#: whose first 16 bytes are a random salt (all printable by chance about once in ten million files).
_TEXT_BYTES = frozenset(range(0x20, 0x7F)) | frozenset(b"\t\n\r\f\v")


def looks_encrypted(path: Path | str) -> bool:
    """Whether `path` may be an encrypted registry: a non-empty file that starts neither with the plain SQLite
    header nor with text (SQLCipher files start with a random salt)."""
    try:
        with Path(path).open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError:
        return False
    return bool(header) and header != SQLITE_HEADER and not set(header) <= _TEXT_BYTES
