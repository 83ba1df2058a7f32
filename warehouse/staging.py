"""A run's staging place, and its tables before they are published (one Parquet file per table).

Staging is private to the run: nothing reads it but the run's own later steps and
`warehouse.store.publish`, which makes it the published day. It is a folder on a pyarrow file
system (`Staging`): a local folder for a warehouse on this machine, or a prefix of the object
store the warehouse is on, with the warehouse's credentials, so the steps of one run can run on
machines that share nothing but the object store and the database. Every operation the steps need
goes through `Staging`, the same code for both; a failure names the staging URL
(`StagingError`), never a raw pyarrow or AWS trace.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from foundation.errors import TouchstoneError, one_line
from warehouse.location import filesystem
from warehouse.tables import Table

P = ParamSpec("P")
REQUIRED: Any = object()  # `read_json` without a default: a missing manifest is an error
R = TypeVar("R")


class StagingError(TouchstoneError):
    """The staging place cannot be read or written (no bucket, wrong keys, no endpoint, no permission)."""


def _reported(what: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """An operation whose file-system errors become one `StagingError` naming the URL."""

    def decorate(operation: Callable[P, R]) -> Callable[P, R]:
        @wraps(operation)
        def reported(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return operation(*args, **kwargs)
            except OSError as exc:
                place: Staging = args[0]  # type: ignore[assignment]
                relative = str(args[1]) if len(args) > 1 and isinstance(args[1], str) else ""
                raise place.error(what, relative, exc) from exc

        return reported

    return decorate


@dataclass(frozen=True)
class Staging:
    """A folder on a file system (local, or an object store's prefix) where steps hand over files,
    addressed by paths relative to it (`shards/interactions-00000.parquet`)."""

    uri: str  # for people: an absolute local path, or scheme://bucket/prefix
    filesystem: pafs.FileSystem = field(repr=False, compare=False)
    root: str = field(repr=False)  # the folder's path on `filesystem`

    @classmethod
    def at(cls, where: Staging | Path | str, storage_options: Mapping[str, str] | None = None) -> Staging:
        """The staging place at a folder or URL (`file://` URLs are folders), with the credentials
        of `storage_options` (as delta-rs takes them) for an object store."""
        if isinstance(where, Staging):
            return where
        text = str(where).removeprefix("file://")
        if "://" not in text:
            text = str(Path(text).resolve())
        try:
            fs, root = filesystem(text, storage_options)
        except (OSError, ValueError) as exc:
            raise StagingError(f"cannot use the staging area {text}: {one_line(exc)}", HINT) from exc
        return cls(text.rstrip("/"), fs, root.rstrip("/"))

    @property
    def local(self) -> Path | None:
        """The folder, when it is on this machine's file system."""
        return Path(self.root) if isinstance(self.filesystem, pafs.LocalFileSystem) else None

    def child(self, *parts: str) -> Staging:
        """The folder `parts` below this one (on the same file system, with the same credentials)."""
        relative = "/".join(parts)
        return Staging(f"{self.uri}/{relative}", self.filesystem, f"{self.root}/{relative}")

    def path(self, relative: str) -> str:
        """The path of a file on the file system (what pyarrow's readers take with `filesystem`)."""
        return f"{self.root}/{relative}"

    def __str__(self) -> str:
        return self.uri

    def error(self, what: str, relative: str, exc: BaseException) -> StagingError:
        where = f"{self.uri}/{relative}" if relative else self.uri
        return StagingError(f"cannot {what} the staging area {where}: {one_line(exc)}", HINT)

    def _parent(self, relative: str) -> None:
        """A local file's folder is made first; an object store has no folders to make."""
        if self.local is not None:
            self.filesystem.create_dir(self.path(relative).rsplit("/", 1)[0], recursive=True)

    @_reported("check")
    def exists(self, relative: str = "") -> bool:
        info = self.filesystem.get_file_info(self.path(relative) if relative else self.root)
        return info.type != pafs.FileType.NotFound

    @_reported("read")
    def size(self, relative: str) -> int:
        return int(self.filesystem.get_file_info(self.path(relative)).size or 0)

    @_reported("list")
    def names(self, folder: str, prefix: str = "", suffix: str = "") -> list[str]:
        """The names of the files in `folder` that start with `prefix` and end with `suffix`, sorted."""
        found = self.filesystem.get_file_info(pafs.FileSelector(self.path(folder), allow_not_found=True))
        names = (info.base_name for info in found if info.type == pafs.FileType.File)
        return sorted(name for name in names if name.startswith(prefix) and name.endswith(suffix))

    @_reported("write")
    def write_text(self, relative: str, text: str) -> None:
        self._parent(relative)
        with self.filesystem.open_output_stream(self.path(relative)) as out:
            out.write(text.encode("utf-8"))

    @_reported("read")
    def read_text(self, relative: str) -> str:
        with self.filesystem.open_input_stream(self.path(relative)) as stream:
            return bytes(stream.read()).decode("utf-8")

    def read_json(self, relative: str, default: Any = REQUIRED) -> Any:
        """A small manifest (counts, languages, checks); `default`, if given, when it was never written."""
        if default is not REQUIRED and not self.exists(relative):
            return default
        return json.loads(self.read_text(relative))

    @_reported("write")
    def write_table(self, relative: str, rows: pa.Table) -> None:
        self._parent(relative)
        pq.write_table(rows, self.path(relative), filesystem=self.filesystem)

    @_reported("read")
    def read_table(
        self, relative: str, schema: pa.Schema | None = None, columns: Sequence[str] | None = None, read_dictionary: Sequence[str] | None = None, filters: Any = None
    ) -> pa.Table:
        path, chosen = self.path(relative), list(columns) if columns is not None else None
        return pq.read_table(path, filesystem=self.filesystem, schema=schema, columns=chosen, read_dictionary=read_dictionary, filters=filters)

    @_reported("read")
    def num_rows(self, relative: str) -> int:
        """The rows of a Parquet file, from its footer (no data read)."""
        with self.filesystem.open_input_file(self.path(relative)) as source:
            return pq.ParquetFile(source).metadata.num_rows

    def batches(self, relative: str, batch_size: int, columns: Sequence[str] | None = None) -> Iterator[pa.RecordBatch]:
        """A Parquet file's rows in batches, read as they are asked for."""
        try:
            with self.filesystem.open_input_file(self.path(relative)) as source:
                yield from pq.ParquetFile(source).iter_batches(batch_size=batch_size, columns=list(columns) if columns is not None else None)
        except OSError as exc:
            raise self.error("read", relative, exc) from exc

    @_reported("read")
    def dataset(self, relative: str) -> ds.Dataset:
        """A Parquet file as a dataset (read as a stream, by DuckDB for one)."""
        return ds.dataset(self.path(relative), format="parquet", filesystem=self.filesystem)

    @contextmanager
    def writer(self, relative: str, schema: pa.Schema) -> Iterator[pq.ParquetWriter]:
        """A Parquet file written a part at a time. It appears whole, or not at all: a local file is
        written beside and renamed; an object is stored when closed, and removed if writing failed."""
        local = self.local is not None
        target = relative + ".writing" if local else relative
        try:
            self._parent(relative)
            with pq.ParquetWriter(self.path(target), schema, filesystem=self.filesystem) as out:
                yield out
            if local:
                self.filesystem.move(self.path(target), self.path(relative))
        except OSError as exc:
            self._remove_file(target)
            raise self.error("write", relative, exc) from exc
        except BaseException:
            self._remove_file(target)
            raise

    def _remove_file(self, relative: str) -> None:
        try:
            self.filesystem.delete_file(self.path(relative))
        except OSError:
            pass  # never written, or the store is gone: the error that brought us here says why

    @_reported("remove")
    def remove(self) -> None:
        """The folder and everything in it, if it is there."""
        if self.exists():
            self.filesystem.delete_dir(self.root)


    def discard(self) -> None:
        """`remove`, for clean-up after another failure: a failure here must not hide that one."""
        try:
            self.remove()
        except StagingError:
            pass


HINT = "check that the bucket exists, the credentials may write it, and the endpoint answers (TOUCHSTONE_STAGING_URL, else the warehouse's)"


def to_arrow(rows: Sequence[dict[str, Any]], table: Table) -> pa.Table:
    """Rows as an Arrow table of the declared schema (a missing or mistyped column is an error)."""
    return pa.Table.from_pylist(list(rows), schema=table.schema)


def staged_name(table: Table) -> str:
    """Where a run stages a table before it is published (relative to the run's staging)."""
    return f"{table.name}.parquet"


def write_staged(rows: Sequence[dict[str, Any]] | pa.Table, table: Table, staging: Staging | Path) -> None:
    """Write a table (rows, or an Arrow table of its schema) for one run into its staging place."""
    Staging.at(staging).write_table(staged_name(table), rows if isinstance(rows, pa.Table) else to_arrow(rows, table))


def read_staged(table: Table, staging: Staging | Path, columns: Sequence[str] | None = None, compact: bool = False) -> pa.Table:
    """A staged table; `compact` keeps strings dictionary-encoded (categoricals in pandas)."""
    place = Staging.at(staging)
    if compact:
        fields = [table.schema.field(n) for n in (columns if columns is not None else table.schema.names)]
        return place.read_table(staged_name(table), columns=[f.name for f in fields], read_dictionary=strings(fields))
    return place.read_table(staged_name(table), schema=table.schema, columns=columns)


def staged_rows(table: Table, staging: Staging | Path) -> int:
    """Rows of a staged table, from its footer (no data read)."""
    return Staging.at(staging).num_rows(staged_name(table))


def strings(fields: Sequence[pa.Field]) -> list[str]:
    """The string columns among `fields`: read dictionary-encoded in compact reads."""
    return [f.name for f in fields if f.type == pa.string()]
