"""The process spool: a record is in the lane's file when `write` returns, whole or not at all.

Each test reads the files as the shipper (another process) would: what it sees is what a kill -9
of the writer would leave behind.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mymonit.audit import spool as spool_module
from mymonit.audit import spool_file
from mymonit.audit.spool import ProcessSpool, Sync


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    return tmp_path / "spool"


@pytest.fixture
def spool(directory: Path) -> Iterator[ProcessSpool]:
    writer = ProcessSpool(directory)
    yield writer
    writer.close()


def lines_of(directory: Path, lane: str | None) -> list[bytes]:
    """Every line of the lane, segment after segment, as a reader finds them."""
    assert lane is not None, "nothing was spooled"
    data = b"".join(spool_file.segment_path(directory, lane, n).read_bytes()
                    for n in spool_file.lanes(directory)[lane])
    return data.split(b"\n")[:-1] if data.endswith(b"\n") else [*data.split(b"\n")[:-1], b"<torn>"]


def test_a_record_is_in_the_lane_file_when_write_returns(spool: ProcessSpool, directory: Path) -> None:
    spool.write(b'{"n": 1}', durable=True)
    spool.write(b'{"n": 2}', durable=False)

    assert lines_of(directory, spool.lane) == [b'{"n": 1}', b'{"n": 2}']


def test_the_lock_is_created_before_the_first_segment_and_held_while_the_writer_lives(directory: Path) -> None:
    writer = ProcessSpool(directory)
    writer.write(b"{}", durable=True)
    assert writer.lane is not None
    lock = spool_file.lock_path(directory, writer.lane)

    held_by_writer = spool_file.hold_lock(lock) is None
    writer.close()
    taken = spool_file.hold_lock(lock)

    assert held_by_writer
    assert taken is not None
    os.close(taken)


def test_the_lane_moves_to_a_new_segment_once_one_is_full(directory: Path) -> None:
    writer = ProcessSpool(directory, segment_bytes=30)
    for n in range(5):
        writer.write(json.dumps({"seq": n, "pad": "x" * 5}).encode(), durable=True)
    writer.close()

    assert writer.lane is not None
    assert len(spool_file.lanes(directory)[writer.lane]) == 5  # 25 bytes a line: one per segment
    assert [json.loads(line)["seq"] for line in lines_of(directory, writer.lane)] == list(range(5))


def test_concurrent_writers_never_interleave_their_lines(spool: ProcessSpool, directory: Path) -> None:
    def write_many(thread: int) -> None:
        for n in range(500):
            spool.write(json.dumps({"thread": thread, "n": n, "pad": "y" * thread * 100}).encode(), durable=True)

    threads = [threading.Thread(target=write_many, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    documents = [json.loads(line) for line in lines_of(directory, spool.lane)]
    assert len(documents) == 4000
    for t in range(8):
        assert [d["n"] for d in documents if d["thread"] == t] == list(range(500))


def test_a_write_that_fails_leaves_no_torn_line_and_the_event_is_held_for_the_next(
    spool: ProcessSpool, directory: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spool.write(b'{"n": 0}', durable=True)
    real_write, calls = os.write, [0]

    def disk_fills_mid_line(fd: int, data: bytes | memoryview) -> int:
        calls[0] += 1
        if calls[0] == 1:
            return real_write(fd, bytes(data[:3]))  # a part of the line, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(spool_module.spool_file.os, "write", disk_fills_mid_line)
    spool.write(b'{"n": 1}', durable=True)
    spool.write(b'{"line": "dropped"}', durable=False)
    monkeypatch.setattr(spool_module.spool_file.os, "write", real_write)
    spool.write(b'{"n": 2}', durable=True)

    assert lines_of(directory, spool.lane) == [b'{"n": 0}', b'{"n": 1}', b'{"n": 2}']
    assert spool.dropped_lines == 1
    assert "No space left on device" in capsys.readouterr().err


def test_with_power_sync_a_durable_record_is_fdatasynced_before_write_returns(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real = os.fdatasync
    monkeypatch.setattr(spool_module.os, "fdatasync", lambda fd: synced.append(fd) or real(fd))
    writer = ProcessSpool(directory, Sync.POWER)

    writer.write(b"{}", durable=True)
    after_event = len(synced)
    writer.write(b"{}", durable=False)
    writer.close()

    assert (after_event, len(synced)) == (1, 1)  # a log line is not synced


def test_power_syncs_are_shared_by_writers_who_wrote_before_the_sync_started(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = ProcessSpool(directory, Sync.POWER)
    first_sync, release, all_waiting = threading.Event(), threading.Event(), threading.Event()
    syncs, waiting, wait = [0], [0], writer._synced.wait
    real = os.fdatasync

    def held_sync(fd: int) -> None:
        syncs[0] += 1
        if syncs[0] == 1:
            first_sync.set()
            release.wait()
        real(fd)

    def counting_wait(timeout: float | None = None) -> bool:
        waiting[0] += 1  # under the condition's lock: a writer whose line is written, waiting for a sync
        if waiting[0] == 7:
            all_waiting.set()
        return wait(timeout)

    monkeypatch.setattr(spool_module.os, "fdatasync", held_sync)
    monkeypatch.setattr(writer._synced, "wait", counting_wait)
    writers = [threading.Thread(target=writer.write, args=(b"{}",), kwargs={"durable": True}) for _ in range(8)]
    writers[0].start()
    assert first_sync.wait(10)
    for thread in writers[1:]:
        thread.start()
    assert all_waiting.wait(10)
    release.set()
    for thread in writers:
        thread.join()
    writer.close()

    assert syncs[0] == 2  # the first writer's, then one for the seven that wrote meanwhile


def test_a_forked_child_writes_a_lane_of_its_own_and_leaves_the_parents_alone(
    spool: ProcessSpool, directory: Path
) -> None:
    spool.write(b"parent before", durable=True)
    parent_lane = spool.lane
    assert parent_lane is not None
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its lane, and whether the parent's lock is still held
        code = 1
        try:
            spool.write(b"child", durable=True)
            parent_lock = spool_file.hold_lock(spool_file.lock_path(directory, parent_lane))
            os.write(write, f"{spool.lane}\n{parent_lock is None}\n".encode())
            spool.close()
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as report:
        child_lane, parent_lock_held = report.read().split()
    _, status = os.waitpid(pid, 0)
    spool.write(b"parent after", durable=True)

    assert os.waitstatus_to_exitcode(status) == 0
    assert child_lane != parent_lane
    assert lines_of(directory, child_lane) == [b"child"]
    assert lines_of(directory, parent_lane) == [b"parent before", b"parent after"]
    assert parent_lock_held == "True"


def test_a_lock_file_appears_under_its_name_only_once_it_is_held(directory: Path) -> None:
    directory.mkdir()
    seen: list[bool] = []
    real_rename = Path.rename

    def watching_rename(self: Path, target: Path) -> Path:
        seen.append(Path(target).exists())  # a shipper listing now must not find the lane's lock
        return real_rename(self, target)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "rename", watching_rename)
        fd = spool_file.create_lock(spool_file.lock_path(directory, "lane"))

    assert seen == [False]
    assert spool_file.hold_lock(spool_file.lock_path(directory, "lane")) is None
    assert sorted(p.name for p in directory.iterdir()) == ["lane.lock"]
    os.close(fd)
