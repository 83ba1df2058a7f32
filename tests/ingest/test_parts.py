"""A day's files cut into parts: every record read from the spans of a file is the record reading
the whole file gives, locator included, whatever the line ends and wherever the cuts fall."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from ingest.landing import landing_root
from ingest import parts
from ingest.parts import Span, day_parts, line_spans
from ingest.reader import _read_file

RECORD = b'{"interaction_id": "i%d", "channel": "chat", "language": "en", "turns": []}'
FILES = {
    "lf": b"\n".join(RECORD % i for i in range(12)) + b"\n",
    "crlf": b"\r\n".join(RECORD % i for i in range(12)) + b"\r\n",
    "lone cr": b"\r".join(RECORD % i for i in range(12)),  # lines a text reader splits, no \n to cut at
    "mixed, blank lines, no final end": b"".join(RECORD % i + [b"\n", b"\r\n", b"\r", b"\n\n", b"\r\r\n"][i % 5] for i in range(12)) + RECORD % 99,
    "broken lines and bytes": b"\n".join([RECORD % 1, b"{not json", b"\xff\xfe" + RECORD % 2, b"", b"[1, 2]", RECORD % 3]) + b"\n",
}


def _universal_lines_before(data: bytes, offset: int) -> int:
    return len(io.TextIOWrapper(io.BytesIO(data[:offset]), encoding="utf-8", errors="replace").readlines())


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("part_bytes", [1, 2, 50, 77, 200, 10_000])
@pytest.mark.parametrize("block", [2, 3, 1 << 20])  # small reads: a \r\n falls across two of them
def test_spans_cover_the_file_at_line_ends_with_their_first_line(name: str, part_bytes: int, block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parts, "BLOCK", block)
    data = FILES[name]
    spans = list(line_spans(io.BytesIO(data), part_bytes))
    assert [s for s, _, _ in spans] == [0] + [e for _, e, _ in spans[:-1]] and spans[-1][1] == len(data)
    for start, end, first in spans:
        assert end == len(data) or (data[end - 1 : end] == b"\n" and end - start >= part_bytes)
        assert first == _universal_lines_before(data, start) + 1


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("part_bytes", [1, 77, 10_000])
def test_records_of_the_spans_are_the_records_of_the_file(tmp_path: Path, name: str, part_bytes: int) -> None:
    (tmp_path / "day.jsonl").write_bytes(FILES[name])
    path = landing_root(tmp_path) / "day.jsonl"
    whole = [record for record, _ in _read_file(path, "day.jsonl")]
    spans = [Span(0, start, end, first) for start, end, first in line_spans(io.BytesIO(FILES[name]), part_bytes)]
    assert [record for span in spans for record, _ in _read_file(path, "day.jsonl", span)] == whole
    assert len(whole) >= 5 and any(record.error for record in whole) == name.startswith("broken")


def test_large_line_files_are_cut_and_small_or_compressed_files_kept_whole(tmp_path: Path) -> None:
    big = b"".join(RECORD % i + b"\n" for i in range(100))
    files = {"a.jsonl": big, "b.jsonl": RECORD % 1 + b"\n", "c.json": json.dumps({"conversation": []}).encode(), "d.jsonl.gz": gzip.compress(big, 0), "e.jsonl": RECORD % 2 + b"\n"}
    for file, data in files.items():
        (tmp_path / file).write_bytes(data)
    root = landing_root(tmp_path)
    found = list(day_parts([root / file for file in files], part_bytes=len(big) // 3))
    cut = [part for part in found if part[0].file == 0]
    assert len(cut) == 3 and all(len(part) == 1 and part[0].end is not None for part in cut)  # the last span: what is left
    # Small files travel together until a part is full; a compressed file, however large, is read whole.
    assert [[(s.file, s.end) for s in part] for part in found[3:]] == [[(1, None), (2, None), (3, None)], [(4, None)]]


def test_copies_are_made_as_the_parts_are_cut_and_each_part_is_in_its_copy_when_yielded(tmp_path: Path) -> None:
    big = b"".join(RECORD % i + b"\n" for i in range(100))
    files = {"a.jsonl": big, "b.json": json.dumps({"conversation": []}).encode(), "c.jsonl.gz": gzip.compress(big, 0)}
    for file, data in files.items():
        (tmp_path / file).write_bytes(data)
    root = landing_root(tmp_path)
    copies = [tmp_path / "copies" / file for file in files]
    copies[0].parent.mkdir()
    seen = []
    for part in day_parts([root / file for file in files], part_bytes=len(big) // 3, copies=copies):
        for span in part:  # what a worker would read of the copy now: the part's bytes, as in the file
            copied = copies[span.file].read_bytes()
            end = span.end if span.end is not None else len(files[list(files)[span.file]])
            assert copied[span.start : end] == files[list(files)[span.file]][span.start : end]
            seen.append((span.file, span.end is None))
    assert seen == [(0, False)] * 3 + [(1, True), (2, True)]
    assert [copy.read_bytes() for copy in copies] == list(files.values())


def test_a_file_that_cannot_be_copied_is_named(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(b"".join(RECORD % i + b"\n" for i in range(100)))
    root = landing_root(tmp_path)
    with pytest.raises(parts.CopyError, match=r"a\.jsonl: .*No such file"):
        list(day_parts([root / "a.jsonl"], part_bytes=1000, copies=[tmp_path / "missing" / "a.jsonl"]))
