"""Who is calling: the bearer token verified and mapped to a registered user."""

from __future__ import annotations

from flask import g, request

from mymonit.auth.bearer import bearer_token
from mymonit.auth.verifier import TokenVerifier
from mymonit.domain.model import Caller
from mymonit.logs import set_user
from mymonit.services.users import UserService


class RequestAuthenticator:
    """Callable that returns the request's caller; raises `TokenRejected` (401) or `UnregisteredUser` (403).

    The uid → user mapping and the user's associations come from `UserService.resolve`, which
    remembers them only until the host's access stamp moves: an erased user, one whose role changed
    or whose association was revoked, is refused or restricted from the very next request, in
    every worker (docs/design.md, Authentication).
    """

    def __init__(self, verifier: TokenVerifier, users: UserService) -> None:
        self._verifier = verifier
        self._users = users

    def __call__(self) -> Caller:
        token = bearer_token(request.headers.get("Authorization"))
        uid = self._verifier.verify(token)
        caller = self._users.resolve(uid)
        g.user_id = caller.user_id
        set_user(caller.user_id)
        return caller
