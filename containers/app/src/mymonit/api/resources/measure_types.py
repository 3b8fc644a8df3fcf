"""/measure-types/."""

from __future__ import annotations

from flask import Response

from mymonit.api.operations import Api, Operation
from mymonit.api.responses import json_response
from mymonit.api.schemas import MeasureTypeOut
from mymonit.audit import AuditEvent
from mymonit.domain.model import Caller
from mymonit.services.measure_types import MeasureTypeService


def register(api: Api, types: MeasureTypeService) -> None:
    bp = api.blueprint("measure_types")

    @api.operation(bp, Operation("GET", "/measure-types/", "List measure types", "measures",
                                 response=list[MeasureTypeOut],
                                 audit=AuditEvent.API_MEASURE_TYPES_LISTED))
    def list_measure_types(actor: Caller) -> Response:  # noqa: ARG001  # authenticated, any role
        return json_response([
            {"type_id": t.type_id, "name": t.name, "symbol": t.symbol, "quantity": t.quantity}
            for t in types.all()
        ])
