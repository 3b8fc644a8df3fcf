"""`mymonit publish stdin|csv|synthetic`: the adapters, publishing with the publish-only account."""

# ruff: noqa: PLC0415  # subcommands import lazily so `mymonit --help` stays fast

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import click

from mymonit.config import Settings
from mymonit.producers.label_options import MAX_SYNTHETIC_SENSORS, label_options, sensor_names

_SHOWN_SKIPPED = 20
SKIPPED_EXIT_CODE = 2


@dataclass(frozen=True)
class PublishOptions:
    experiment: str
    measure: str
    batch: int
    window: int
    sensor: str | None
    tags: dict[str, str]


def _options(function: Callable[..., Any]) -> Callable[..., Any]:
    decorators = [
        click.option("--experiment", required=True, help="Experiment name the measures belong to."),
        click.option("--measure", default="hertz", show_default=True, help="Measure type (a CSV column overrides it)."),
        click.option("--batch", default=1, show_default=True, type=click.IntRange(1, 10_000),
                     help="Measures per message (1: one JSON object per message)."),
        click.option("--window", default=1_000, show_default=True, type=click.IntRange(1, 65_535),
                     help="Messages awaiting their publisher confirm at most."),
    ]
    function = label_options(function)  # listed after the others in --help
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


@click.group()
def publish() -> None:
    """Publish measures to RABBIT_EXCHANGE with ADAPTER_USER (exit 2 when input lines were skipped)."""


@publish.command("stdin")
@_options
@click.pass_obj
def publish_stdin(load_settings: Callable[[], Settings], /, **options: Any) -> None:
    """One number per line from standard input, timestamped when read."""
    from mymonit.producers.sources import stdin_samples

    chosen = PublishOptions(**options)
    _publish(load_settings(), chosen, stdin_samples(sys.stdin, sensor=chosen.sensor, tags=chosen.tags))


@publish.command("csv")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_options
@click.pass_obj
def publish_csv(load_settings: Callable[[], Settings], /, path: Path, **options: Any) -> None:
    """Rows `timestamp,value[,measure]` of a CSV file, or the columns its header names (`sensor`,
    `tag.<key>`: they override the options row by row), with a progress bar."""
    from mymonit.producers.csv_source import csv_samples

    chosen = PublishOptions(**options)
    with path.open("rb") as file:
        _check_header(file.readline())
        file.seek(0)
        total = sum(1 for _ in file)
        file.seek(0)
        samples = csv_samples(_lines(file), sensor=chosen.sensor, tags=chosen.tags)
        _publish(load_settings(), chosen, samples, total=total)


def _check_header(first_line: bytes) -> None:
    from mymonit.producers.csv_source import check_header

    try:
        check_header(first_line)
    except ValueError as error:
        raise click.BadParameter(f"its header: {error}", param_hint="'PATH'") from None


def _lines(file: BinaryIO) -> Iterable[bytes]:
    yield from file


@publish.command("synthetic")
@click.option("--count", default=1_000, show_default=True, type=click.IntRange(0),
              help="Measures to publish (0: until interrupted).")
@click.option("--rate", default=0.0, show_default=True, type=click.FloatRange(0),
              help="Measures per second (0: as fast as possible).")
@click.option("--seed", type=int, default=None, help="Seed of the noise, for repeatable values.")
@click.option("--sensors", type=click.IntRange(1, MAX_SYNTHETIC_SENSORS), default=None, metavar="K",
              help="Spread the measures over K sensors in turn: PREFIX-1 ... PREFIX-K, PREFIX being --sensor "
                   "(default: sensor).")
@_options
@click.pass_obj
def publish_synthetic(load_settings: Callable[[], Settings], /, count: int, rate: float, seed: int | None,
                      sensors: int | None, **options: Any) -> None:
    """A noisy sine wave of COUNT measures, for demos and benchmarks."""
    from mymonit.producers.sources import synthetic_samples

    chosen = PublishOptions(**options)
    names = sensor_names(chosen.sensor, sensors)
    samples = synthetic_samples(count, rate or None, seed=seed, sensors=names, tags=chosen.tags)
    _publish(load_settings(), chosen, samples)


def _publish(settings: Settings, options: PublishOptions, samples: Iterable[Any], total: int | None = None) -> None:
    from mymonit.producers.stream import MeasureStream

    publisher = _publisher(settings, options.window)
    stream = MeasureStream(publisher, options.experiment, options.measure, batch=options.batch)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C: what was read is still confirmed
    try:
        report = _send(stream, publisher, samples, total)
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo(f"published {report.measures} measures in {report.messages} messages "
               f"({publisher.window.resent} resent after broker failures)", err=True)
    if publisher.window.unroutable:
        raise click.ClickException(f"{len(publisher.window.unroutable)} messages were unroutable: no queue is bound "
                                   f"to {settings.RABBIT_EXCHANGE!r} with key {settings.RABBIT_ROUTING!r}")
    _report_skipped(report.skipped)


def _publisher(settings: Settings, window: int) -> Any:
    from mymonit.ingest.broker import adapter_parameters
    from mymonit.producers.publisher import ConfirmedPublisher

    try:
        parameters = adapter_parameters(settings)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    return ConfirmedPublisher(parameters, settings.RABBIT_EXCHANGE, settings.RABBIT_ROUTING, window=window)


def _send(stream: Any, publisher: Any, samples: Iterable[Any], total: int | None) -> Any:
    """Publish every sample and wait for the confirms; a progress bar when the total is known."""
    from tqdm import tqdm  # type: ignore[import-untyped]  # tqdm ships no type hints

    from mymonit.producers.publisher import PublishFailed

    with tqdm(total=total, unit=" lines", disable=total is None, file=sys.stderr) as bar:
        try:
            report = stream.send(samples, bar.update)
            publisher.close()
        except PublishFailed as error:
            raise click.ClickException(str(error)) from error
        except KeyboardInterrupt:
            _interrupted(publisher)
    return report


def _interrupt(_number: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def _interrupted(publisher: Any) -> None:
    """Ctrl-C or SIGTERM: what was read is still confirmed (for up to 30 s) before exiting 130."""
    from mymonit.producers.publisher import PublishFailed

    click.echo("interrupted: waiting for the broker to confirm what was read", err=True)
    try:
        publisher.close(timeout=30)
    except PublishFailed as error:
        click.echo(f"not all messages were confirmed: {error}", err=True)
    click.echo(f"{publisher.window.confirmed} messages confirmed", err=True)
    sys.exit(130)


def _report_skipped(skipped: list[Any]) -> None:
    if not skipped:
        return
    for line in skipped[:_SHOWN_SKIPPED]:
        click.echo(f"line {line.line}: {line.reason}", err=True)
    if len(skipped) > _SHOWN_SKIPPED:
        click.echo(f"... and {len(skipped) - _SHOWN_SKIPPED} more", err=True)
    click.echo(f"{len(skipped)} unreadable lines skipped", err=True)
    sys.exit(SKIPPED_EXIT_CODE)
