"""The shipper: batches in lane order, moves on only past what the sink acknowledged, removes the dead's lanes.

Real lanes written by `ProcessSpool`, shipped to `RecordingSink`, a fake of the `Sink` port
(tests/unit/audit/test_audit_sinks.py holds the real sinks to the same contract).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from mymonit.audit import spool_file
from mymonit.audit.shipper import BACKOFF_SECONDS, Shipper
from mymonit.audit.sinks import SinkUnavailable
from mymonit.audit.spool import ProcessSpool
from mymonit.audit.spool_file import backlog


class RecordingSink:
    """Keeps every batch it acknowledged (as text); refuses the next `refuse` batches."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.refused = 0
        self.refuse = 0
        self.closed = False

    def send(self, bodies: Sequence[bytes]) -> None:
        if self.refuse:
            self.refuse -= 1
            self.refused += 1
            raise SinkUnavailable("refused on purpose")
        self.batches.append([body.decode() for body in bodies])

    def close(self) -> None:
        self.closed = True

    def received(self) -> list[str]:
        return [body for batch in self.batches for body in batch]


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    return tmp_path / "spool"


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
def writers() -> Iterator[list[ProcessSpool]]:
    opened: list[ProcessSpool] = []
    yield opened
    for writer in opened:
        writer.close()


def spooled(directory: Path, writers: list[ProcessSpool], bodies: Sequence[str]) -> ProcessSpool:
    writer = ProcessSpool(directory)
    writers.append(writer)
    for body in bodies:
        writer.write(body.encode(), durable=True)
    return writer


def remaining(directory: Path, writer: ProcessSpool) -> int:
    """Bytes of the writer's lane not yet shipped."""
    assert writer.lane is not None
    segments = spool_file.lanes(directory)[writer.lane]
    position = spool_file.read_shipped(directory, writer.lane, segments[0])
    return sum(spool_file.segment_path(directory, writer.lane, n).stat().st_size for n in segments) - position.offset


def test_ships_the_oldest_rows_first_one_batch_per_file_per_pass(
    directory: Path, sink: RecordingSink, writers: list[ProcessSpool]
) -> None:
    writer = spooled(directory, writers, [f"e{n}" for n in range(5)])
    shipper = Shipper(directory, sink, batch_rows=2)

    passes = [shipper.ship_pass() for _ in range(4)]

    assert passes == [2, 2, 1, 0]
    assert sink.batches == [["e0", "e1"], ["e2", "e3"], ["e4"]]
    assert remaining(directory, writer) == 0


def test_a_refused_batch_deletes_nothing_and_goes_again_whole(
    directory: Path, sink: RecordingSink, writers: list[ProcessSpool]
) -> None:
    writer = spooled(directory, writers, ["e0", "e1", "e2"])
    shipper = Shipper(directory, sink, batch_rows=2)
    sink.refuse = 1

    with pytest.raises(SinkUnavailable):
        shipper.ship_pass()
    kept = remaining(directory, writer)
    shipper.ship_pass()
    shipper.ship_pass()

    assert kept == len(b"e0\ne1\ne2\n")
    assert sink.batches == [["e0", "e1"], ["e2"]]


def test_a_batch_ends_before_the_byte_limit_but_always_holds_a_row(
    directory: Path, sink: RecordingSink, writers: list[ProcessSpool]
) -> None:
    spooled(directory, writers, ["x" * 60, "y" * 60, "z" * 200])
    shipper = Shipper(directory, sink, batch_bytes=150)

    while shipper.ship_pass():
        pass

    assert [len(batch) for batch in sink.batches] == [2, 1]


def test_the_file_of_a_writer_that_ended_is_drained_then_removed_and_a_live_one_kept(
    directory: Path, sink: RecordingSink, writers: list[ProcessSpool]
) -> None:
    ended = spooled(directory, writers, ["from the ended one"])
    ended.close()
    live = spooled(directory, writers, ["from the live one"])
    shipper = Shipper(directory, sink)

    shipper.ship_pass()
    shipper.ship_pass()

    assert sorted(sink.received()) == ["from the ended one", "from the live one"]
    assert ended.lane is not None
    assert live.lane is not None
    assert [p.name for p in directory.iterdir() if p.name.startswith(ended.lane)] == []
    assert live.lane in spool_file.lanes(directory)
    assert shipper.stats.removed == 1


def test_a_live_writer_keeps_appending_to_a_file_the_shipper_drains(
    directory: Path, sink: RecordingSink, writers: list[ProcessSpool]
) -> None:
    writer = spooled(directory, writers, ["e0"])
    shipper = Shipper(directory, sink)
    shipper.ship_pass()

    writer.write(b"e1", durable=True)
    shipper.ship_pass()

    assert sink.batches == [["e0"], ["e1"]]


def test_run_backs_off_while_the_sink_refuses_and_resumes_when_it_takes_again(
    directory: Path, sink: RecordingSink, writers: list[ProcessSpool]
) -> None:
    spooled(directory, writers, ["e0"])
    sink.refuse = 2
    stop = threading.Event()
    waits: list[float] = []

    class Watching(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            waits.append(timeout or 0.0)
            if sink.batches:
                stop.set()
            return stop.is_set()

        def is_set(self) -> bool:
            return stop.is_set()

    shipper = Shipper(directory, sink, jitter=lambda: 1.0)
    shipper.run(Watching())

    assert sink.received() == ["e0"]
    assert waits[:2] == [BACKOFF_SECONDS[0], 2 * BACKOFF_SECONDS[0]]
    assert sink.closed


def test_the_backoff_doubles_up_to_its_ceiling(directory: Path, sink: RecordingSink) -> None:
    shipper = Shipper(directory, sink, jitter=lambda: 1.0)
    first, longest = BACKOFF_SECONDS

    assert [shipper._backoff(n) for n in (1, 2, 3)] == [first, 2 * first, 4 * first]
    assert shipper._backoff(40) == longest


def test_a_second_shipper_on_the_same_directory_waits_for_the_first(
    directory: Path, writers: list[ProcessSpool]
) -> None:
    spooled(directory, writers, ["e0"])
    sending, release = threading.Event(), threading.Event()

    class HoldingSink(RecordingSink):
        def send(self, bodies: Sequence[bytes]) -> None:
            sending.set()
            release.wait()
            super().send(bodies)

    first_stop, second_stop = threading.Event(), threading.Event()
    first = threading.Thread(target=Shipper(directory, HoldingSink()).run, args=(first_stop,))
    first.start()
    assert sending.wait(10)  # the first shipper holds the directory and is sending
    taken = spool_file.hold_lock(directory / spool_file.SHIPPER_LOCK)
    second_stop.set()
    second = RecordingSink()
    Shipper(directory, second).run(second_stop)  # returns: it never got the directory
    release.set()
    first_stop.set()
    first.join()

    assert taken is None
    assert second.batches == []


def test_asked_to_stop_it_still_ships_what_is_waiting_before_it_returns(
    directory: Path, sink: RecordingSink, writers: list[ProcessSpool]
) -> None:
    spooled(directory, writers, [f"e{n}" for n in range(5)])
    stop = threading.Event()
    stop.set()  # SIGTERM came before the first pass: the processes wrote these as they stopped

    Shipper(directory, sink, batch_rows=2).run(stop)

    assert sink.received() == [f"e{n}" for n in range(5)]


def test_a_segment_the_writer_moved_on_from_is_deleted_once_shipped(
    directory: Path, sink: RecordingSink, writers: list[ProcessSpool]
) -> None:
    writer = ProcessSpool(directory, segment_bytes=8)
    writers.append(writer)
    for n in range(4):
        writer.write(f"event {n}".encode(), durable=True)  # 8 bytes a line: one segment each
    shipper = Shipper(directory, sink)

    while shipper.ship_pass() or shipper.more:
        pass

    assert writer.lane is not None
    assert sink.received() == [f"event {n}" for n in range(4)]
    assert spool_file.lanes(directory)[writer.lane] == [3]  # the one still being written


def test_a_new_shipper_starts_where_the_last_one_was_acknowledged(
    directory: Path, writers: list[ProcessSpool]
) -> None:
    spooled(directory, writers, ["e0", "e1", "e2"])
    first = RecordingSink()
    Shipper(directory, first, batch_rows=2).ship_pass()
    second = RecordingSink()

    Shipper(directory, second).ship_pass()

    assert (first.received(), second.received()) == (["e0", "e1"], ["e2"])


def test_the_unfinished_last_line_of_a_writer_that_died_is_dropped_with_a_warning(
    directory: Path, sink: RecordingSink, caplog: pytest.LogCaptureFixture
) -> None:
    writer = ProcessSpool(directory)
    writer.write(b"done", durable=True)
    assert writer.path is not None
    with writer.path.open("ab") as segment:
        segment.write(b'{"half": ')  # what a kill -9 inside write(2) could leave
    writer.close()
    shipper = Shipper(directory, sink)

    shipper.ship_pass()
    shipper.ship_pass()

    assert sink.received() == ["done"]
    assert shipper.stats.torn == 1
    assert "unfinished last line" in caplog.text
    assert list(directory.iterdir()) == []


def test_the_backlog_counts_the_bytes_not_yet_shipped(directory: Path, writers: list[ProcessSpool]) -> None:
    spooled(directory, writers, ["e0", "e1"])
    before = backlog(directory)
    Shipper(directory, RecordingSink(), batch_rows=1).ship_pass()

    assert (before, backlog(directory)) == ((1, 6), (1, 3))
