"""The shipper: batches in spool order, deletes only what the sink acknowledged, removes the dead's files.

Real spool files written by `ProcessSpool`, shipped to `RecordingSink`, a fake of the `Sink` port
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


class RecordingSink:
    """Keeps every batch it acknowledged; refuses the next `refuse` batches."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.refused = 0
        self.refuse = 0
        self.closed = False

    def send(self, bodies: Sequence[str]) -> None:
        if self.refuse:
            self.refuse -= 1
            self.refused += 1
            raise SinkUnavailable("refused on purpose")
        self.batches.append(list(bodies))

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
        writer.write(body, durable=True)
    return writer


def remaining(writer: ProcessSpool) -> int:
    assert writer.path is not None
    with spool_file.connect(writer.path, create=False) as reader:
        rows = spool_file.count(reader)
    reader.close()
    return rows


def test_ships_the_oldest_rows_first_one_batch_per_file_per_pass(
    directory: Path, sink: RecordingSink, writers: list[ProcessSpool]
) -> None:
    writer = spooled(directory, writers, [f"e{n}" for n in range(5)])
    shipper = Shipper(directory, sink, batch_rows=2)

    passes = [shipper.ship_pass() for _ in range(4)]

    assert passes == [2, 2, 1, 0]
    assert sink.batches == [["e0", "e1"], ["e2", "e3"], ["e4"]]
    assert remaining(writer) == 0


def test_a_refused_batch_deletes_nothing_and_goes_again_whole(
    directory: Path, sink: RecordingSink, writers: list[ProcessSpool]
) -> None:
    writer = spooled(directory, writers, ["e0", "e1", "e2"])
    shipper = Shipper(directory, sink, batch_rows=2)
    sink.refuse = 1

    with pytest.raises(SinkUnavailable):
        shipper.ship_pass()
    kept = remaining(writer)
    shipper.ship_pass()
    shipper.ship_pass()

    assert kept == 3
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
    assert ended.path is not None
    assert live.path is not None
    assert [p.name for p in directory.iterdir() if p.name.startswith(ended.path.stem)] == []
    assert live.path.exists()
    assert shipper.stats.removed == 1


def test_a_live_writer_keeps_appending_to_a_file_the_shipper_drains(
    directory: Path, sink: RecordingSink, writers: list[ProcessSpool]
) -> None:
    writer = spooled(directory, writers, ["e0"])
    shipper = Shipper(directory, sink)
    shipper.ship_pass()

    writer.write("e1", durable=True)
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
        def send(self, bodies: Sequence[str]) -> None:
            sending.set()
            release.wait()
            super().send(bodies)

    first_stop, second_stop = threading.Event(), threading.Event()
    first = threading.Thread(target=Shipper(directory, HoldingSink()).run, args=(first_stop,))
    first.start()
    assert sending.wait(10)  # the first shipper holds the directory and is sending
    taken = spool_file.hold_lock(directory / "shipper.lock")
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
