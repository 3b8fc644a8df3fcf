"""Accounts in the Firebase Auth Emulator for tests: unique uids, real ID tokens."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from firebase_admin import App, auth

from mymonit.auth.emulator import ensure_account, sign_in


@dataclass(frozen=True)
class Account:
    uid: str
    email: str
    password: str


class Emulator:
    def __init__(self, app: App, host: str) -> None:
        self.app = app
        self.host = host

    def new_account(self, prefix: str = "test") -> Account:
        suffix = secrets.token_hex(6)
        account = Account(f"{prefix}-{suffix}", f"{prefix}-{suffix}@tests.mymonit.invalid", secrets.token_hex(12))
        ensure_account(self.app, account.uid, account.email, account.password)
        return account

    def token(self, account: Account) -> str:
        return sign_in(self.host, account.email, account.password)

    def revoke(self, account: Account) -> None:
        """Revoke every token issued so far. The emulator compares whole seconds, so wait past the second."""
        time.sleep(1.1)
        auth.revoke_refresh_tokens(account.uid, app=self.app)
        time.sleep(1.1)
