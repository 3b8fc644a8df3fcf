"""The `mymonit` command."""

from __future__ import annotations

import os
import signal
import subprocess  # nosec B404 (runs our own command)
import sys
import tempfile
import threading
from typing import TYPE_CHECKING

import click

from mymonit.admin_commands import auth, db
from mymonit.cli_support import checked, configured_settings, process, stopped_by_signals
from mymonit.config import Settings
from mymonit.ingest.dead_letter_commands import dead_letters
from mymonit.producers.publish_commands import publish

if TYPE_CHECKING:
    from mymonit.ingest.listener import RabbitListener


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """MyMONIT: measures of scientific experiments, for the scientists associated with them."""
    ctx.obj = configured_settings  # the command groups of other modules load the settings through it


main.add_command(publish)
main.add_command(dead_letters)
main.add_command(db)
main.add_command(auth)


@main.command()
def serve() -> None:
    """Serve the REST API under granian on REST_HOST:REST_PORT."""
    from mymonit.server import serve as run

    run(configured_settings())


@main.command()
def consume() -> None:
    """Consume RABBIT_QUEUE into the database until SIGTERM/SIGINT (then flush, ack and exit)."""
    from mymonit.ingest.consumer_metrics import serve_metrics
    from mymonit.ingest.errors import BrokerMisconfigured
    from mymonit.ingest.lifecycle import StopFlag

    stop = StopFlag()
    container = process()
    checked(container.ingest_settings)
    listener: RabbitListener = container.rabbit_listener(stop=stop)
    stop.install()
    ingest = listener.parts.settings
    serve_metrics(ingest.CONSUMER_METRICS_HOST, ingest.CONSUMER_METRICS_PORT)
    try:
        listener.run()
    except BrokerMisconfigured as error:
        raise click.ClickException(str(error)) from error


@main.command()
def run() -> None:
    """The REST API and one consumer, as the original did; the consumer is `mymonit consume` in a child process.

    Not a thread beside the API: granian forks its workers from this process, and a fork next to a
    thread inside a native library (a TLS handshake, the database driver) hands the worker that
    library's lock held for good, so its first request hung. The consumer's figures join the API's
    on /metrics through the shared multiprocess directory; it exits on the SIGTERM/SIGINT that stop
    the API, and if it ends on its own the API stops too.
    """
    # prometheus_client picks multiprocess mode when first imported, in the workers and the consumer
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="mymonit-metrics-"))
    from mymonit.server import serve as serve_api

    settings = configured_settings()
    consumer = subprocess.Popen([sys.executable, "-m", "mymonit.cli", "consume"],  # nosec B603 (our own command)
                                env={**os.environ, "CONSUMER_METRICS_PORT": "0"})
    api_stopping = threading.Event()
    threading.Thread(target=_stop_api_when_consumer_ends, args=(consumer, api_stopping),
                     name="mymonit-consumer-watch", daemon=True).start()
    try:
        serve_api(settings)
    finally:
        api_stopping.set()
        if consumer.poll() is None:
            consumer.send_signal(signal.SIGTERM)
        status = consumer.wait(timeout=_CONSUMER_STOP_SECONDS)
    if status != 0:
        raise click.ClickException(f"the consumer exited with status {status}")


_CONSUMER_STOP_SECONDS = 60  # it flushes, commits and acks its open batch


def _stop_api_when_consumer_ends(consumer: subprocess.Popen[bytes], api_stopping: threading.Event) -> None:
    consumer.wait()
    if not api_stopping.is_set():
        os.kill(os.getpid(), signal.SIGTERM)  # granian's graceful stop


@main.command()
def alerts() -> None:
    """Evaluate the alert rules every ALERT_INTERVAL and deliver their webhooks, until SIGTERM/SIGINT."""
    from mymonit.alerting.runner import run_alerts

    container = process()
    settings: Settings = container.settings()
    if settings.ALERT_WEBHOOK_SECRET is None:
        raise click.ClickException("ALERT_WEBHOOK_SECRET is not set (run-infra.sh writes it into .env):"
                                   " it signs the alerts' webhook notifications")
    interval = checked(container.alert_settings).ALERT_INTERVAL
    stop = stopped_by_signals()
    run_alerts(container.alert_evaluator(), container.alert_deliverer(), container.audit_trail(), interval, stop)


@main.command()
@click.option("--rebuild", is_flag=True, help="Mark every series' measures for rolling up again, and exit.")
def rollups(rebuild: bool) -> None:
    """Keep every series' minute and hour rollups up to date with its measures, until SIGTERM/SIGINT."""
    from mymonit.rollups.runner import mark_rebuild, run_rollups

    container = process()
    if rebuild:
        series = mark_rebuild(container.rollup_store(), container.audit_trail())
        click.echo(f"{series} series marked: `mymonit rollups` recomputes their rollups from the measures")
        return
    settings = checked(container.rollup_settings)
    run_rollups(container.rollup_store(), container.audit_trail(), settings, stopped_by_signals())


@main.command("ship-audit")
@click.option("--backlog", is_flag=True, help="Print the lanes and bytes not yet shipped, and exit.")
def ship_audit(backlog: bool) -> None:
    """Send every process's audit spool (AUDIT_SPOOL_DIR) to Logstash and/or AUDIT_FILE until SIGTERM/SIGINT."""
    from mymonit.audit import spool_directory
    from mymonit.audit.spool_file import backlog as waiting

    container = process(spool=False)
    settings: Settings = container.settings()
    if backlog:
        lanes, size = waiting(spool_directory(settings))
        click.echo(f"{lanes} lanes, {size} bytes waiting in {spool_directory(settings)}")
        return
    if not settings.audit_shipped:
        raise click.ClickException("neither LOGSTASH_HOST nor AUDIT_FILE is set: there is nowhere to ship to")
    stop = stopped_by_signals()
    container.audit_shipper().run(stop)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
