"""A marker for personal data: the value is there for the code, hidden from every log line."""

from __future__ import annotations

from typing import Final

REDACTED: Final = "***"


class Personal:
    """Wraps a personal value (name, email, Firebase uid) so `str`, `repr` and `format` hide it.

    Code that truly needs the value (storage, the API response to an authorised caller) calls
    `reveal()`; anything that formats the object, such as a log call, gets `***`.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str | None) -> None:
        self._value = value

    def reveal(self) -> str | None:
        return self._value

    def __repr__(self) -> str:
        return f"Personal({REDACTED})"

    def __str__(self) -> str:
        return REDACTED

    def __format__(self, spec: str) -> str:
        return REDACTED

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Personal) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)
