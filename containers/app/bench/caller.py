"""The benchmark's caller: a SCIENTIST in the bench database bound to a real emulator account."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from firebase_admin import exceptions

from mymonit.auth.emulator import EmulatorError, ensure_account, sign_in
from mymonit.container import Container
from mymonit.domain.model import Role, User
from mymonit.domain.personal import Personal

USER_ID = "BENCH01"
UID = "bench-scientist"
EMAIL = "bench-scientist@bench.mymonit.invalid"


@dataclass(frozen=True, slots=True)
class BenchCaller:
    user_id: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def bench_scientist(container: Container, experiment_ids: list[int]) -> BenchCaller:
    """Ensure the account (fresh password each run), the user row and the associations; sign in."""
    host = container.settings().FIREBASE_AUTH_EMULATOR_HOST
    if not host:
        raise SystemExit("FIREBASE_AUTH_EMULATOR_HOST is not set: start ./run-infra.sh (it writes .env)")
    password = secrets.token_urlsafe(16)
    token = _with_emulator(lambda: _account_token(container, host, password))
    users = container.user_repository()
    if users.by_id(USER_ID) is None:
        users.add(User(USER_ID, Personal("Bench Scientist"), Personal(UID), Personal(EMAIL), Role.SCIENTIST))
    associations = container.association_repository()
    for experiment_id in experiment_ids:
        associations.grant(USER_ID, experiment_id)
    return BenchCaller(USER_ID, token)


def _account_token(container: Container, host: str, password: str) -> str:
    ensure_account(container.firebase(), UID, EMAIL, password, "Bench Scientist")
    return sign_in(host, EMAIL, password)


def _with_emulator(work: Callable[[], str], attempts: int = 20) -> str:
    """The emulator may be restarting (./run-infra.sh start is idempotent): wait up to ~1 minute."""
    for attempt in range(attempts):
        try:
            return work()
        except (EmulatorError, exceptions.FirebaseError, OSError) as error:
            if attempt + 1 == attempts:
                raise
            if attempt == 0:
                print(f"  (Auth Emulator not ready: {error}; waiting)", flush=True)
            time.sleep(3)
    raise AssertionError("unreachable")
