"""Adapter input: numbers from stdin, CSV rows, a synthetic wave, with their series labels; unreadable lines
are skipped with their numbers."""

from __future__ import annotations

import re

import orjson
import pytest

from mymonit.producers.csv_source import check_header, csv_samples
from mymonit.producers.sources import Sample, Skipped, stdin_samples, synthetic_samples
from mymonit.producers.stream import MeasureStream

SITE = {"site": "geneva"}


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


def test_every_source_puts_the_adapter_labels_on_every_sample() -> None:
    stdin = list(stdin_samples(["1\n"], clock=lambda: 5.0, sensor="probe", tags=SITE))
    rows = list(csv_samples(["5,1\n"], sensor="probe", tags=SITE))
    wave = list(synthetic_samples(1, clock=lambda: 5.0, seed=1, sensors=("probe",), tags=SITE))

    assert stdin == rows == [Sample(5.0, 1.0, None, "probe", SITE)]
    assert [(sample.sensor, sample.tags) for sample in wave] == [("probe", SITE)]


def test_csv_label_columns_override_the_adapter_labels_row_by_row_and_an_empty_cell_keeps_them() -> None:
    lines = ["timestamp,value,sensor,tag.site,tag.rack\n", "1,1,north,,r1\n", "2,2,,cern,\n", "3,3,,,\n"]

    samples = list(csv_samples(lines, sensor="probe", tags={"site": "geneva", "room": "b1"}))

    assert samples == [
        Sample(1.0, 1.0, None, "north", {"site": "geneva", "room": "b1", "rack": "r1"}),
        Sample(2.0, 2.0, None, "probe", {"site": "cern", "room": "b1"}),
        Sample(3.0, 3.0, None, "probe", {"site": "geneva", "room": "b1"}),
    ]


def test_csv_columns_that_are_no_labels_are_the_timestamp_value_and_measure_in_their_order() -> None:
    lines = ["Timestamp,sensor,reading,tag.site,unit\n", "1,north,1.5,lab,newton\n"]

    assert list(csv_samples(lines)) == [Sample(1.0, 1.5, "newton", "north", {"site": "lab"})]


def test_csv_rows_without_labels_have_none_even_under_a_header_with_label_columns() -> None:
    assert list(csv_samples(["timestamp,value,sensor\n", "1,1,\n"])) == [Sample(1.0, 1.0)]


@pytest.mark.parametrize(("row", "reason"), [
    ("1,1," + "x" * 129 + ",a", "a sensor must be a string of 1 to 128 characters, without control characters"),
    ("1,1,a\tb,a", "a sensor must be a string of 1 to 128 characters, without control characters"),
    ("1,1,a,\x7f", "a tag value must be a string of 1 to 128 characters, without control characters"),
    ("1,1,a,a,b", "expected 4 fields (timestamp,value,sensor,tag.k8), got 5"),
    ("1,oops,a,a", "'oops' is not a number"),
])
def test_csv_reports_a_row_with_bad_labels_with_its_number_and_carries_on(row: str, reason: str) -> None:
    seven = {f"k{n}": "v" for n in range(7)}
    lines = ["timestamp,value,sensor,tag.k8\n", "1,1,a,\n", row + "\n", "2,2,a,\n"]

    samples = list(csv_samples(lines, tags=seven))

    assert samples == [Sample(1.0, 1.0, None, "a", seven), Skipped(3, reason), Sample(2.0, 2.0, None, "a", seven)]


def test_csv_skips_a_row_whose_tags_and_the_adapter_tags_are_more_than_eight() -> None:
    eight = {f"k{n}": "v" for n in range(8)}

    samples = list(csv_samples(["timestamp,value,tag.extra\n", "1,1,x\n", "2,2,\n"], tags=eight))

    assert samples == [Skipped(2, "9 tags given; at most 8 are allowed"), Sample(2.0, 2.0, None, None, eight)]


def test_csv_skips_a_row_whose_named_measure_cell_is_empty() -> None:
    samples = list(csv_samples(["timestamp,value,measure,sensor\n", "1,1,,a\n"]))

    assert samples == [Skipped(2, "the measure cell is empty")]


@pytest.mark.parametrize(("header", "reason"), [
    ("timestamp,value,tag.Site", "column 3 'tag.Site': a tag key must match ^[a-z][a-z0-9_]{0,31}$"),
    ("timestamp,value,sensor,Sensor", "column 4 'Sensor' is there twice"),
    ("timestamp,value,tag.a,tag.a", "column 4 'tag.a' is there twice"),
    ("timestamp,sensor", "the header names no value column (the second column that is no label)"),
    ("timestamp,value,measure,sensr,sensor", "column 4 'sensr' is none of timestamp, value, measure, sensor,"),
])
def test_a_csv_header_the_replay_cannot_follow_is_refused_before_any_row(header: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        check_header(header.encode() + b"\n")
    with pytest.raises(ValueError, match=re.escape(reason)):
        list(csv_samples([header + "\n", "1,1,a,b,c\n"]))


@pytest.mark.parametrize("first_line", [b"timestamp,value,anything\n", b"1,1,a,b,c\n", b"\xff\n", b"\n"])
def test_a_first_line_that_is_no_labelled_header_is_left_to_the_rows(first_line: bytes) -> None:
    check_header(first_line)


def test_synthetic_measures_take_the_sensors_in_turn_whatever_the_run() -> None:
    samples = list(synthetic_samples(5, clock=lambda: 0.0, seed=1, sensors=("a", "b", "c")))

    assert [sample.sensor for sample in samples] == ["a", "b", "c", "a", "b"]
    assert {sample.sensor for sample in synthetic_samples(3, clock=lambda: 0.0)} == {None}


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


def test_the_stream_adds_sensor_and_tags_only_to_the_measures_that_have_them() -> None:
    publisher = RecordingPublisher()
    samples = [Sample(1.0, 1.0, None, "north", SITE), Sample(2.0, 2.0), Sample(3.0, 3.0, None, "south")]

    MeasureStream(publisher, "e", "hertz", batch=3, run_id="r").send(samples)

    assert orjson.loads(publisher.messages[0][0]) == [
        {"experiment": "e", "measure": "hertz", "value": 1.0, "timestamp": 1.0, "id": "r-1", "sensor": "north",
         "tags": {"site": "geneva"}},
        {"experiment": "e", "measure": "hertz", "value": 2.0, "timestamp": 2.0, "id": "r-2"},
        {"experiment": "e", "measure": "hertz", "value": 3.0, "timestamp": 3.0, "id": "r-3", "sensor": "south"},
    ]


def test_a_measure_without_labels_is_published_byte_for_byte_as_before_series_existed() -> None:
    publisher = RecordingPublisher()

    MeasureStream(publisher, "e", "hertz", run_id="r").send([Sample(1.5, 2.0), Sample(1.5, 2.0, None, None, {})])

    assert [body for body, _id in publisher.messages] == [
        b'{"experiment":"e","measure":"hertz","value":2.0,"timestamp":1.5,"id":"r-1"}',
        b'{"experiment":"e","measure":"hertz","value":2.0,"timestamp":1.5,"id":"r-2"}',
    ]
