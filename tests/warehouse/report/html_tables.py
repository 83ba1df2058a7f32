"""Read the report's tables back: rows of cells, each cell with its text and attributes."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Cell:
    text: str = ""
    attrs: dict[str, str | None] = field(default_factory=dict)

    @property
    def value(self) -> float | None:
        """The exact number behind a formatted cell (`data-value`), None when empty."""
        raw = self.attrs.get("data-value")
        return None if raw in (None, "", "None", "nan") else float(raw)


@dataclass
class Row:
    attrs: dict[str, str | None]
    cells: list[Cell] = field(default_factory=list)


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[Row]] = {}
        self.sections: list[str] = []
        self._table: str | None = None
        self._in_body = False
        self._cell: Cell | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section" and found.get("id"):
            self.sections.append(found["id"] or "")
        elif tag == "table" and found.get("id"):
            self._table = found["id"]
            self.tables[self._table] = []
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._table and self._in_body:
            self.tables[self._table].append(Row(found))
        elif tag in ("td", "th") and self._table and self._in_body:
            self._cell = Cell(attrs=found)
            self.tables[self._table][-1].cells.append(self._cell)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._cell = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.text += data.strip()


def parse(html: str) -> tuple[dict[str, list[Row]], list[str]]:
    """The body rows of every table with an id, and the ids of the sections in page order."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables, parser.sections
