"""MkDocs hook (`hooks:` in mkdocs.yml): the reference page of the warehouse tables, made from their
declarations in `warehouse/tables.py` when the site is built, so the page cannot fall behind them;
and, on the command line reference, the commands' help (written for a terminal) made Markdown.

`docs/reference/tables.md` holds the hand-written introduction and the marker below; the marker is
replaced by one section per table: its grain, description, whether a run replaces its rows per date
or it keeps every row, and its columns with their Arrow type, whether they may be null, and the
comment written beside the column in the declaration.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

MARKER = "<!-- generated: warehouse tables -->"
TABLES_SOURCE = Path(__file__).resolve().parents[1] / "warehouse" / "tables.py"


def column_notes(source: str) -> dict[str, dict[str, str]]:
    """{table variable: {column: note}} from the comments beside each `pa.field("column", ...)`:
    the comment at the end of its line, after any whole-line comments just above it."""
    comments: dict[int, str] = {}
    whole_line: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string.lstrip("#").strip()
            if not token.line[: token.start[1]].strip():
                whole_line.add(token.start[0])
    notes: dict[str, dict[str, str]] = {}
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if not (isinstance(target, ast.Name) and getattr(node.value.func, "id", None) == "Table"):
            continue
        table = notes.setdefault(target.id, {})
        for call in ast.walk(node.value):
            if not (isinstance(call, ast.Call) and getattr(call.func, "attr", None) == "field" and call.args):
                continue
            name = call.args[0]
            if not isinstance(name, ast.Constant):
                continue
            above = []
            line = call.lineno - 1
            while line in whole_line:
                above.insert(0, comments[line])
                line -= 1
            trailing = comments.get(call.end_lineno or call.lineno) if (call.end_lineno or call.lineno) not in whole_line else None
            table[name.value] = " ".join([*above, *([trailing] if trailing else [])])
    return notes


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def tables_markdown() -> str:
    from warehouse import tables as declared

    notes = column_notes(TABLES_SOURCE.read_text(encoding="utf-8"))
    variables = {id(value): name for name, value in vars(declared).items() if isinstance(value, declared.Table)}
    published = {t.name for t in declared.PUBLISHED}
    parts = []
    for table in declared.TABLES.values():
        if table.history:
            kept = f"keeps every row it is given, ordered by `{table.stamped}`"
        else:
            kept = "a run replaces its rows of the date"
        writer = "published by every run" if table.name in published else "written by reviewers, never by a run"
        parts.append(f"## `{table.name}`\n\n{table.description}\n\nOne row per {table.grain}; {kept}; {writer}.\n")
        parts.append("| column | type | null | note |\n|---|---|---|---|")
        mine = notes.get(variables.get(id(table), ""), {})
        for field in table.schema:
            nullable = "yes" if field.nullable else "no"
            parts.append(f"| `{field.name}` | `{cell(str(field.type))}` | {nullable} | {cell(mine.get(field.name, ''))} |")
        parts.append("")
    return "\n".join(parts)


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    HelpAsMarkdown.active = "::: mkdocs-click" in markdown
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, tables_markdown())


class HelpAsMarkdown(Preprocessor):
    """The commands' help is written for a terminal; on the command line reference page (the one
    with a `::: mkdocs-click` block), after mkdocs-click has put it there (its preprocessor has
    priority 141), two things a terminal shows as they are become Markdown:

    - an `Example:` line with the examples indented under it, which Markdown would run into one
      paragraph, becomes a code block;
    - a placeholder such as `<data>/impact/<draft>_<from>_<to>/`, which Markdown would take for HTML
      tags, becomes code.
    """

    active = False
    LEAD = re.compile(r"^Examples?:$")
    PLACEHOLDER = re.compile(r"(?<![^\s(])([^\s`(]*<[a-z_]+>[^\s`]*?)([.,;:)]*)(?=\s|$)")

    def run(self, lines: list[str]) -> list[str]:
        if not HelpAsMarkdown.active:
            return lines
        out: list[str] = []
        fenced = False
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.lstrip().startswith("```"):
                fenced = not fenced
            if fenced or line.startswith("    "):
                out.append(line)
                i += 1
                continue
            out.append(self.placeholders_as_code(line))
            if self.LEAD.match(line) and i + 1 < len(lines) and lines[i + 1].startswith("    ") and lines[i + 1].strip():
                block = []
                i += 1
                while i < len(lines) and lines[i].startswith("    ") and lines[i].strip():
                    block.append(lines[i][4:])
                    i += 1
                out.extend(["", "```sh", *block, "```", ""])
                continue
            i += 1
        return out

    def placeholders_as_code(self, line: str) -> str:
        parts = re.split(r"(`[^`]*`)", line)  # code spans stay as they are
        return "".join(part if k % 2 else self.PLACEHOLDER.sub(r"`\1`\2", part) for k, part in enumerate(parts))


class HelpAsMarkdownExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(HelpAsMarkdown(md), "touchstone_help_as_markdown", 140)


def on_config(config: Any, **kwargs: Any) -> Any:
    config.markdown_extensions.append(HelpAsMarkdownExtension())
    return config
