"""`mymonit dead-letters list|replay`: inspect the dead-letter queue and replay from it."""

# ruff: noqa: PLC0415  # subcommands import lazily so `mymonit --help` stays fast

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import click

from mymonit.config import Settings


@click.group("dead-letters")
def dead_letters() -> None:
    """Inspect the dead-letter queue, and replay messages once their cause is fixed."""


@dead_letters.command("list")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000))
@click.pass_obj
def list_dead_letters(load_settings: Callable[[], Settings], /, limit: int) -> None:
    """Show reason, experiment, measures and age of the first LIMIT dead letters (nothing is consumed)."""
    from mymonit.ingest.dead_letter_admin import browse

    settings = load_settings()
    with _connection(settings) as connection:
        letters = browse(connection.channel(), f"{settings.RABBIT_QUEUE}.dead", limit, time.time())
    click.echo(f"{'age':>8}  {'reason':<20} {'experiment':<24} {'measures':>8}  error")
    for letter in letters:
        age = "?" if letter.age_seconds is None else _age(letter.age_seconds)
        measures = "?" if letter.measures is None else str(letter.measures)
        click.echo(f"{age:>8}  {letter.reason:<20} {letter.experiment:<24} {measures:>8}  {letter.error}")
    counts = Counter(letter.reason for letter in letters)
    click.echo(f"{len(letters)} shown: " + (", ".join(f"{n} {reason}" for reason, n in counts.most_common()) or "none"))


@dead_letters.command("replay")
@click.option("--reason-contains", default="", help="Only dead letters whose reason or error contains this text.")
@click.option("--limit", default=1_000, show_default=True, type=click.IntRange(1))
@click.pass_obj
def replay_dead_letters(load_settings: Callable[[], Settings], /, reason_contains: str, limit: int) -> None:
    """Republish dead letters to RABBIT_EXCHANGE (confirmed), then remove them from the dead-letter queue."""
    from mymonit.ingest.dead_letter_admin import replay
    from mymonit.ingest.topology import Topology

    settings = load_settings()

    def wanted(letter: Any) -> bool:
        return reason_contains in letter.reason or reason_contains in letter.error

    with _connection(settings) as connection:
        replayed, kept = replay(connection, Topology.from_settings(settings), limit, wanted, time.time())
    click.echo(f"replayed {replayed} dead letters; {kept} left in {settings.RABBIT_QUEUE}.dead")


def _connection(settings: Settings) -> Any:
    import contextlib

    import pika
    import pika.exceptions

    from mymonit.ingest.broker import connection_parameters

    try:
        connection = pika.BlockingConnection(connection_parameters(settings))
    except (pika.exceptions.AMQPError, OSError) as error:
        raise click.ClickException(f"cannot reach the broker: {error!r}") from error
    return contextlib.closing(connection)


def _age(seconds: float) -> str:
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}"
    return f"{seconds:.0f}s"
