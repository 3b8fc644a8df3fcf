"""/measures/<experiment>: pages with a Link header, aggregates for plots, CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from flask import Response, stream_with_context

from mymonit.api.measure_schemas import (
    TAG_PARAMETERS,
    AggregateOut,
    AggregateParams,
    ExportParams,
    GroupBy,
    MeasureOut,
    MeasureParams,
    SelectorParams,
    labels_json,
)
from mymonit.api.operations import Api, Operation, audit_when_streamed, note, streamed
from mymonit.api.responses import NEXT_PAGE, iso, json_response, next_page
from mymonit.audit import AuditEvent, Outcome
from mymonit.domain.cursors import encode_cursor
from mymonit.domain.model import Caller
from mymonit.domain.queries import MeasureRow
from mymonit.domain.series import Labels
from mymonit.services.measures import MeasureFilter, MeasureService
from mymonit.services.series import choose

TAG = "measures"
READERS = "Only a SCIENTIST associated with the experiment; an ADMIN cannot read measures."
CHOOSING = f"{TAG_PARAMETERS} {READERS}"


def register(api: Api, measures: MeasureService) -> None:
    bp = api.blueprint("measures")

    @api.operation(bp, Operation("GET", "/measures/{experiment_id}", "Read measures, one page at a time", TAG,
                                 query=MeasureParams, response=list[MeasureOut],
                                 headers=NEXT_PAGE,
                                 audit=AuditEvent.API_MEASURES_READ, description=CHOOSING))
    def read_measures(actor: Caller, experiment_id: int, query: MeasureParams) -> Response:
        wanted = MeasureFilter(query.start, query.end, query.measure, query.limit, query.order, query.cursor,
                               choose(query.sensor, query.tags))
        experiment, page = measures.page(actor, experiment_id, wanted)
        note(experiment_id=experiment_id, range=_range(query.start, query.end), measure=query.measure,
             order=query.order.value, rows=len(page.rows), page=bool(query.cursor), **_chosen(query))
        names = measures.type_names()
        labels = {i: labels_json(found) for i, found in measures.labels(r.series_id for r in page.rows).items()}
        body = [
            {"experiment": experiment.name, "measure_type": names[row.type_id], **labels[row.series_id],
             "timestamp": row.timestamp, "value": row.value}
            for row in page.rows
        ]
        headers = {}
        if page.next_cursor is not None:
            headers = next_page("cursor", encode_cursor(page.next_cursor, experiment_id, query.order))
        return json_response(body, headers=headers)

    @api.operation(bp, Operation("GET", "/measures/{experiment_id}/aggregate", "Aggregate measures into time buckets",
                                 TAG, query=AggregateParams, response=AggregateOut,
                                 audit=AuditEvent.API_MEASURES_AGGREGATED,
                                 description="Splits [from, to) into `buckets` equal buckets and returns count, "
                                             "min, max and mean per measure type (per series with "
                                             "`group_by=series`) for each non-empty bucket. When `from`, `to` "
                                             "and the bucket width are whole hours (minutes), the buckets come "
                                             "from the hour (minute) rollups, and the part not rolled up yet from "
                                             "raw measures: `resolution` and `raw_since` say which. " + CHOOSING))
    def aggregate_measures(actor: Caller, experiment_id: int, query: AggregateParams) -> Response:
        by_series = query.group_by is GroupBy.SERIES
        experiment, width, aggregate = measures.aggregate(
            actor, experiment_id, query.start, query.end, query.buckets, query.measure,
            choose(query.sensor, query.tags), by_series=by_series)
        buckets = aggregate.buckets
        note(experiment_id=experiment_id, range=_range(query.start, query.end), measure=query.measure,
             buckets=len(buckets), resolution=aggregate.resolution.value, **_chosen(query),
             **({"group_by": GroupBy.SERIES.value} if by_series else {}))
        labels = ({i: {"series_id": i, **labels_json(found)}
                   for i, found in measures.labels(b.series_id or 0 for b in buckets).items()}
                  if by_series else {})
        return json_response({
            "experiment": experiment.name, "start": iso(query.start), "end": iso(query.end),
            "bucket_seconds": width.total_seconds(), "resolution": aggregate.resolution.value,
            "raw_since": iso(aggregate.raw_since) if aggregate.raw_since else None,
            "buckets": [
                {"measure_type": b.measure_type, "start": iso(b.start), "count": b.count,
                 "min": b.min, "max": b.max, "mean": b.mean, **labels.get(b.series_id or 0, {})}
                for b in buckets
            ],
        })

    @api.operation(bp, Operation("GET", "/measures/{experiment_id}/export", "Export measures as CSV", TAG,
                                 query=ExportParams, response=str, media_type="text/csv",
                                 audit=AuditEvent.API_MEASURES_EXPORTED,
                                 description="Streams every measure of the range in constant memory. " + CHOOSING
                                 + " Audited when the stream ends, with the rows sent and whether it was complete."))
    def export_measures(actor: Caller, experiment_id: int, query: ExportParams) -> Response:
        wanted = MeasureFilter(query.start, query.end, query.measure, order=query.order,
                               selector=choose(query.sensor, query.tags))
        experiment, chunks = measures.export(actor, experiment_id, wanted)
        note(experiment_id=experiment_id, range=_range(query.start, query.end), measure=query.measure,
             **_chosen(query))
        audit_when_streamed()
        names = measures.type_names()
        filename = f"measures-{experiment_id}.csv"
        # X-Accel-Buffering: nginx passes the stream on as it comes instead of spooling it to a
        # temporary file (up to 1 GB a request), so the client's pace holds the reads back and an
        # export the client abandons ends the stream (and is audited) soon after.
        return Response(stream_with_context(_csv(experiment.name, names, measures.labels, chunks)), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                 "X-Accel-Buffering": "no"})


def _range(start: datetime | None, end: datetime | None) -> list[str | None]:
    return [iso(start) if start else None, iso(end) if end else None]


def _chosen(query: SelectorParams) -> dict[str, Any]:
    """The series a read chose, for its audit event (nothing when it read every series)."""
    return {k: v for k, v in (("sensor", query.sensor), ("tags", query.tags)) if v}


def _csv(experiment: str, names: dict[int, str], labels_of: Callable[[Iterable[int]], dict[int, Labels]],
         chunks: Iterator[list[MeasureRow]]) -> Iterator[str]:
    """The CSV text, a chunk at a time; at the end, or when the client goes away, the audit event.
    `sensor` is empty for none; `tags` is the series' canonical JSON object."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["experiment", "measure_type", "timestamp", "value", "sensor", "tags"])
    sent, complete = 0, False
    try:
        for rows in chunks:
            labels = labels_of({r.series_id for r in rows})
            writer.writerows((experiment, names[r.type_id], r.timestamp, repr(r.value),
                              labels[r.series_id].sensor or "", labels[r.series_id].tags) for r in rows)
            yield buffer.getvalue()
            sent += len(rows)
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()
        complete = True
    finally:
        streamed(Outcome.SUCCESS if complete else Outcome.FAILED, rows=sent, complete=complete)
