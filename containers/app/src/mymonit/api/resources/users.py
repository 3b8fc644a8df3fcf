"""/users/: ADMINs manage users; everyone may read and edit their own profile."""

from __future__ import annotations

from flask import Response

from mymonit.api.operations import Api, Operation, note
from mymonit.api.responses import created, json_response, user_json
from mymonit.api.schemas import UserIn, UserOut, UserUpdate
from mymonit.audit import AuditEvent
from mymonit.domain.model import Caller, User
from mymonit.services.users import NewUser, UserChanges, UserService

TAG = "users"


def register(api: Api, users: UserService) -> None:
    bp = api.blueprint("users")

    @api.operation(bp, Operation("GET", "/users/", "List users (ADMIN)", TAG, admin_only=True, response=list[UserOut],
                                 audit=AuditEvent.API_USERS_LISTED))
    def list_users(actor: Caller) -> Response:
        everyone = users.all_users(actor)
        note(count=len(everyone))
        return json_response([user_json(u) for u in everyone])

    @api.operation(bp, Operation("GET", "/users/me", "Your own profile", TAG, response=UserOut,
                                 audit=AuditEvent.API_USER_READ))
    def me(actor: Caller) -> Response:
        note(target_user_id=actor.user_id)
        return json_response(user_json(actor))

    @api.operation(bp, Operation("GET", "/users/{user_id}", "Read a user (ADMIN, or yourself)", TAG,
                                 response=UserOut, audit=AuditEvent.API_USER_READ))
    def get_user(actor: Caller, user_id: str) -> Response:
        note(target_user_id=user_id)
        return json_response(user_json(users.get(actor, user_id)))

    @api.operation(bp, Operation("POST", "/users/", "Register a user (ADMIN)", TAG, admin_only=True,
                                 body=UserIn, response=UserOut, status=201, errors=(409,),
                                 audit=AuditEvent.API_USER_CREATED,
                                 description="`username` is the Firebase uid of the user's account."))
    def create_user(actor: Caller, body: UserIn) -> Response:
        user = users.create(actor, NewUser(body.user_id, body.name, body.username, body.email, body.role))
        note(target_user_id=user.user_id, role=user.role.value)
        return created(user_json(user), f"/users/{user.user_id}")

    @api.operation(bp, Operation("PUT", "/users/{user_id}", "Update a user (ADMIN, or yourself: name and email)", TAG,
                                 body=UserUpdate, response=UserOut, errors=(409,),
                                 audit=AuditEvent.API_USER_UPDATED))
    def update_user(actor: Caller, user_id: str, body: UserUpdate) -> Response:
        changes = UserChanges(body.name, body.email, body.username, body.role)
        before, after = users.update(actor, user_id, changes)
        note(target_user_id=user_id, before={"role": before.role.value}, after={"role": after.role.value},
             personal_fields_changed=_personal_changes(before, after))
        return json_response(user_json(after))

    @api.operation(bp, Operation("DELETE", "/users/{user_id}", "Erase a user's personal data (ADMIN, GDPR)", TAG,
                                 admin_only=True, response=UserOut, errors=(409,),
                                 audit=AuditEvent.API_USER_ERASED,
                                 description="Removes name, email and Firebase uid and every association; "
                                             "the id stays so the audit trail keeps its meaning."))
    def erase_user(actor: Caller, user_id: str) -> Response:
        note(target_user_id=user_id)
        return json_response(user_json(users.erase(actor, user_id)))


def _personal_changes(before: User, after: User) -> list[str]:
    """Which personal fields changed, by name only: their values never reach the audit trail."""
    fields = ("name", "email", "username")
    return [f for f in fields if getattr(before, f).reveal() != getattr(after, f).reveal()]
