"""/series/<experiment>: an experiment's series, with their labels and time span."""

from __future__ import annotations

from flask import Response

from mymonit.api.measure_schemas import TAG_PARAMETERS, SeriesOut, SeriesParams, labels_json
from mymonit.api.operations import Api, Operation, note
from mymonit.api.resources.measures import READERS
from mymonit.api.responses import json_response
from mymonit.audit import AuditEvent
from mymonit.domain.model import Caller
from mymonit.services.series import SeriesService, choose


def register(api: Api, series: SeriesService) -> None:
    bp = api.blueprint("series")

    @api.operation(bp, Operation("GET", "/series/{experiment_id}", "List an experiment's series", "measures",
                                 query=SeriesParams, response=list[SeriesOut], audit=AuditEvent.API_SERIES_LISTED,
                                 description="Every series (measure type, sensor, tags) of the experiment, with its "
                                             f"first and last measure. {TAG_PARAMETERS} {READERS}"))
    def list_series(actor: Caller, experiment_id: int, query: SeriesParams) -> Response:
        chosen = choose(query.sensor, query.tags)
        _, found = series.listing(actor, experiment_id, query.measure, chosen)
        note(experiment_id=experiment_id, measure=query.measure, series=len(found))
        names = series.type_names()
        return json_response([
            {"series_id": s.series_id, "measure_type": names[s.type_id], **labels_json(s.labels),
             "first": s.first, "last": s.last}
            for s in found
        ])
