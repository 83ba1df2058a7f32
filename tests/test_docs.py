"""Documentation stays honest: every criterion kind has a section in the compliance guide, and
every command is in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.formats import formats
from scorers.registry import kinds
from touchstone.cli import cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("kind", sorted({k.base_name for k in kinds().values()}))
def test_every_kind_is_in_the_guide(kind: str) -> None:
    assert f"### `{kind}`" in (ROOT / "docs" / "compliance" / "standards-guide.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"touchstone {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted({f.base_name for f in formats().values()}))
def test_every_format_is_in_the_readme(name: str) -> None:
    assert f"| `{name}` |" in (ROOT / "README.md").read_text(encoding="utf-8")
