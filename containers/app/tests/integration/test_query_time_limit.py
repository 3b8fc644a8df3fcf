"""REST_QUERY_SECONDS on the real MariaDB: the API's statements are stopped at max_statement_time,
the consumer's and the migrations' are not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mymonit.config import Settings
from mymonit.container import Container
from mymonit.domain.errors import QueryTooSlow
from mymonit.storage.database import Database


@pytest.fixture
def limited(settings: Settings) -> Iterator[Database]:
    database = Container(settings=settings, statement_seconds=0.2).database()
    yield database
    database.close()


def test_a_statement_longer_than_the_limit_is_stopped_and_named(limited: Database) -> None:
    with pytest.raises(QueryTooSlow, match=r"after 0\.2 s"):
        limited.run(lambda connection: connection.fetch_all("SELECT SLEEP(5)"))


def test_the_connection_serves_the_next_request_after_a_stopped_statement(limited: Database) -> None:
    with pytest.raises(QueryTooSlow):
        limited.run(lambda connection: connection.fetch_all("SELECT SLEEP(5)"))

    assert limited.run(lambda connection: connection.fetch_all("SELECT 1")) == [(1,)]


def test_a_streaming_connection_maps_the_stop_too(limited: Database) -> None:
    with pytest.raises(QueryTooSlow), limited.connection() as connection:
        connection.fetch_all("SELECT SLEEP(5)")


def test_the_api_gets_its_setting_and_the_other_processes_no_limit(settings: Settings, container: Container) -> None:
    api = Container(settings=settings, statement_seconds=settings.REST_QUERY_SECONDS).database()
    try:
        limit = api.run(lambda connection: connection.fetch_all("SELECT @@max_statement_time"))
    finally:
        api.close()
    unbounded = container.database().run(lambda connection: connection.fetch_all("SELECT @@max_statement_time"))

    assert limit == [(settings.REST_QUERY_SECONDS,)]
    assert unbounded == [(0.0,)]
