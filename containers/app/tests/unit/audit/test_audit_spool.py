"""The process spool: a durable record is in its file when `write` returns; lines are best-effort.

Each test reads the spool file with a connection of its own, as the shipper (another process)
would: what it sees is what a kill -9 of the writer would leave behind.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mymonit.audit import spool as spool_module
from mymonit.audit import spool_file
from mymonit.audit.spool import ProcessSpool


@pytest.fixture
def spool(tmp_path: Path) -> Iterator[ProcessSpool]:
    writer = ProcessSpool(tmp_path / "spool")
    yield writer
    writer.close()


def rows_in(path: Path | None) -> list[tuple[int, str]]:
    """(durable, body) of every row, read by a connection of its own."""
    assert path is not None, "nothing was spooled"
    with sqlite3.connect(path) as reader:
        rows = reader.execute("SELECT durable, body FROM record ORDER BY seq").fetchall()
    reader.close()
    return [(int(durable), str(body)) for durable, body in rows]


def test_a_durable_record_is_committed_to_the_file_when_write_returns(spool: ProcessSpool) -> None:
    spool.write('{"n": 1}', durable=True)

    assert rows_in(spool.path) == [(1, '{"n": 1}')]


def test_a_log_line_waits_for_the_next_commit_and_is_not_waited_for(spool: ProcessSpool) -> None:
    spool.write("line", durable=False)
    spool.write("event", durable=True)

    assert rows_in(spool.path) == [(1, "event"), (0, "line")]


def test_closing_commits_the_log_lines_still_queued(tmp_path: Path) -> None:
    writer = ProcessSpool(tmp_path / "spool")
    writer.write("event", durable=True)
    writer.write("last words", durable=False)

    writer.close()

    assert rows_in(writer.path) == [(1, "event"), (0, "last words")]


def test_beyond_the_bound_the_oldest_log_lines_are_dropped_and_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spool_module, "MAX_PENDING_LINES", 3)
    writer = ProcessSpool(tmp_path / "spool")
    for n in range(5):
        writer.write(f"line {n}", durable=False)

    writer.close()

    assert writer.dropped_lines == 2
    assert rows_in(writer.path) == [(0, "line 2"), (0, "line 3"), (0, "line 4")]


def test_records_queued_during_a_commit_go_together_in_the_next_one(
    spool: ProcessSpool, monkeypatch: pytest.MonkeyPatch
) -> None:
    commits: list[list[str]] = []
    first_commit, release, all_queued = threading.Event(), threading.Event(), threading.Event()
    insert, wait = spool_file.insert, spool._state.wait
    waiting = [0]

    def held_insert(connection: sqlite3.Connection, rows: list[tuple[int, str]]) -> None:
        commits.append([body for _, body in rows])
        if len(commits) == 1:
            first_commit.set()
            release.wait()
        insert(connection, rows)

    def counting_wait(timeout: float | None = None) -> bool:
        waiting[0] += 1  # under the state lock: a writer that queued its record and waits for a commit
        if waiting[0] == 7:
            all_queued.set()
        return wait(timeout)

    monkeypatch.setattr(spool_file, "insert", held_insert)
    monkeypatch.setattr(spool._state, "wait", counting_wait)
    writers = [threading.Thread(target=spool.write, args=(f"event {n}",), kwargs={"durable": True}) for n in range(8)]
    writers[0].start()
    assert first_commit.wait(10)
    for writer in writers[1:]:
        writer.start()
    assert all_queued.wait(10)
    release.set()
    for writer in writers:
        writer.join()

    assert commits[0] == ["event 0"]
    assert sorted(commits[1]) == [f"event {n}" for n in range(1, 8)]
    assert len(commits) == 2
    assert sorted(body for _, body in rows_in(spool.path)) == [f"event {n}" for n in range(8)]


def test_a_failing_commit_keeps_its_records_for_the_next_one(
    spool: ProcessSpool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    insert, failures = spool_file.insert, [3]

    def flaky_insert(connection: sqlite3.Connection, rows: list[tuple[int, str]]) -> None:
        if failures[0]:
            failures[0] -= 1
            raise sqlite3.OperationalError("disk I/O error")
        insert(connection, rows)

    monkeypatch.setattr(spool_file, "insert", flaky_insert)
    monkeypatch.setattr(spool_module, "_RETRY_SECONDS", (0.0, 0.0))
    spool.write("held", durable=True)  # three attempts fail: reported, kept in memory
    spool.write("next", durable=True)

    assert rows_in(spool.path) == [(1, "held"), (1, "next")]
    assert "records not committed after 3 attempts (disk I/O error)" in capsys.readouterr().err


def test_the_sequence_is_never_reused_after_the_shipper_deleted_every_row(spool: ProcessSpool) -> None:
    spool.write("a", durable=True)
    assert spool.path is not None
    with sqlite3.connect(spool.path) as shipper:
        spool_file.delete_through(shipper, 1)
    shipper.close()

    spool.write("b", durable=True)

    with sqlite3.connect(spool.path) as reader:
        assert reader.execute("SELECT seq, body FROM record").fetchall() == [(2, "b")]
    reader.close()


def test_the_lock_is_held_while_the_writer_lives_and_free_once_it_closed(tmp_path: Path) -> None:
    writer = ProcessSpool(tmp_path / "spool")
    writer.write("a", durable=True)
    assert writer.path is not None
    lock = spool_file.lock_path(writer.path)

    held_by_writer = spool_file.hold_lock(lock) is None
    writer.close()
    taken = spool_file.hold_lock(lock)

    assert held_by_writer
    assert taken is not None
    os.close(taken)


def test_a_forked_child_writes_a_file_of_its_own_and_leaves_the_parents_alone(spool: ProcessSpool) -> None:
    spool.write("parent before", durable=True)
    parent_path = spool.path
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its file, and whether the parent's lock is still held
        code = 1
        try:
            spool.write("child", durable=True)
            parent_lock = spool_file.hold_lock(spool_file.lock_path(parent_path))
            os.write(write, f"{spool.path}\n{parent_lock is None}\n".encode())
            spool.close()
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as report:
        child_path, parent_lock_held = report.read().split()
    _, status = os.waitpid(pid, 0)
    spool.write("parent after", durable=True)

    assert os.waitstatus_to_exitcode(status) == 0
    assert Path(child_path) != spool.path
    assert rows_in(Path(child_path)) == [(1, "child")]
    assert rows_in(spool.path) == [(1, "parent before"), (1, "parent after")]
    assert parent_lock_held == "True"


def test_the_lines_of_a_failed_commit_go_back_before_newer_ones_and_the_oldest_are_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spool_module, "MAX_PENDING_LINES", 4)
    monkeypatch.setattr(spool_module, "_RETRY_SECONDS", ())
    writer = ProcessSpool(tmp_path / "spool")
    insert = spool_file.insert

    def failing_once(_connection: sqlite3.Connection, _rows: list[tuple[int, str]]) -> None:
        monkeypatch.setattr(spool_file, "insert", insert)
        for n in range(2):  # written while the failing commit runs
            writer._lines.append(f"new {n}")
        raise sqlite3.OperationalError("disk I/O error")

    for n in range(3):
        writer.write(f"old {n}", durable=False)
    monkeypatch.setattr(spool_file, "insert", failing_once)
    writer.flush()
    writer.close()

    assert writer.dropped_lines == 1
    assert [body for _, body in rows_in(writer.path)] == ["old 1", "old 2", "new 0", "new 1"]
