"""`mymonit publish ... --sensor --tag` and `synthetic --sensors`: labels on every measure, bad ones refused
as usage errors before the settings are loaded or anything connects (the publisher is a recording fake)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result

from mymonit.producers import publish_commands
from mymonit.producers.confirms import ConfirmWindow

Invoke = Callable[..., Result]


class RecordingPublisher:
    """Stands for ConfirmedPublisher: keeps the bodies, confirms everything at once."""

    def __init__(self) -> None:
        self.window = ConfirmWindow()
        self.bodies: list[bytes] = []

    def publish(self, body: bytes, message_id: str) -> None:
        assert message_id
        self.bodies.append(body)

    def close(self, timeout: float | None = None) -> None:
        assert timeout is None


@pytest.fixture
def publisher(monkeypatch: pytest.MonkeyPatch) -> RecordingPublisher:
    recording = RecordingPublisher()
    monkeypatch.setattr(publish_commands, "_publisher", lambda _settings, _window: recording)
    return recording


@pytest.fixture
def mymonit_publish() -> Invoke:
    """Run `mymonit publish ARGS...`; the settings are a stand-in, since the fake publisher needs none."""
    def invoke(*args: str, stdin: str | None = None, settings: Callable[[], Any] = object) -> Result:
        return CliRunner().invoke(publish_commands.publish, list(args), input=stdin, obj=settings)

    return invoke


def measures(publisher: RecordingPublisher) -> list[dict[str, Any]]:
    """Every measure published, arrays flattened."""
    documents = [orjson.loads(body) for body in publisher.bodies]
    return [measure for document in documents for measure in (document if isinstance(document, list) else [document])]


def never_loaded() -> Any:
    raise AssertionError("the settings were loaded: the command went on after a bad option")


def test_the_sensor_and_tag_options_label_every_measure_of_a_command(
        publisher: RecordingPublisher, mymonit_publish: Invoke) -> None:
    result = mymonit_publish("stdin", "--experiment", "e", "--sensor", "probe-1", "--tag", "site=geneva",
                             "--tag", "formula=a=b", stdin="1\n2\n")

    assert result.exit_code == 0, result.output
    assert [(m["sensor"], m["tags"]) for m in measures(publisher)] == [
        ("probe-1", {"site": "geneva", "formula": "a=b"})] * 2


def test_without_label_options_a_measure_has_no_sensor_and_no_tags_field(
        publisher: RecordingPublisher, mymonit_publish: Invoke) -> None:
    result = mymonit_publish("stdin", "--experiment", "e", stdin="1\n")

    assert result.exit_code == 0, result.output
    assert list(measures(publisher)[0]) == ["experiment", "measure", "value", "timestamp", "id"]


@pytest.mark.parametrize(("options", "named", "reason"), [
    (["--sensor", ""], "'--sensor'", "a sensor must be a string of 1 to 128 characters"),
    (["--sensor", "a\tb"], "'--sensor'", "without control characters"),
    (["--sensor", "x" * 129], "'--sensor'", "1 to 128 characters"),
    (["--tag", "site"], "'--tag'", "'site' is not KEY=VALUE"),
    (["--tag", "Site=geneva"], "'--tag'", "a tag key must match ^[a-z][a-z0-9_]{0,31}$"),
    (["--tag", "site="], "'--tag'", "a tag value must be a string of 1 to 128 characters"),
    (["--tag", "site=a", "--tag", "site=b"], "'--tag'", "the tag 'site' is given twice"),
    ([arg for n in range(9) for arg in ("--tag", f"k{n}=v")], "'--tag'", "9 tags given; at most 8 are allowed"),
])
@pytest.mark.parametrize("command", [["stdin"], ["synthetic", "--count", "1"], ["csv", "readings.csv"]])
def test_a_bad_label_option_is_a_usage_error_naming_it_before_anything_is_loaded(
        mymonit_publish: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        command: list[str], options: list[str], named: str, reason: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path("readings.csv").write_text("1,1\n")

    result = mymonit_publish(*command, "--experiment", "e", *options, settings=never_loaded)

    assert result.exit_code == 2
    assert f"Invalid value for {named}" in result.output
    assert reason in result.output


def test_a_csv_whose_header_cannot_be_followed_is_a_usage_error_before_anything_is_loaded(
        mymonit_publish: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    path.write_text("timestamp,value,tag.Site\n1,1,a\n")

    result = mymonit_publish("csv", str(path), "--experiment", "e", settings=never_loaded)

    assert result.exit_code == 2
    assert "Invalid value for 'PATH': its header: column 3 'tag.Site'" in result.output


def test_a_csv_publishes_its_label_columns_over_the_options(
        publisher: RecordingPublisher, mymonit_publish: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    path.write_text("timestamp,value,sensor\n1,1,north\n2,2,\n3,3," + "x" * 129 + "\n")

    result = mymonit_publish("csv", str(path), "--experiment", "e", "--sensor", "probe", "--tag", "site=lab")

    assert result.exit_code == 2
    assert "line 4: a sensor must be a string of 1 to 128 characters" in result.output
    assert [(m["sensor"], m["tags"]) for m in measures(publisher)] == [("north", {"site": "lab"}),
                                                                       ("probe", {"site": "lab"})]


@pytest.mark.parametrize(("options", "sensors"), [
    ([], [None] * 4),
    (["--sensor", "rack"], ["rack"] * 4),
    (["--sensors", "3"], ["sensor-1", "sensor-2", "sensor-3", "sensor-1"]),
    (["--sensors", "3", "--sensor", "rack"], ["rack-1", "rack-2", "rack-3", "rack-1"]),
])
def test_synthetic_measures_are_spread_over_the_sensors_in_turn_even_across_arrays(
        publisher: RecordingPublisher, mymonit_publish: Invoke, options: list[str], sensors: list[str | None]) -> None:
    result = mymonit_publish("synthetic", "--experiment", "e", "--count", "4", "--batch", "3", *options)

    assert result.exit_code == 0, result.output
    assert [m.get("sensor") for m in measures(publisher)] == sensors
    assert len(publisher.bodies) == 2


@pytest.mark.parametrize(("options", "named"), [
    (["--sensors", "0"], "'--sensors'"),
    (["--sensors", "10001"], "'--sensors'"),
    (["--sensors", "10", "--sensor", "x" * 126], "'--sensor' with '--sensors'"),
])
def test_synthetic_refuses_a_spread_whose_sensors_could_not_be_stored(
        mymonit_publish: Invoke, options: list[str], named: str) -> None:
    result = mymonit_publish("synthetic", "--experiment", "e", *options, settings=never_loaded)

    assert result.exit_code == 2
    assert f"Invalid value for {named}" in result.output
