"""Documentation stays honest: the site builds in strict mode (no broken link or anchor, no page left
out of the nav) without fetching anything; every command, format, criterion kind, ready query,
table column and setting is documented where its readers look; the README stays short."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from ingest.formats import formats
from scorers.registry import kinds
from touchstone.cli import cli
from warehouse.ready_queries import READY_QUERIES
from warehouse.tables import TABLES

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
GUIDE = DOCS / "compliance" / "standards-guide.md"
# The code whose environment variables the settings page must name (tests read two of their own).
CODE = ("foundation", "ingest", "scorers", "warehouse", "touchstone", "dags", "scripts", "tests")


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def pages() -> dict[str, str]:
    """Every Markdown page of the site by its path under docs/."""
    return {p.relative_to(DOCS).as_posix(): text(p) for p in sorted(DOCS.rglob("*.md"))}


def all_docs() -> str:
    return "\n".join(pages().values())


def config() -> dict:
    return yaml.safe_load(text(ROOT / "mkdocs.yml"))


def nav_pages(nav: list) -> list[str]:
    found = []
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        found.extend(nav_pages(value) if isinstance(value, list) else [value])
    return found


def command_paths(command: click.Command, prefix: str = "touchstone") -> list[str]:
    paths = [prefix]
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            paths.extend(command_paths(sub, f"{prefix} {name}"))
    return paths


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built as `make docs-build` builds it: strict, so any warning fails."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return out


def test_the_site_builds_strict(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "report.png").is_file()


def test_every_page_is_in_the_nav() -> None:
    # Strict mode fails on a page left out of the nav too (`validation: omitted_files: warn`); this
    # says which page, without building.
    assert sorted(nav_pages(config()["nav"])) == sorted(pages())


def test_nothing_is_fetched_at_build_time_or_when_reading() -> None:
    settings = config()
    assert settings["theme"]["name"] == "material"
    assert settings["theme"].get("font") is False  # no Google Fonts
    plugins = [p if isinstance(p, str) else next(iter(p)) for p in settings.get("plugins", [])]
    assert not {"social", "privacy", "git-revision-date-localized", "git-committers"} & set(plugins)
    assert "repo_url" not in settings  # the repository widget asks GitHub's API from the browser


def test_the_built_pages_load_nothing_from_elsewhere(site: Path) -> None:
    pattern = re.compile(r"""<(?:link|script|img)\b[^>]*\b(?:href|src)=["'](?:https?:)?//""", re.I)
    for page in site.rglob("*.html"):
        assert not pattern.search(text(page)), page


def commands(command: click.Command) -> list[click.Command]:
    subs = command.commands.values() if isinstance(command, click.Group) else []
    return [command, *(c for sub in subs for c in commands(sub))]


def test_the_cli_reference_shows_every_command(site: Path) -> None:
    html = text(site / "reference" / "cli" / "index.html")
    for path in command_paths(cli):
        assert f'id="{path.replace(" ", "-")}"' in html, path
    assert "::: mkdocs-click" not in html
    # The help's placeholders (`<data>/impact/...`) are shown, not taken for HTML tags, and its
    # examples are code, not one run-on paragraph.
    for command in commands(cli):
        for placeholder in re.findall(r"<([a-z_]+)>", command.help or ""):
            assert f"&lt;{placeholder}&gt;" in html, (command.name, placeholder)
    assert "<p>Example:\n" not in html


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_in_the_docs(command: str) -> None:
    assert f"touchstone {command}" in all_docs()


@pytest.mark.parametrize("kind", sorted({k.base_name for k in kinds().values()}))
def test_every_kind_is_in_the_guide(kind: str) -> None:
    assert f"### `{kind}`" in text(GUIDE)


@pytest.mark.parametrize("name", sorted({f.base_name for f in formats().values()}))
def test_every_format_is_in_the_docs(name: str) -> None:
    assert f"| `{name}` |" in text(DOCS / "engineering" / "sources.md")


@pytest.mark.parametrize("name", sorted(READY_QUERIES))
def test_every_ready_query_is_in_the_docs(name: str) -> None:
    assert f"| `{name}` |" in text(DOCS / "qa" / "asking-questions.md")


def test_the_tables_reference_has_every_table_and_column(site: Path) -> None:
    html = text(site / "reference" / "tables" / "index.html")
    assert "generated: warehouse tables" not in html
    for table in TABLES.values():
        assert f'id="{table.name}"' in html, table.name
        section = html[html.index(f'id="{table.name}"') :]
        for field in table.schema:
            assert f"<code>{field.name}</code>" in section, (table.name, field.name)


def test_every_setting_is_on_the_settings_page() -> None:
    named = set()
    for folder in CODE:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in {".py", ".sh"} and path != Path(__file__).resolve():
                named |= set(re.findall(r"\bTOUCHSTONE_[A-Z0-9_]*[A-Z0-9]\b", text(path)))
    named |= set(re.findall(r"\bTOUCHSTONE_[A-Z0-9_]*[A-Z0-9]\b", text(ROOT / "Makefile")))
    named.discard("TOUCHSTONE_STACK")  # a prefix in a pattern (stack.sh's `status`), not a setting
    page = text(DOCS / "reference" / "settings.md")
    assert named, "no settings found"
    missing = sorted(name for name in named if f"`{name}`" not in page)
    assert not missing, f"not on docs/reference/settings.md: {missing}"


def test_the_readme_is_short_and_its_links_resolve() -> None:
    readme = text(ROOT / "README.md")
    assert len(readme.splitlines()) < 250
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme):
        if "://" not in target:
            assert (ROOT / target).exists(), target
    assert "make demo" in readme and "make test" in readme


def shown_commands() -> list[tuple[str, str]]:
    """(where, command line) of every `touchstone ...` line in a code block of the README or the
    docs, continuation lines joined and a trailing comment cut."""
    found = []
    for name, page in {"README.md": text(ROOT / "README.md"), **{f"docs/{n}": p for n, p in pages().items()}}.items():
        for block in re.findall(r"```[a-z]*\n(.*?)```", page, flags=re.S):
            joined = re.sub(r"\\\n\s*", " ", block)
            for line in joined.splitlines():
                line = re.sub(r"^\$\s+", "", line.strip())
                match = re.match(r"(?:\S*/)?touchstone\s+(.*)", line)
                if match and not line.startswith("#"):
                    found.append((name, re.sub(r"\s+#.*$", "", match.group(1))))
    return found


def resolved(args: list[str]) -> tuple[click.Command, list[str], str]:
    """The (sub)command a shown line runs, the tokens left for it, and its path."""
    command: click.Command = cli
    path = "touchstone"
    while isinstance(command, click.Group) and args and args[0] in command.commands:
        command, path, args = command.commands[args[0]], f"{path} {args[0]}", args[1:]
    return command, args, path


def unknown_options(command: click.Command, args: list[str]) -> list[str]:
    known = {o for p in command.get_params(click.Context(command)) for o in (*p.opts, *p.secondary_opts)}
    return [a.split("=")[0] for a in args if a.startswith("-") and a.split("=")[0] not in known and not re.match(r"-\d", a)]


def test_every_command_shown_is_a_command_with_its_options() -> None:
    """A command line shown in the README or on a page runs a real command with options it has:
    a renamed command or option fails here, not in a reader's terminal."""
    import shlex

    shown = shown_commands()
    assert len(shown) > 50, "the command lines were not found"
    wrong = []
    for where, line in shown:
        try:
            args = shlex.split(line)
        except ValueError:
            args = line.split()
        command, rest, path = resolved(args)
        if isinstance(command, click.Group) and not {"-h", "--help", "--version"} & set(rest):
            wrong.append(f"{where}: touchstone {line}: {path} needs a subcommand")
        wrong += [f"{where}: touchstone {line}: {path} has no option {o}" for o in unknown_options(command, rest)]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("line", "problem"),
    [("run --date 2026-11-22 --processes 2", None), ("run --dates 2026-11-22", "--dates"), ("standards tryout x.yaml", "subcommand"), ("override set --outcome=pass", None)],
)
def test_a_shown_command_with_a_wrong_option_or_command_is_caught(line: str, problem: str | None) -> None:
    command, rest, _path = resolved(line.split())
    found = unknown_options(command, rest) + (["subcommand"] if isinstance(command, click.Group) else [])
    assert found == ([problem] if problem else [])
