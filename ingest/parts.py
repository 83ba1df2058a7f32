"""A day's files cut into parts that worker processes read side by side.

A day usually arrives as a few large JSON Lines files, so files alone give workers nothing to share.
A part is about `part_bytes`: a span of a large line file, cut at line ends, or several small files
whole. A span knows the number of its first line, so a record's locator (`line 12,345`) is the one
reading the whole file gives. Line ends are counted as the text reader counts them (`\\n`, `\\r\\n`
and a lone `\\r`: universal newlines), and a cut always follows a `\\n`, so no line and no `\\r\\n`
is split. Compressed files and vendor documents are one part each: neither can be entered in the
middle.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
from upath import UPath

from ingest.formats import line_format_for

BLOCK = 1 << 20  # bytes read at a time while cutting


@dataclass(frozen=True)
class Span:
    """Bytes `start` to `end` of file number `file` (of the day's sorted files); `end` None for the
    whole file."""

    file: int
    start: int = 0
    end: int | None = None
    first_line: int = 1


def _line_ends(data: bytes, start: int, end: int, after_cr: bool) -> int:
    """Line ends in `data[start:end]` as universal newlines count them; `after_cr`: the byte before
    was `\\r` (with a `\\n` first here, the two are one line end, already counted)."""
    ends = int(np.count_nonzero(np.frombuffer(data, np.uint8, end - start, start) == 10))  # bytes.count: 5 times slower
    if data.find(b"\r", start, end) >= 0:  # rare: most files end lines with \n alone
        ends += data.count(b"\r", start, end) - data.count(b"\r\n", start, end)
    return ends - 1 if after_cr and end > start and data.startswith(b"\n", start) else ends


def line_spans(raw: IO[bytes], part_bytes: int) -> Iterator[tuple[int, int, int]]:
    """`(start, end, first line)` of each part of a line file read from `raw`: each at least
    `part_bytes` long (up to the next `\\n`), the last one whatever is left."""
    start = position = 0  # where the current part starts; the file offset of `block`
    first, ends, after_cr = 1, 0, False  # the current part's first line; line ends in it so far
    while block := raw.read(BLOCK):
        offset = 0
        while (cut := block.find(b"\n", max(offset, start + part_bytes - position))) >= 0:
            ends += _line_ends(block, offset, cut + 1, after_cr)
            yield start, position + cut + 1, first
            start, first, ends, offset, after_cr = position + cut + 1, first + ends, 0, cut + 1, False
        ends += _line_ends(block, offset, len(block), after_cr)
        after_cr = block.endswith(b"\r") if offset < len(block) else after_cr
        position += len(block)
    if position > start:
        yield start, position, first


def day_parts(paths: list[UPath], part_bytes: int, copies: list[Path] | None = None) -> Iterator[list[Span]]:
    """The parts of the day's files, in reading order, as they are cut (workers may start on the
    first while the rest are cut): uncompressed line files over `part_bytes` in spans cut at line
    ends, every other file whole, consecutive small files together.

    With `copies` (a path for each file), the files are copied there in the same pass: each part
    is yielded once its bytes are in its copy, so workers reading the copies start on the first
    part while the rest of an object store's files are still on their way."""
    part: list[Span] = []
    size = 0
    for number, path in enumerate(paths):
        try:
            fmt = line_format_for(path.name)
            length = path.stat().st_size
            if fmt is None or fmt.read_lines is None or path.name.endswith(".gz") or length <= part_bytes:
                if copies is not None:
                    with path.open("rb") as raw, copies[number].open("wb") as out:
                        shutil.copyfileobj(raw, out, BLOCK)
                part.append(Span(number))
                size += length
                if size >= part_bytes:
                    yield part
                    part, size = [], 0
                continue
            if part:
                yield part
                part, size = [], 0
            with path.open("rb") as raw, ExitStack() as copy:
                out = copy.enter_context(copies[number].open("wb")) if copies is not None else None
                for start, end, first in line_spans(raw if out is None else _Copying(raw, out), part_bytes):
                    if out is not None:
                        out.flush()  # the part's bytes where a worker can read them
                    yield [Span(number, start, end, first)]
        except OSError as exc:
            if copies is None:
                raise
            raise CopyError(f"{path}: {exc}") from exc
    if part:
        yield part


class CopyError(OSError):
    """A file of the day could not be read or copied (its message names the file first)."""


class _Copying:
    """A binary stream that writes what is read from it to `out`."""

    def __init__(self, raw: IO[bytes], out: IO[bytes]) -> None:
        self.raw, self.out = raw, out

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.out.write(data)
        return data
