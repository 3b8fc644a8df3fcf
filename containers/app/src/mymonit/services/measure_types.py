"""The measure types: reference data every registered user may list, and names resolved to ids."""

from __future__ import annotations

from mymonit.domain.errors import InvalidRequest
from mymonit.domain.model import MeasureType
from mymonit.services.ports import MeasureTypeRepository


class MeasureTypeService:
    def __init__(self, types: MeasureTypeRepository) -> None:
        self._types = types

    def all(self) -> list[MeasureType]:
        """Any registered user may list them; the caller authenticates first."""
        return self._types.all()

    def names(self) -> dict[int, str]:
        return {t.type_id: t.name for t in self._types.all()}

    def names_to_ids(self) -> dict[str, int]:
        return {t.name: t.type_id for t in self._types.all()}

    def type_id(self, name: str | None) -> int | None:
        if name is None:
            return None
        type_id = self.names_to_ids().get(name)
        if type_id is not None:
            return type_id
        raise InvalidRequest(f"unknown measure type {name!r}; GET /measure-types/ lists them")
