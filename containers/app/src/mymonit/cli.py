"""The `mymonit` command."""

from __future__ import annotations

import os
import sys

import click
from pydantic import ValidationError

from mymonit.config import InsecureConfiguration, Settings, load_settings


def _settings() -> Settings:
    """The settings from the environment, with logging configured (redacting, audit-ready)."""
    try:
        settings = load_settings()
    except InsecureConfiguration as error:
        raise click.ClickException(str(error)) from error
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise click.ClickException(f"invalid configuration: {problems}") from error
    from mymonit.audit import configure_logging

    configure_logging(settings)
    return settings


def _container(settings: Settings):  # type: ignore[no-untyped-def]  # imported lazily: keeps `--help` fast
    from mymonit.container import Container

    return Container(settings=settings)


@click.group()
def main() -> None:
    """MyMONIT: measures of scientific experiments, for the scientists associated with them."""


@main.command()
def serve() -> None:
    """Serve the REST API under gunicorn on REST_HOST:REST_PORT."""
    from mymonit.server import serve as run

    run(_settings())


@main.group()
def db() -> None:
    """Database schema and data."""


@db.command()
def upgrade() -> None:
    """Apply pending schema migrations."""
    applied = _container(_settings()).migrator().upgrade()
    click.echo(f"applied {len(applied)} migration(s)" if applied else "schema is up to date")


@db.command()
def demo() -> None:
    """Load the demo users, experiments and measures (idempotent; never in production)."""
    from mymonit.storage.demo import load_demo

    container = _container(_settings())
    new = load_demo(container.database())
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

    settings = _settings()
    _emulator(settings)
    app = _container(settings).firebase()
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
