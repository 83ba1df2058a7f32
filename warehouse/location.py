"""Where the warehouse is: a local folder (the zero-setup default) or an object store URL.

Both take the same code path: the Delta tables are opened by URI with the same storage options
(for S3: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT_URL`,
`AWS_ALLOW_HTTP`; delta-rs also reads them from the environment), and the few side files (the
runs' check results) are written through a pyarrow file system made from the same options.
"""

from __future__ import annotations

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
        """Write a side file (UTF-8) at `relative` under the warehouse."""
        if self.local is not None:
            target = self.local / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            return
        filesystem, root = self._filesystem()
        with filesystem.open_output_stream(f"{root}/{relative}") as out:
            out.write(text.encode("utf-8"))

    def _filesystem(self) -> tuple[pafs.FileSystem, str]:
        url = urlparse(self.uri)
        if url.scheme not in ("s3", "s3a"):
            return pafs.FileSystem.from_uri(self.uri)
        options = {k.upper(): v for k, v in self.storage_options.items()}
        endpoint = urlparse(options["AWS_ENDPOINT_URL"]) if options.get("AWS_ENDPOINT_URL") else None
        filesystem = pafs.S3FileSystem(
            access_key=options.get("AWS_ACCESS_KEY_ID"),
            secret_key=options.get("AWS_SECRET_ACCESS_KEY"),
            region=options.get("AWS_REGION") or options.get("AWS_DEFAULT_REGION"),
            endpoint_override=endpoint.netloc if endpoint else None,
            scheme=endpoint.scheme if endpoint else "https",
        )
        return filesystem, f"{url.netloc}{url.path}".rstrip("/")
