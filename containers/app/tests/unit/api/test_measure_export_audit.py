"""The CSV export is audited when its stream ends: how many rows went out, and whether all did."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.unit.builders import a_row, bearer, with_measures
from tests.unit.fakes import InMemoryStore

READER = bearer("S001")
ROWS = 12_000  # the export streams 5,000 rows per chunk: three chunks


@pytest.fixture(autouse=True)
def many_measures(store: InMemoryStore) -> None:
    with_measures(store, 1, *(a_row(i + 1, minutes=i / 60) for i in range(ROWS)))


def export_events(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [r.audit for r in caplog.records if getattr(r, "audit", {}).get("event") == "api:measures:exported"]


def test_a_complete_export_is_audited_once_with_every_row(
    client: FlaskClient, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="mymonit.audit")

    response = client.get("/measures/1/export", headers={**READER, "X-Request-ID": "export-0123456789"})

    assert response.get_data(as_text=True).count("\n") == ROWS + 1
    [event] = export_events(caplog)
    assert (event["outcome"], event["rows"], event["complete"], event["experiment_id"]) == ("success", ROWS, True, 1)
    assert (event["request_id"], event["user_id"]) == ("export-0123456789", "S001")  # the request's, though it ended


def test_an_export_the_client_abandons_is_audited_as_failed_with_the_rows_sent(
    client: FlaskClient, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="mymonit.audit")
    response = client.get("/measures/1/export", headers=READER, buffered=False)
    chunks = iter(response.response)

    next(chunks), next(chunks)  # the header and the first 5,000 rows, then the second chunk is being sent
    assert export_events(caplog) == []
    response.close()

    [event] = export_events(caplog)
    assert (event["outcome"], event["rows"], event["complete"]) == ("failed", 5_000, False)
