"""The date lock on a local folder (fcntl) and on an S3 endpoint (a lease object with conditional
writes, on moto's server): one holder at a time among threads and processes, a dead holder's lock
taken over after its expiry and not before, a holder that lost it never switches, concurrent
publishers of one date one after the other.

moto checks a condition and then writes, in a threaded server without a lock between the two: its
conditional put is not atomic the way S3's is. In 300 rounds of 8 racing threads it still never let
two writers create one object, so the tests race many rounds and count; on S3 itself the condition
and the write are one atomic step."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from foundation.errors import TouchstoneError
from warehouse import store
from warehouse.location import Warehouse
from warehouse.lock import LockLost, LockTiming, bucket_and_key, date_lock, lock_key, s3_client
from tests.warehouse.test_store import DAY, TABLES_OF_A_DAY, _day, _publish, _stage, _stored_runs

NOW = LockTiming(wait=0)  # take it or fail at once


@pytest.fixture(params=["folder", "s3"])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Warehouse:
    if request.param == "folder":
        return Warehouse.at(tmp_path / "wh")
    return Warehouse.at(request.getfixturevalue("s3_bucket") + "/warehouse", request.getfixturevalue("s3_endpoint"))


class _Race:
    """Writers trying the lock at once: who won, how many held it at once, how many have tried."""

    def __init__(self, n: int) -> None:
        self.n, self.wins, self.inside, self.peak, self.tried = n, list[str](), 0, 0, 0
        self.changed = threading.Condition()

    def take(self, warehouse: Warehouse, owner: str, timing: LockTiming, hold: float | None) -> None:
        """Take the lock (or fail); hold it `hold` seconds, or (None) until every writer has tried."""
        try:
            with date_lock(warehouse, DAY, owner, timing=timing):
                with self.changed:
                    self.inside += 1
                    self.peak = max(self.peak, self.inside)
                    self.wins.append(owner)
                    self.tried += 1
                    self.changed.notify_all()
                    if hold is None:
                        self.changed.wait_for(lambda: self.tried == self.n, timeout=30)
                time.sleep(hold or 0)
                with self.changed:
                    self.inside -= 1
        except TouchstoneError:
            with self.changed:
                self.tried += 1
                self.changed.notify_all()


def _race(warehouse: Warehouse, n: int, timing: LockTiming, hold: float | None) -> tuple[list[str], int]:
    race = _Race(n)
    threads = [threading.Thread(target=race.take, args=(warehouse, f"writer-{i}", timing, hold)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return race.wins, race.peak


def test_one_writer_of_many_at_once_gets_the_lock(warehouse: Warehouse) -> None:
    rounds = 10 if warehouse.local is None else 3
    for _ in range(rounds):
        wins, peak = _race(warehouse, 6, NOW, hold=None)  # held until every other writer has tried
        assert len(wins) == 1 and peak == 1


def test_waiting_writers_each_get_it_in_turn_never_two_at_once(warehouse: Warehouse) -> None:
    wins, peak = _race(warehouse, 5, LockTiming(wait=60), hold=0.05)
    assert sorted(wins) == [f"writer-{i}" for i in range(5)]  # a release lets the next one in
    assert peak == 1


def test_a_busy_date_names_its_holder_and_when_it_expires(warehouse: Warehouse) -> None:
    with date_lock(warehouse, DAY, "publish of run r1", "r1"):
        started = time.monotonic()
        with pytest.raises(TouchstoneError) as raised, date_lock(warehouse, DAY, "other", timing=LockTiming(wait=0.5)):
            pass
        assert time.monotonic() - started >= 0.5
    message = raised.value.message
    assert message.startswith(f"date {DAY} of the warehouse {warehouse} is locked by publish of run r1 (host ")
    assert f"pid {os.getpid()}" in message
    assert ("its lock expires at 20" if warehouse.local is None else "until that process ends") in message
    with date_lock(warehouse, DAY, "other", timing=NOW):  # released
        pass


def _hold_then_wait(uri: str, options: dict[str, str], held: object, expiry: float) -> None:
    """In a child: take the lock and keep it (renewing) until killed."""
    with date_lock(Warehouse.at(uri, options), DAY, "doomed run", "doomed", LockTiming(expiry=expiry, renew_every=expiry / 4)):
        held.set()  # type: ignore[attr-defined]
        time.sleep(600)


def _child(warehouse: Warehouse, target: object, *args: object) -> multiprocessing.process.BaseProcess:
    context = multiprocessing.get_context("spawn")
    held = context.Event()
    child = context.Process(target=target, args=(warehouse.uri, dict(warehouse.storage_options), held, *args))
    child.start()
    assert held.wait(60)
    return child


def test_a_killed_holder_is_taken_over_after_its_expiry_and_not_before(warehouse: Warehouse) -> None:
    expiry = 3.0
    child = _child(warehouse, _hold_then_wait, expiry)
    time.sleep(expiry)  # it renews meanwhile: still held
    with pytest.raises(TouchstoneError, match=f"locked by doomed run .*pid {child.pid}"), date_lock(warehouse, DAY, "early", timing=NOW):
        pass
    os.kill(child.pid or 0, signal.SIGKILL)
    child.join()
    killed = time.monotonic()
    with date_lock(warehouse, DAY, "taker", timing=LockTiming(wait=60)):
        waited = time.monotonic() - killed
    if warehouse.local is not None:
        assert waited < 1  # the kernel let go when the process died
    else:
        # Stale once `expiry` passed since its last renewal (at most expiry/4 before the kill;
        # the store keeps the renewal's time to the second).
        assert expiry - expiry / 4 - 1 <= waited <= expiry + 10


def test_two_takers_of_a_stale_lock_one_wins(s3_bucket: str, s3_endpoint: dict[str, str]) -> None:
    warehouse = Warehouse.at(s3_bucket + "/warehouse", s3_endpoint)
    for _ in range(3):
        child = _child(warehouse, _hold_then_wait, 1.0)
        os.kill(child.pid or 0, signal.SIGKILL)
        child.join()
        time.sleep(2.2)  # stale now
        wins, peak = _race(warehouse, 4, NOW, hold=None)
        assert len(wins) == 1 and peak == 1


def _publish_observing(uri: str, options: dict[str, str], start: object, staged: str, run_id: str, seen: str) -> None:
    """In a child: publish the date when every child is ready; just before the switch, note which
    runs' rows the table holds."""
    warehouse = Warehouse.at(uri, options)
    start.wait()  # type: ignore[attr-defined]

    def note() -> None:
        Path(seen).write_text(json.dumps(sorted(_stored_runs(warehouse, "quarantine"))))

    store.publish(Path(staged), warehouse, DAY, run_id, TABLES_OF_A_DAY, before_switch=note)


def test_concurrent_publisher_processes_of_one_date_publish_one_after_the_other(warehouse: Warehouse, tmp_path: Path) -> None:
    """Three processes publish the date at once: each, at its switch, finds only the run in force
    and its own rows (no rival's half-written run), and the day in force is one of them, whole."""
    _publish(warehouse, tmp_path, "before", 3)
    context = multiprocessing.get_context("spawn")
    children, start = [], context.Barrier(3)
    for i in range(3):
        staged = _stage(tmp_path / f"p{i}", f"p{i}", 2 + i)
        child = context.Process(target=_publish_observing, args=(warehouse.uri, dict(warehouse.storage_options), start, str(staged), f"p{i}", str(tmp_path / f"seen-{i}")))
        child.start()
        children.append(child)
    for child in children:
        child.join(timeout=180)
        assert child.exitcode == 0
    runs = [f"p{i}" for i in range(3)]
    order = list(store.in_force(warehouse, None).values())
    switched = [r for r in store.published_runs(warehouse, DAY)]
    assert [run for _, run in switched][0] == "before" and {run for _, run in switched[1:]} == set(runs)
    for position, (_, run) in enumerate(switched[1:]):
        previous = switched[position][1]
        assert json.loads((tmp_path / f"seen-{run[1]}").read_text()) == sorted({previous, run})
    (winner,) = {run for run in order}
    assert winner == switched[-1][1]
    size = 2 + int(winner[1:])
    assert _day(warehouse) == {"quarantine": (size, {winner}), "agent_daily_scores": (size, {winner})}
    assert _stored_runs(warehouse, "quarantine") == {winner}


def test_a_holder_that_lost_the_lock_does_not_switch(s3_bucket: str, s3_endpoint: dict[str, str], tmp_path: Path) -> None:
    """A run stalls past its lease's expiry before its switch (renewals stopped: a frozen machine);
    another writer takes the lock over meanwhile: the run raises and publishes nothing."""
    warehouse = Warehouse.at(s3_bucket + "/warehouse", s3_endpoint)
    _publish(warehouse, tmp_path, "r1", 3)
    taken: list[str] = []

    def stall_and_be_taken_over() -> None:
        time.sleep(2.5)
        with date_lock(warehouse, DAY, "the taker", timing=LockTiming(wait=30)):
            taken.append("yes")

    with pytest.raises(LockLost, match=f"run r2 lost the lock of date {DAY} of the warehouse {warehouse}"):
        store.publish(_stage(tmp_path / "r2", "r2", 5), warehouse, DAY, "r2", TABLES_OF_A_DAY, before_switch=stall_and_be_taken_over, timing=LockTiming(expiry=1, renew_every=600))
    assert taken == ["yes"]
    assert _day(warehouse) == {"quarantine": (3, {"r1"}), "agent_daily_scores": (3, {"r1"})}
    assert list(store.read_table(warehouse, "runs", DAY)["run_id"]) == ["r1"]


def test_the_lock_object_says_who_holds_it_and_is_gone_after(s3_bucket: str, s3_endpoint: dict[str, str]) -> None:
    warehouse = Warehouse.at(s3_bucket + "/warehouse", s3_endpoint)
    client, (bucket, key) = s3_client(warehouse), bucket_and_key(warehouse, lock_key(DAY))
    assert (bucket, key) == (s3_bucket.removeprefix("s3://"), f"warehouse/_locks/{DAY}.lock")
    with date_lock(warehouse, DAY, "publish of run r1", "r1", LockTiming(expiry=120)):
        holder = json.loads(client.get_object(Bucket=bucket, Key=key)["Body"].read())
        acquired, expires = datetime.fromisoformat(holder["acquired_at"]), datetime.fromisoformat(holder["expires_at"])
        assert (holder["owner"], holder["run_id"], holder["pid"]) == ("publish of run r1", "r1", os.getpid())
        assert abs((acquired - datetime.now(UTC)).total_seconds()) < 5 and (expires - acquired).total_seconds() == pytest.approx(120, abs=1)
    assert "Contents" not in client.list_objects_v2(Bucket=bucket, Prefix="warehouse/_locks/")


def test_a_missing_bucket_or_an_unreachable_endpoint_is_one_clear_error(s3_endpoint: dict[str, str]) -> None:
    missing = Warehouse.at("s3://no-such-bucket-here/warehouse", s3_endpoint)
    with pytest.raises(TouchstoneError, match=r"cannot lock date 2026-11-22 of the warehouse s3://no-such-bucket-here/warehouse: NoSuchBucket") as raised:
        with date_lock(missing, DAY, "x", timing=NOW):
            pass
    assert "the bucket exists" in (raised.value.hint or "")
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    nowhere = Warehouse.at("s3://bucket/warehouse", {**s3_endpoint, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"})
    with pytest.raises(TouchstoneError, match=rf"cannot lock date 2026-11-22 of the warehouse s3://bucket/warehouse: Could not connect to the endpoint URL"):
        with date_lock(nowhere, DAY, "x", timing=NOW):
            pass


def test_a_date_lock_is_per_date(warehouse: Warehouse) -> None:
    with date_lock(warehouse, DAY, "a"), date_lock(warehouse, date(2026, 11, 23), "b", timing=NOW):
        pass
