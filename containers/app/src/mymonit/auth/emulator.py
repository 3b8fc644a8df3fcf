"""The Firebase Auth Emulator, for development and tests: demo accounts and their ID tokens."""

from __future__ import annotations

import requests
from firebase_admin import App, auth

SIGN_IN = "http://{host}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake-api-key"


class EmulatorError(RuntimeError):
    """The emulator refused or could not be reached."""


def ensure_account(app: App, uid: str, email: str, password: str, display_name: str | None = None) -> None:
    """Create the account with this fixed uid, or reset its email and password (idempotent)."""
    try:
        auth.update_user(uid, email=email, password=password, display_name=display_name, disabled=False, app=app)
    except auth.UserNotFoundError:
        auth.create_user(uid=uid, email=email, password=password, display_name=display_name, app=app)


def sign_in(host: str, email: str, password: str, timeout: float = 10.0) -> str:
    """An ID token for the account, as the web page's sign-in would get it."""
    try:
        response = requests.post(
            SIGN_IN.format(host=host),
            json={"email": email, "password": password, "returnSecureToken": True},
            timeout=timeout,
        )
    except requests.RequestException as error:
        raise EmulatorError(f"the Auth Emulator at {host} cannot be reached: {error}") from error
    if response.status_code != 200:
        message = response.json().get("error", {}).get("message", response.text[:200])
        raise EmulatorError(f"sign-in of {email} refused: {message}")
    return str(response.json()["idToken"])
