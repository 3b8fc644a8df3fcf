"""Adapter input: numbers from stdin, CSV rows, a synthetic wave; unreadable lines are skipped with their numbers."""

from __future__ import annotations

import orjson
import pytest

from mymonit.producers.sources import Sample, Skipped, csv_samples, stdin_samples, synthetic_samples
from mymonit.producers.stream import MeasureStream


def test_stdin_reads_one_number_per_line_timestamped_when_read_and_reports_the_rest() -> None:
    lines = ["100\n", "95.5\n", "\n", "abc\n", "nan\n", "-3e2\n"]

    samples = list(stdin_samples(lines, clock=lambda: 1_700_000_000.0))

    assert samples == [
        Sample(1_700_000_000.0, 100.0), Sample(1_700_000_000.0, 95.5),
        Skipped(4, "'abc' is not a number"), Skipped(5, "'nan' is not a finite number"),
        Sample(1_700_000_000.0, -300.0),
    ]


def test_csv_reads_seconds_or_iso_times_and_an_optional_measure_column() -> None:
    lines = ["timestamp,value,measure\n", "1649228400.25,101.5\n", "2022-04-06T07:00:01Z, 99 ,newton\n"]

    assert list(csv_samples(lines)) == [
        Sample(1649228400.25, 101.5), Sample("2022-04-06T07:00:01+00:00", 99.0, "newton"),
    ]


@pytest.mark.parametrize(("line", "reason"), [
    (b"1649228400\n", "expected timestamp,value[,measure], got 1 fields"),
    (b"1,2,3,4\n", "expected timestamp,value[,measure], got 4 fields"),
    (b"yesterday,1\n", "'yesterday' is neither Unix seconds nor ISO-8601"),
    (b"2022-04-06T07:00:00,1\n", "'2022-04-06T07:00:00' needs an offset (Z or \u00b1hh:mm)"),
    (b"1649228400,inf\n", "'inf' is not a finite number"),
    (b"1649228400,\xff\n", "the line is not valid UTF-8"),
])
def test_csv_reports_an_unreadable_line_with_its_number_and_carries_on(line: bytes, reason: str) -> None:
    samples = list(csv_samples([b"1649228400,1\n", line, b"1649228401,2\n"]))

    assert samples == [Sample(1649228400.0, 1.0), Skipped(2, reason), Sample(1649228401.0, 2.0)]


def test_synthetic_makes_count_measures_paced_at_the_rate() -> None:
    now = [0.0]
    pauses: list[float] = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        now[0] += seconds

    samples = list(synthetic_samples(5, rate=10.0, clock=lambda: now[0], pause=pause, seed=1))

    assert len(samples) == 5
    assert sum(pauses) == pytest.approx(0.4)


class RecordingPublisher:
    def __init__(self) -> None:
        self.messages: list[tuple[bytes, str]] = []

    def publish(self, body: bytes, message_id: str) -> None:
        self.messages.append((body, message_id))


def test_the_stream_gives_every_measure_a_unique_id_and_groups_them_in_arrays() -> None:
    publisher = RecordingPublisher()
    samples = [Sample(1.0, float(i)) for i in range(5)] + [Skipped(9, "bad")]

    report = MeasureStream(publisher, "device-vibrations", "hertz", batch=2, run_id="run").send(samples)

    documents = [orjson.loads(body) for body, _id in publisher.messages]
    assert [len(d) for d in documents] == [2, 2, 1]
    assert [m["id"] for d in documents for m in d] == [f"run-{i}" for i in range(1, 6)]
    assert [message_id for _body, message_id in publisher.messages] == ["run-1", "run-3", "run-5"]
    assert (report.measures, report.messages, report.skipped) == (5, 3, [Skipped(9, "bad")])


def test_the_stream_sends_bare_objects_one_per_message_by_default() -> None:
    publisher = RecordingPublisher()

    MeasureStream(publisher, "e", "hertz", run_id="r").send([Sample("2022-04-06T07:00:00+00:00", 1.0, "newton")])

    assert orjson.loads(publisher.messages[0][0]) == {
        "experiment": "e", "measure": "newton", "value": 1.0, "timestamp": "2022-04-06T07:00:00+00:00", "id": "r-1",
    }
