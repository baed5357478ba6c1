"""README's command table matches the argument parser (as sqlite-utils' test_docs.py does for its docs):
every subcommand and option the parser has is in README, with nothing README names that the parser lacks,
optional options in brackets and the export formats in full."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from desktop.cli import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"
OPTION = re.compile(r"(\[)?(--[a-z][a-z-]*)(?:[ =]([a-z][a-z-]*(?:\|[a-z][a-z-]*)+))?")


def readme_commands() -> dict[str, dict[str, tuple[bool, set[str]]]]:
    """{subcommand: {option: (shown as optional, choices)}} from README's "Command line" block."""
    text = README.read_text(encoding="utf-8")
    block = text.split("## Command line", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands: dict[str, dict[str, tuple[bool, set[str]]]] = {}
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line.startswith("ventrack ") or line == "ventrack --version":
            continue
        name = line.split()[1]
        options = {m[2]: (bool(m[1]), set(m[3].split("|")) if m[3] else set()) for m in OPTION.finditer(line)}
        assert name not in commands, f"README lists `ventrack {name}` twice"
        commands[name] = options
    return commands


def parser_commands() -> dict[str, dict[str, tuple[bool, set[str]]]]:
    """The same shape, from `build_parser()` (options hidden from help are left out, as in --help)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands: dict[str, dict[str, tuple[bool, set[str]]]] = {}
    for name, command in sub.choices.items():
        options = {}
        for action in command._actions:
            if not action.option_strings or action.help == argparse.SUPPRESS or "--help" in action.option_strings:
                continue
            long_name = max(action.option_strings, key=len)
            options[long_name] = (not action.required, set(action.choices or ()))
        commands[name] = options
    return commands


def test_readme_lists_every_subcommand_and_no_other() -> None:
    assert sorted(readme_commands()) == sorted(parser_commands())


@pytest.mark.parametrize("name", sorted(parser_commands()))
def test_readme_options_match_the_parser(name: str) -> None:
    documented, actual = readme_commands().get(name, {}), parser_commands()[name]
    assert sorted(documented) == sorted(actual), f"ventrack {name}: README vs parser options"
    for option, (optional, choices) in actual.items():
        shown_optional, shown_choices = documented[option]
        assert shown_optional == optional, f"ventrack {name} {option}: brackets in README mean optional"
        assert shown_choices == choices, f"ventrack {name} {option}: README's choices"


def test_the_reader_sees_what_readme_says() -> None:
    """The README reader itself: brackets, choices and options of one known line."""
    export = readme_commands()["export"]
    assert export["--deidentify"][0] is True
    assert export["--db"] == (False, set())
    assert "json" in export["--format"][1]
