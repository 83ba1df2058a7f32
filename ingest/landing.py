"""The landing area: where the day's transcript files arrive, in a folder or an object store.

Every location is read through universal-pathlib's `UPath`, so a local folder (`file://`) and a
bucket (`s3://`, `gs://`, `abfs://`, with the providers installed and an Airflow connection id for
credentials) take the same code path: a bucket as Airflow's `ObjectStoragePath` (a `UPath` that
finds the credentials), a local folder as the plain local `UPath`, so that a run reading local
files never imports Airflow (~1.5-2.5 s and ~100 MB in every process). The layout is a glob with
a `{date}` placeholder, relative to the landing root; names starting with `_` or `.` are never
transcripts (metadata, markers). Paths found here are only ever read.
"""

from __future__ import annotations

import io
import zlib
from datetime import date
from pathlib import Path, PurePosixPath
from typing import IO

from upath import UPath

from foundation.errors import TouchstoneError
from ingest.records import printable
from ingest.source_config import DEFAULT_LAYOUT


def landing_root(location: str | Path, conn_id: str | None = None) -> UPath:
    """The landing root as an object-storage path: a URL as given, a local path as `file://`."""
    text = str(location)
    if "://" not in text:
        text = Path(text).resolve().as_uri()
    if text.startswith("file://") and conn_id is None:
        return UPath(text)
    from airflow.sdk import ObjectStoragePath

    return ObjectStoragePath(text, conn_id=conn_id)


def day_pattern(layout: str, day: date, what: str = "landing layout") -> str:
    """`layout` with the date put in: a glob relative to the landing root, which it cannot leave.

    Only the `{date}` placeholder is filled in (plain replacement, not `str.format`, which would
    let a configuration reach into the date object's attributes)."""
    if "{date}" not in layout:
        raise TouchstoneError(f"{what} {layout!r} has no {{date}} placeholder", "e.g. '{date}/*.jsonl'")
    pattern = layout.replace("{date}", day.isoformat())
    if pattern.startswith(("/", "\\")) or "://" in pattern or ".." in PurePosixPath(pattern.replace("\\", "/")).parts:
        raise TouchstoneError(f"{what} {layout!r} must stay inside the landing folder")
    return pattern


def relative(root: UPath, path: UPath) -> str:
    """The path's name under the root, as printable text (it is written into the tables)."""
    return printable(str(path)[len(str(root)) :].lstrip("/"))


def day_files(root: UPath, day: date, layouts: list[str] | str = DEFAULT_LAYOUT) -> list[UPath]:
    """The files holding `day`'s interactions, in a stable (sorted) order.

    A day with no files where its folder does not exist either is an error (the delivery is
    missing); an existing folder with no transcripts is an empty day.
    """
    found: dict[str, UPath] = {}
    patterns = [day_pattern(layout, day) for layout in ([layouts] if isinstance(layouts, str) else layouts)]
    for pattern in patterns:
        for path in root.glob(pattern):
            if path.is_file() and not path.name.startswith(("_", ".")):
                found[str(path)] = path
    if not found and not any((root / PurePosixPath(p).parent.as_posix()).exists() for p in patterns):
        raise TouchstoneError(
            f"no landing data for {day.isoformat()}: nothing matches {' or '.join(patterns)} in {root}",
            "generate a sample day with `touchstone generate --date ...`, or check the landing location and layout",
        )
    return [found[k] for k in sorted(found)]


class _Gunzip(io.RawIOBase):
    """Decompresses a gzip stream as it is read, handing out everything it could decompress before
    it reports a stream that breaks off (EOFError), so the records before the break are kept."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        while not self.pending:
            chunk = self.raw.read(64 * 1024)
            if not chunk:
                if not self.inflate.eof:
                    raise EOFError("compressed file ended before the end-of-stream marker was reached")
                return 0
            self.pending = self.inflate.decompress(chunk)
        size = min(len(buffer), len(self.pending))
        buffer[:size], self.pending = self.pending[:size], self.pending[size:]
        return size

    def close(self) -> None:
        self.raw.close()
        super().close()


def open_text(path: UPath, start: int = 0, end: int | None = None) -> IO[str]:
    """The file as text; `.gz` files are decompressed as they are read. With `end`, only bytes
    `start` to `end` of an uncompressed file (a part of it, `ingest.parts`), read at once."""
    raw = path.open("rb")
    if end is not None:
        with raw:
            raw.seek(start)
            raw = io.BytesIO(raw.read(end - start))
    stream: IO[bytes] = io.BufferedReader(_Gunzip(raw)) if path.name.endswith(".gz") else raw
    return io.TextIOWrapper(stream, encoding="utf-8", errors="replace")
