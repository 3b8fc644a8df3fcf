"""The `mymonit` command."""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from typing import TYPE_CHECKING

import click
from pydantic import ValidationError

from mymonit.config import InsecureConfiguration, Settings, load_settings
from mymonit.ingest.dead_letter_commands import dead_letters
from mymonit.producers.publish_commands import publish

if TYPE_CHECKING:
    from mymonit.container import Container
    from mymonit.ingest.lifecycle import StopFlag
    from mymonit.ingest.listener import RabbitListener


def _load() -> Settings:
    """The settings from the environment; a clear error message for a bad or insecure one."""
    try:
        return load_settings()
    except InsecureConfiguration as error:
        raise click.ClickException(str(error)) from error
    except ValidationError as error:
        raise _invalid(error) from error


def _settings() -> Settings:
    """The settings, with this process's logging configured (commands that need no container)."""
    from mymonit.bootstrap import configure

    settings = _load()
    configure(settings)
    return settings


def _process(*, spool: bool = True) -> Container:
    """This process put together by the bootstrap: its logging, its one audit trail, its container."""
    from mymonit.bootstrap import start

    return start(_load(), spool=spool)


def _invalid(error: ValidationError) -> click.ClickException:
    problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
    return click.ClickException(f"invalid configuration: {problems}")


def _stopped_by_signals() -> threading.Event:
    """Set by SIGTERM or SIGINT: a long-running command stops cleanly."""
    import signal

    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda _number, _frame: stop.set())
    return stop


def _listener(container: Container, stop: StopFlag) -> RabbitListener:
    """The consumer, its IngestSettings checked first so a bad value is an error message, not a traceback."""
    try:
        container.ingest_settings()
    except ValidationError as error:
        raise _invalid(error) from error
    listener: RabbitListener = container.rabbit_listener(stop=stop)
    return listener


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """MyMONIT: measures of scientific experiments, for the scientists associated with them."""
    ctx.obj = _settings  # the command groups of other modules load the settings through it


main.add_command(publish)
main.add_command(dead_letters)


@main.command()
def serve() -> None:
    """Serve the REST API under granian on REST_HOST:REST_PORT."""
    from mymonit.server import serve as run

    run(_settings())


@main.command()
def consume() -> None:
    """Consume RABBIT_QUEUE into the database until SIGTERM/SIGINT (then flush, ack and exit)."""
    from mymonit.ingest.consumer_metrics import serve_metrics
    from mymonit.ingest.errors import BrokerMisconfigured
    from mymonit.ingest.lifecycle import StopFlag

    stop = StopFlag()
    listener = _listener(_process(), stop)
    stop.install()
    ingest = listener.parts.settings
    serve_metrics(ingest.CONSUMER_METRICS_HOST, ingest.CONSUMER_METRICS_PORT)
    try:
        listener.run()
    except BrokerMisconfigured as error:
        raise click.ClickException(str(error)) from error


@main.command()
def run() -> None:
    """The REST API and the consumer in one process, as the original did (the consumer in a thread)."""
    # The consumer's figures join the API workers' on /metrics only if prometheus_client starts in
    # multiprocess mode, which it decides when first imported: before anything imports it.
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="mymonit-metrics-"))
    from mymonit.forking import guard_connects_across_fork
    from mymonit.ingest.lifecycle import StopFlag
    from mymonit.server import serve as serve_api

    container = _process()
    settings: Settings = container.settings()
    stop = StopFlag()  # granian owns the signals; its exit stops the consumer below
    listener = _listener(container, stop)
    guard_connects_across_fork()  # granian forks its workers next to the consumer thread
    consumer = threading.Thread(target=listener.run, name="mymonit-consumer", daemon=True)
    consumer.start()
    listener.ready.wait(timeout=30)  # the first workers are forked once the consumer's handshake is over
    try:
        serve_api(settings)
    finally:
        stop.request()
        consumer.join(timeout=60)


@main.command()
def alerts() -> None:
    """Evaluate the alert rules every ALERT_INTERVAL and deliver their webhooks, until SIGTERM/SIGINT."""
    from mymonit.alerting.runner import run_alerts

    container = _process()
    settings: Settings = container.settings()
    if settings.ALERT_WEBHOOK_SECRET is None:
        raise click.ClickException("ALERT_WEBHOOK_SECRET is not set (run-infra.sh writes it into .env):"
                                   " it signs the alerts' webhook notifications")
    try:
        interval = container.alert_settings().ALERT_INTERVAL
    except ValidationError as error:
        raise _invalid(error) from error
    stop = _stopped_by_signals()
    run_alerts(container.alert_evaluator(), container.alert_deliverer(), container.audit_trail(), interval, stop)


@main.command("ship-audit")
@click.option("--backlog", is_flag=True, help="Print the lanes and bytes not yet shipped, and exit.")
def ship_audit(backlog: bool) -> None:
    """Send every process's audit spool (AUDIT_SPOOL_DIR) to Logstash and/or AUDIT_FILE until SIGTERM/SIGINT."""
    from mymonit.audit import spool_directory
    from mymonit.audit.spool_file import backlog as waiting

    container = _process(spool=False)
    settings: Settings = container.settings()
    if backlog:
        lanes, size = waiting(spool_directory(settings))
        click.echo(f"{lanes} lanes, {size} bytes waiting in {spool_directory(settings)}")
        return
    if not settings.audit_shipped:
        raise click.ClickException("neither LOGSTASH_HOST nor AUDIT_FILE is set: there is nowhere to ship to")
    stop = _stopped_by_signals()
    container.audit_shipper().run(stop)


@main.group()
def db() -> None:
    """Database schema and data."""


@db.command()
def upgrade() -> None:
    """Apply pending schema migrations."""
    applied = _process().migrator().upgrade()
    click.echo(f"applied {len(applied)} migration(s)" if applied else "schema is up to date")


@db.command("backfill-series")
def backfill_series() -> None:
    """Move measures an older consumer stored during the upgrade into their default series."""
    moved = _process().migrator().backfill_series()
    click.echo(f"{moved} measure(s) moved into their default series")


@db.command()
def demo() -> None:
    """Load the demo users, experiments and measures (idempotent; never in production)."""
    from mymonit.storage.demo import load_demo

    process = _process()
    new = load_demo(process.database())
    process.access_stamp().advance()  # the demo's users and grants, to API workers remembering callers
    click.echo(f"demo data loaded ({new} new measures)")


@main.group()
def auth() -> None:
    """Firebase Auth Emulator helpers (development only)."""


def _emulator(settings: Settings) -> str:
    if not settings.FIREBASE_AUTH_EMULATOR_HOST:
        raise click.ClickException("FIREBASE_AUTH_EMULATOR_HOST is not set: these commands need the Auth Emulator")
    return settings.FIREBASE_AUTH_EMULATOR_HOST


def _demo_password() -> str:
    password = os.environ.get("DEMO_PASSWORD")
    if not password:
        raise click.ClickException("DEMO_PASSWORD is not set (run-infra.sh writes it into .env)")
    return password


@auth.command("seed-demo")
def seed_demo() -> None:
    """Create the demo accounts in the emulator with uids matching users.username."""
    from mymonit.auth.emulator import ensure_account
    from mymonit.storage.demo import DEMO_USERS

    container = _process()
    _emulator(container.settings())
    app = container.firebase()
    for user in DEMO_USERS:
        ensure_account(app, user.uid, user.email, _demo_password(), user.name)
    click.echo(f"{len(DEMO_USERS)} demo accounts ready in the Auth Emulator")


@auth.command()
@click.argument("email")
def token(email: str) -> None:
    """Print an ID token for a demo account (e.g. phigg@home.cern)."""
    from mymonit.auth.emulator import EmulatorError, sign_in

    settings = _settings()
    try:
        click.echo(sign_in(_emulator(settings), email, _demo_password()))
    except EmulatorError as error:
        raise click.ClickException(str(error)) from error


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
