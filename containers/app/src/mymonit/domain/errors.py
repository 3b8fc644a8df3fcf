"""What can go wrong, named for what happened. The API maps these to HTTP in one place."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every expected failure; the message is safe to show to the caller."""


class NotFound(DomainError):
    """The addressed object does not exist (or the caller may not know that it does)."""


class UnknownExperiment(NotFound):
    def __init__(self, experiment: object) -> None:
        super().__init__(f"experiment {experiment} does not exist")


class UnknownUser(NotFound):
    def __init__(self, user_id: str) -> None:
        super().__init__(f"user {user_id} does not exist")


class UnknownAlert(NotFound):
    def __init__(self, alert_id: int) -> None:
        super().__init__(f"alert {alert_id} does not exist")


class UnknownAlertRule(NotFound):
    def __init__(self, rule_id: int) -> None:
        super().__init__(f"alert rule {rule_id} does not exist")


class Conflict(DomainError):
    """The change would break a uniqueness rule."""


class DuplicateExperiment(Conflict):
    def __init__(self) -> None:
        super().__init__("an experiment with this name already exists")


class ExperimentHasMeasures(Conflict):
    def __init__(self, experiment_id: int) -> None:
        super().__init__(f"experiment {experiment_id} holds measures; only an experiment without any can be deleted")


class DuplicateAlertRule(Conflict):
    def __init__(self) -> None:
        super().__init__("the experiment already has an alert rule with this name")


class DuplicateUser(Conflict):
    def __init__(self, field: str) -> None:
        super().__init__(f"a user with this {field} already exists")
        self.field = field


class Forbidden(DomainError):
    """The caller is known but may not do this."""


class AdminOnly(Forbidden):
    def __init__(self) -> None:
        super().__init__("only an ADMIN may do this")


class NotAssociated(Forbidden):
    def __init__(self) -> None:
        super().__init__("you are not associated with this experiment")


class AdminsCannotReadMeasures(Forbidden):
    def __init__(self) -> None:
        super().__init__("an ADMIN cannot read measures; measures are for associated scientists")


class NotAScientist(DomainError):
    """Only SCIENTIST users can be associated with experiments."""

    def __init__(self, user_id: str) -> None:
        super().__init__(f"user {user_id} is not a SCIENTIST")


class InvalidField(DomainError):
    """A body field that is well-formed but names what the service refuses (an unknown measure type)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidRequest(DomainError):
    """A request is well-formed but its values make no sense (e.g. from after to)."""


class Unauthenticated(DomainError):
    """No credentials, or credentials that cannot be trusted."""


class TokenRejected(Unauthenticated):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnregisteredUser(Forbidden):
    """The token is genuine but names no registered (or an erased) user."""

    def __init__(self) -> None:
        super().__init__("this account is not registered with MyMONIT")


class QueryTooSlow(DomainError):
    """The database stopped a query that ran longer than the service allows one to run."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the database stopped this request's query after {seconds:g} s;"
                         " ask for a shorter time range or fewer buckets")


class Unavailable(Exception):
    """A backing service (database, broker) cannot be reached right now; retrying may help."""


class BadLabels(ValueError):
    """A sensor or tags that break the rules of domain/series.py: a message's field (dead-lettered by the
    consumer) or a read's filter (mapped to `InvalidRequest`). The message names the field, never its value."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)
