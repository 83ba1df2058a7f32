"""Where the warehouse is: a local folder (the zero-setup default) or an object store URL.

Both take the same code path: the Delta tables are opened by URI with the same storage options
(for S3: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT_URL`,
`AWS_ALLOW_HTTP`; delta-rs also reads them from the environment), and the few side files (the
runs' check results) are written through a pyarrow file system made from the same options.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pyarrow.fs as pafs


@dataclass(frozen=True)
class Warehouse:
    uri: str  # an absolute local path, or scheme://bucket/prefix
    storage_options: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)  # credentials: never printed

    @classmethod
    def at(cls, where: Warehouse | Path | str, storage_options: Mapping[str, str] | None = None) -> Warehouse:
        """A warehouse from a folder or URL (`file://` URLs are folders)."""
        if isinstance(where, Warehouse):
            return where
        text = str(where)
        if text.startswith("file://"):
            text = urlparse(text).path
        if "://" not in text:
            text = str(Path(text).resolve())
        return cls(text.rstrip("/"), dict(storage_options or {}))

    @property
    def local(self) -> Path | None:
        """The folder, when the warehouse is on this machine's file system."""
        return None if "://" in self.uri else Path(self.uri)

    def table_uri(self, name: str) -> str:
        return f"{self.uri}/{name}"

    def options(self) -> dict[str, str] | None:
        return dict(self.storage_options) or None

    def __str__(self) -> str:
        return self.uri

    def write_text(self, relative: str, text: str) -> None:
        """Write a side file (UTF-8) at `relative` under the warehouse, whole: readers never open
        half of it (on a folder it is written aside and renamed; an object appears when uploaded)."""
        if self.local is not None:
            target = self.local / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            aside = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")  # concurrent writers apart
            aside.write_text(text, encoding="utf-8")
            os.replace(aside, target)
            return
        files, root = filesystem(self.uri, self.storage_options)
        with files.open_output_stream(f"{root}/{relative}") as out:
            out.write(text.encode("utf-8"))

    def remove_file(self, relative: str) -> None:
        """Remove the side file at `relative` under the warehouse, if it is there."""
        if self.local is not None:
            (self.local / relative).unlink(missing_ok=True)
            return
        files, root = filesystem(self.uri, self.storage_options)
        if files.get_file_info(f"{root}/{relative}").type != pafs.FileType.NotFound:
            files.delete_file(f"{root}/{relative}")


# The AWS variables delta-rs reads from the environment when no connection gives the options: the
# side files and the staging area, written through pyarrow, find the same endpoint and keys.
_AWS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL")


def filesystem(uri: str, storage_options: Mapping[str, str] | None = None) -> tuple[pafs.FileSystem, str]:
    """The pyarrow file system and root path of a local folder or object-store URL, with the same
    credentials delta-rs is given (`storage_options`, else the AWS_* variables), so whatever is
    written beside the tables goes where they go."""
    url = urlparse(uri)
    if url.scheme not in ("s3", "s3a"):
        return pafs.FileSystem.from_uri(uri if "://" in uri else str(Path(uri).resolve()))
    given = {k.upper(): v for k, v in (storage_options or {}).items()}
    options = given or {name: os.environ[name] for name in _AWS if os.environ.get(name)}
    endpoint = urlparse(options["AWS_ENDPOINT_URL"]) if options.get("AWS_ENDPOINT_URL") else None
    s3 = pafs.S3FileSystem(
        access_key=options.get("AWS_ACCESS_KEY_ID"),
        secret_key=options.get("AWS_SECRET_ACCESS_KEY"),
        session_token=options.get("AWS_SESSION_TOKEN"),
        region=options.get("AWS_REGION") or options.get("AWS_DEFAULT_REGION"),
        endpoint_override=endpoint.netloc if endpoint else None,
        scheme=endpoint.scheme if endpoint else "https",
        connect_timeout=CONNECT_SECONDS,
    )
    return s3, f"{url.netloc}{url.path}".rstrip("/")


CONNECT_SECONDS = 10  # an endpoint that does not answer fails a step in seconds, not minutes
