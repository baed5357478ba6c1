"""Passphrases for `ventrack` commands on encrypted registries (contract v2, "Encrypted registries").

A command that opens an encrypted registry takes its passphrase from `VENTRACK_PASSPHRASE` or, on a terminal,
from a prompt, and keeps it in memory only (`desktop.store.keys`); `demo --encrypt` and `import --encrypt`
create an encrypted registry; `encrypt` and `decrypt` convert one in place. The store is imported inside the
functions, so `ventrack gui` starts without it.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from desktop import PASSPHRASE_VARIABLE

ENVIRONMENT = PASSPHRASE_VARIABLE


def ask_passphrase(path: Path, *, new: bool = False) -> str:
    """The passphrase of `path`: `VENTRACK_PASSPHRASE`, else asked on the terminal (twice for a new one)."""
    from desktop.store import PassphraseNeeded

    given = os.environ.get(ENVIRONMENT)
    if given:
        return given
    if not sys.stdin.isatty():
        raise PassphraseNeeded(
            f"{path} is not a plain SQLite registry: if it is an encrypted VenTrack registry, set {ENVIRONMENT} "
            "or run the command on a terminal"
        )
    first = getpass.getpass(f"{'New passphrase' if new else 'Passphrase'} for {path}: ")
    if not first:
        raise PassphraseNeeded("an empty passphrase; nothing was changed")
    if new and getpass.getpass("The same passphrase again: ") != first:
        raise PassphraseNeeded("the two passphrases differ; nothing was changed")
    return first


def prepare(args: argparse.Namespace) -> None:
    """Before a command runs: remember the passphrase of its encrypted `--db`, or of the one `--encrypt` creates."""
    from desktop.store import RegistryError, keys

    db = getattr(args, "db", None)
    if db is None or args.command in ("encrypt", "decrypt"):
        return
    path = Path(db)
    if getattr(args, "encrypt", False):
        if path.exists() and not keys.looks_encrypted(path):
            raise RegistryError(f"{path} exists and is not encrypted: encrypt it with `ventrack encrypt --db {path}`")
        if keys.passphrase_for(path) is None:
            keys.remember(path, ask_passphrase(path, new=not path.exists()))
    elif keys.looks_encrypted(path) and keys.passphrase_for(path) is None:
        keys.remember(path, ask_passphrase(path))


def cmd_encrypt(args: argparse.Namespace) -> int:
    """Encrypt a plain registry and its backups in place."""
    from desktop.store import RegistryError, keys
    from desktop.store.encryption import encrypt_registry

    path = Path(args.db)
    if keys.looks_encrypted(path):
        raise RegistryError(f"{path} is already encrypted")
    count = encrypt_registry(path, ask_passphrase(path, new=True))
    print(f"encrypted {path} and {count} backup(s); keep the passphrase safe: it is stored nowhere", file=sys.stderr)
    return 0


def cmd_decrypt(args: argparse.Namespace) -> int:
    """Decrypt an encrypted registry in place (an encrypted backup is kept)."""
    from desktop.store import RegistryError
    from desktop.store.encryption import decrypt_registry

    path = Path(args.db)
    if not path.exists():
        raise RegistryError(f"no registry at {path}")
    backup = decrypt_registry(path, ask_passphrase(path))
    print(f"decrypted {path}; the encrypted backup {backup.name} is kept beside it", file=sys.stderr)
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The `encrypt` and `decrypt` subcommands."""
    for name, what, func in (
        ("encrypt", "encrypt a registry and its backups in place (passphrase: VENTRACK_PASSPHRASE or prompt)",
         cmd_encrypt),
        ("decrypt", "decrypt an encrypted registry in place, keeping an encrypted backup", cmd_decrypt),
    ):  # fmt: skip
        command = sub.add_parser(name, help=what)
        command.add_argument("--db", required=True, help="registry file")
        command.set_defaults(func=func)
