"""`mymonit db` (schema and data) and `mymonit auth` (the Auth Emulator, in development)."""

# ruff: noqa: PLC0415  # subcommands import lazily so `mymonit --help` stays fast

from __future__ import annotations

import os

import click

from mymonit.cli_support import configured_settings, process
from mymonit.config import Settings


@click.group()
def db() -> None:
    """Database schema and data."""


@db.command()
def upgrade() -> None:
    """Apply pending schema migrations."""
    applied = process().migrator().upgrade()
    click.echo(f"applied {len(applied)} migration(s)" if applied else "schema is up to date")


@db.command("backfill-series")
def backfill_series() -> None:
    """Move measures an older consumer stored during the upgrade into their default series."""
    moved = process().migrator().backfill_series()
    click.echo(f"{moved} measure(s) moved into their default series")


@db.command()
def demo() -> None:
    """Load the demo users, experiments and measures (idempotent; never in production)."""
    from mymonit.storage.demo import load_demo

    container = process()
    new = load_demo(container.database())
    container.access_stamp().advance()  # the demo's users and grants, to API workers remembering callers
    click.echo(f"demo data loaded ({new} new measures)")


@click.group()
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

    container = process()
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

    settings = configured_settings()
    try:
        click.echo(sign_in(_emulator(settings), email, _demo_password()))
    except EmulatorError as error:
        raise click.ClickException(str(error)) from error
