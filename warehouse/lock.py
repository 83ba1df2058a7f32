"""The date lock: one writer of a date at a time, on a local folder and on an object store alike.

Publishing a date (its rows, the check of the reviewers' overrides, the switch) and recording an
override of it happen under the date's lock, so an override is either seen by the run's last check
or recorded after its switch, never in between.

- On a folder it is an `fcntl` lock on `<warehouse>/_locks/<date>.lock`: the kernel releases it when
  its process dies, so it can never be held by the dead nor lost by the living.
- On S3 it is an object, `<warehouse>/_locks/<date>.lock` (JSON: owner, run id, host, pid,
  acquired_at, expires_at), a lease: taken with a conditional put (`If-None-Match: *`, only one
  writer can create it), renewed by a heartbeat thread every `renew_every` seconds with a
  conditional put on its ETag (`If-Match`), released with a conditional delete on its ETag. A
  holder that dies (SIGKILL, a lost machine) stops renewing it; once `expiry` seconds have passed
  since its last renewal (by the store's clock: `Last-Modified` against the response's `Date`, so
  the machines' clocks do not matter), a waiter takes it over with a conditional put on the stale
  ETag, which only one taker can win. A holder whose renewal fails has lost it: `Held.verify`
  renews it once more right before the switch and raises `LockLost` instead, so a run never
  switches without holding the lock.

Why an object, not a row in Airflow's metadata database: the command line publishes and records
overrides without Airflow, and one mechanism has to cover every path that writes a date; the
object lives next to the tables it guards, with the same credentials.

What a lease cannot promise: a holder paused for longer than `expiry` exactly between its last
renewal and its switch commit (a frozen VM) could switch after a taker. So on an object store a
publish's clean-up deletes only runs that `runs` says were superseded (never "every run but the
one in force"), which stays right whatever the order of two switches; the rows a crashed run left
are removed later by `touchstone warehouse clean`, after a grace period (`warehouse.housekeeping`).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from foundation.errors import TouchstoneError
from warehouse.location import Warehouse

LOCKS = "_locks"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LockTiming:
    """How long a lease lasts without renewal, how often it is renewed, how long a writer waits."""

    expiry: float = 120.0  # seconds after its last renewal that an object-store lock is stale
    wait: float = 1800.0  # seconds a writer waits for the date before giving up
    renew_every: float | None = None  # default: a quarter of `expiry` (30 s)

    @property
    def renewal(self) -> float:
        return self.renew_every if self.renew_every is not None else self.expiry / 4


class LockLost(TouchstoneError):
    """The lease was taken over (or deleted) while this writer thought it held it."""


class Held(Protocol):
    """A held date lock."""

    certain: bool  # held by the kernel (a folder): cannot be lost while the process lives

    def verify(self) -> None:
        """Raise `LockLost` unless the lock is held now (with a whole `expiry` ahead)."""


def lock_key(day: date) -> str:
    return f"{LOCKS}/{day.isoformat()}.lock"


def _holder(owner: str, run_id: str | None, token: str, expiry: float, now: datetime) -> dict[str, Any]:
    return {
        "owner": owner, "run_id": run_id, "host": socket.gethostname(), "pid": os.getpid(), "token": token,
        "acquired_at": now.isoformat(), "expires_at": (now + timedelta(seconds=expiry)).isoformat(), "expiry_seconds": expiry,
    }  # fmt: skip


def describe(holder: Mapping[str, Any]) -> str:
    """`publish of run r1 (host a, pid 12)`: who holds a lock, for messages."""
    return f"{holder.get('owner', 'an unknown writer')} (host {holder.get('host', '?')}, pid {holder.get('pid', '?')})"


def _busy(warehouse: Warehouse, day: date, holder: Mapping[str, Any], waited: float) -> TouchstoneError:
    until = f", its lock expires at {holder['expires_at']} unless renewed" if holder.get("expires_at") else ", until that process ends"
    return TouchstoneError(
        f"date {day.isoformat()} of the warehouse {warehouse} is locked by {describe(holder)} since {holder.get('acquired_at', '?')}{until}; waited {waited:.0f} s",
        "wait for that writer to finish and try again (TOUCHSTONE_LOCK_WAIT_SECONDS sets how long to wait)",
    )


def _backoff(attempt: int) -> float:
    """Seconds before the next look at a busy lock: from 0.1 s doubling to 5 s, with jitter."""
    return min(5.0, 0.1 * 2**attempt) * random.uniform(0.5, 1.0)


@contextmanager
def date_lock(warehouse: Warehouse | Path | str, day: date, owner: str, run_id: str | None = None, timing: LockTiming | None = None) -> Iterator[Held]:
    """Hold the lock of `day` in `warehouse` for the block (see the module's docstring); wait for it
    up to `timing.wait` seconds, then raise a TouchstoneError naming its holder."""
    where, timing = Warehouse.at(warehouse), timing or LockTiming()
    if where.local is not None:
        with _folder_lock(where.local, where, day, owner, run_id, timing) as held:
            yield held
        return
    scheme = urlparse(where.uri).scheme
    if scheme not in ("s3", "s3a"):
        raise TouchstoneError(f"the warehouse {where} cannot be locked: {scheme}:// has no conditional writes here", "use a local folder or an s3:// warehouse")
    with _object_lock(where, day, owner, run_id, timing) as held:
        yield held


# --- a folder: fcntl ---------------------------------------------------------------------------


class _FolderHeld:
    certain = True

    def verify(self) -> None:
        """Nothing to check: the kernel holds it until this process lets go or dies."""


@contextmanager
def _folder_lock(folder: Path, where: Warehouse, day: date, owner: str, run_id: str | None, timing: LockTiming) -> Iterator[Held]:
    path = folder / lock_key(day)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:  # "a+": opening does not wipe the holder's note
        started, attempt = time.monotonic(), 0
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited >= timing.wait:
                    handle.seek(0)
                    try:
                        holder = json.loads(handle.read() or "{}")
                    except ValueError:
                        holder = {}
                    raise _busy(where, day, {**holder, "expires_at": None}, waited) from None
                time.sleep(min(_backoff(attempt), max(0.0, timing.wait - waited)))
                attempt += 1
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(_holder(owner, run_id, uuid.uuid4().hex, 0, datetime.now(UTC)) | {"expires_at": None}))
            handle.flush()
            yield _FolderHeld()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- S3: a lease object with conditional writes ---------------------------------------------------


def s3_client(warehouse: Warehouse) -> Any:
    """A boto3 S3 client from the warehouse's storage options (those delta-rs takes: endpoint, keys,
    region; none: the environment's, as delta-rs reads them)."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise TouchstoneError(f"locking the warehouse {warehouse} needs boto3", "install it with: pip install 'touchstone[stack]'") from None
    options = {k.upper(): v for k, v in warehouse.storage_options.items()}
    config = Config(connect_timeout=5, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"})
    return boto3.session.Session().client(
        "s3",
        endpoint_url=options.get("AWS_ENDPOINT_URL") or None,
        aws_access_key_id=options.get("AWS_ACCESS_KEY_ID") or None,
        aws_secret_access_key=options.get("AWS_SECRET_ACCESS_KEY") or None,
        aws_session_token=options.get("AWS_SESSION_TOKEN") or None,
        region_name=options.get("AWS_REGION") or options.get("AWS_DEFAULT_REGION") or None,
        config=config,
    )


def bucket_and_key(warehouse: Warehouse, relative: str) -> tuple[str, str]:
    url = urlparse(warehouse.uri)
    prefix = url.path.strip("/")
    return url.netloc, f"{prefix}/{relative}" if prefix else relative


class _Conflict(Exception):
    """A conditional write lost: the object is not (or no longer) what the writer expected."""


def _calling(where: Warehouse, day: date, action: Callable[[], Any]) -> Any:
    """Run one S3 call: a lost condition is `_Conflict`; anything else (a missing bucket, wrong
    credentials, an endpoint that does not answer) one TouchstoneError naming the warehouse."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return action()
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        if code in ("PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey", "404", "412", "409"):
            raise _Conflict(code) from None
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        raise TouchstoneError(
            f"cannot lock date {day.isoformat()} of the warehouse {where}: {code or status}: {error.get('Message', exc)}",
            "check that the bucket exists and the credentials (TOUCHSTONE_WAREHOUSE_CONN_ID or AWS_*) may read, write and delete in it",
        ) from None
    except BotoCoreError as exc:
        raise TouchstoneError(f"cannot lock date {day.isoformat()} of the warehouse {where}: {exc}", "check the endpoint (AWS_ENDPOINT_URL) and the network") from None


class _Lease:
    """The lease object of one date, as one writer sees it."""

    certain = False

    def __init__(self, where: Warehouse, day: date, owner: str, run_id: str | None, timing: LockTiming) -> None:
        self.where, self.day, self.timing = where, day, timing
        self.client = s3_client(where)
        self.bucket, self.key = bucket_and_key(where, lock_key(day))
        self.token = uuid.uuid4().hex
        self.owner, self.run_id = owner, run_id
        self.etag: str | None = None
        self.lost: str | None = None  # why, once this writer knows it no longer holds it
        self.acquired_at = datetime.now(UTC)
        self.renewed = time.monotonic()
        self.mutex = threading.Lock()  # the heartbeat and `verify` renew one at a time

    def _body(self) -> bytes:
        holder = _holder(self.owner, self.run_id, self.token, self.timing.expiry, datetime.now(UTC))
        return json.dumps(holder | {"acquired_at": self.acquired_at.isoformat()}).encode()

    def _put(self, **condition: str) -> str:
        response = _calling(self.where, self.day, lambda: self.client.put_object(Bucket=self.bucket, Key=self.key, Body=self._body(), ContentType="application/json", **condition))
        return str(response["ETag"])

    def _current(self) -> tuple[dict[str, Any], str, float] | None:
        """(holder, ETag, seconds since its last renewal by the store's clock); None: no lock."""
        try:
            response = _calling(self.where, self.day, lambda: self.client.get_object(Bucket=self.bucket, Key=self.key))
        except _Conflict:
            return None
        try:
            holder = json.loads(response["Body"].read())
        except ValueError:
            holder = {}
        server_now = response["ResponseMetadata"].get("HTTPHeaders", {}).get("date")
        now = parsedate_to_datetime(server_now) if server_now else datetime.now(UTC)
        return holder, str(response["ETag"]), (now - response["LastModified"]).total_seconds()

    def acquire(self) -> None:
        started, attempt = time.monotonic(), 0
        while True:
            try:
                self.etag = self._put(IfNoneMatch="*")
                break
            except _Conflict:
                pass
            current = self._current()
            if current is not None:
                holder, etag, age = current
                if holder.get("token") == self.token:  # our own put went through, its answer was lost
                    self.etag = etag
                    break
                if age > float(holder.get("expiry_seconds", self.timing.expiry)):  # its holder stopped renewing it
                    try:
                        self.etag = self._put(IfMatch=etag)
                        log.warning("took over the stale lock of %s from %s (not renewed for %.0f s)", self.day, describe(holder), age)
                        break
                    except _Conflict:
                        continue  # another waiter took it first: look again
                waited = time.monotonic() - started
                if waited >= self.timing.wait:
                    raise _busy(self.where, self.day, holder, waited)
                time.sleep(min(_backoff(attempt), max(0.0, self.timing.wait - waited)))
                attempt += 1
        self.renewed = time.monotonic()

    def renew(self) -> None:
        """Extend the lease by a conditional put on its ETag; raise `LockLost` if it is not ours."""
        with self.mutex:
            if self.lost is None:
                try:
                    self.etag = self._put(IfMatch=self.etag or "")
                    self.renewed = time.monotonic()
                except _Conflict:
                    self.lost = "another writer took it over or it was removed"
                except TouchstoneError as exc:
                    if time.monotonic() - self.renewed >= self.timing.expiry:
                        self.lost = f"it could not be renewed for {self.timing.expiry:.0f} s ({exc.message})"
                    else:
                        raise
            if self.lost is not None:
                raise LockLost(
                    f"run {self.run_id or self.owner} lost the lock of date {self.day.isoformat()} of the warehouse {self.where}: {self.lost}",
                    "nothing was switched by it; run the date again",
                )

    def verify(self) -> None:
        self.renew()

    def release(self) -> None:
        """Delete the lease if it is still ours (a conditional delete: never another writer's)."""
        with self.mutex:
            if self.lost is not None or self.etag is None:
                return
            etag = self.etag
            try:
                _calling(self.where, self.day, lambda: self.client.delete_object(Bucket=self.bucket, Key=self.key, IfMatch=etag))
            except _Conflict:
                pass
            except TouchstoneError as exc:  # it expires by itself
                log.warning("%s", exc.message)


def _heartbeat(lease: _Lease, stop: threading.Event) -> None:
    """Renew the lease every `renewal` seconds until told to stop or it is lost."""
    while not stop.wait(lease.timing.renewal):
        try:
            lease.renew()
        except LockLost:
            log.error("lost the lock of %s", lease.day)
            return
        except TouchstoneError as exc:  # a passing network error: again at the next beat
            log.warning("%s", exc.message)


@contextmanager
def _object_lock(where: Warehouse, day: date, owner: str, run_id: str | None, timing: LockTiming) -> Iterator[Held]:
    lease = _Lease(where, day, owner, run_id, timing)
    lease.acquire()
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(lease, stop), name=f"lock-{day.isoformat()}", daemon=True)
    beat.start()
    try:
        yield lease
    finally:
        stop.set()
        beat.join()
        lease.release()
