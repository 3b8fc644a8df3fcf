"""Statements through the C extension (`storage.statements`, `Session.execute`) on the real MariaDB:
quoting, affected rows and errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import mysql.connector
import pytest

from mymonit.container import Container
from mymonit.storage.session import Session


@pytest.fixture
def session(container: Container) -> Iterator[Session]:
    with container.database().connection() as connection:
        yield connection


@pytest.mark.parametrize("text", ["plain", "it's", 'a "quoted" \\ back\\slash', "%s and %d", "ünï ☃ 𝄞", "x\x00y", ""])
def test_a_string_parameter_comes_back_as_it_went(session: Session, text: str) -> None:
    assert session.fetch_all("SELECT %s", (text,)) == [(text,)]


def test_numbers_times_and_null_are_quoted_as_the_cursor_would(session: Session) -> None:
    moment = datetime(2024, 2, 29, 23, 59, 58, 123456)
    rows = session.fetch_all("SELECT %s, %s, %s, %s IS NULL", (2**63 - 1, 2.5, moment, None))
    assert rows == [(2**63 - 1, 2.5, moment.isoformat(sep=" "), 1)]


def test_no_rows_and_no_result_set_are_empty_lists(session: Session) -> None:
    assert session.fetch_all("SELECT 1 FROM DUAL WHERE %s = 2", (1,)) == []
    assert session.fetch_all("DO 1") == []


def test_a_placeholder_count_that_does_not_match_is_refused_before_the_server(session: Session) -> None:
    with pytest.raises(mysql.connector.ProgrammingError, match="2 placeholders for 1 parameters"):
        session.fetch_all("SELECT %s, %s", (1,))


def test_a_server_error_is_the_connectors_usual_exception_and_the_connection_stays_usable(session: Session) -> None:
    with pytest.raises(mysql.connector.ProgrammingError) as raised:
        session.fetch_all("SELECT * FROM no_such_table_here")
    assert raised.value.errno == 1146  # ER_NO_SUCH_TABLE
    assert session.fetch_all("SELECT %s", (7,)) == [(7,)]


@pytest.fixture
def scratch(session: Session) -> Iterator[Session]:
    session.execute("CREATE TEMPORARY TABLE scratch (id INT PRIMARY KEY, label VARCHAR(40))")
    yield session
    session.execute("DROP TEMPORARY TABLE scratch")  # the pooled connection outlives the test


def test_execute_fills_the_placeholders_and_counts_the_affected_rows(scratch: Session) -> None:
    assert scratch.execute("INSERT INTO scratch VALUES (%s, %s), (%s, %s)", (1, "it's", 2, "%s")) == 2
    assert scratch.execute("UPDATE scratch SET label = %s WHERE id = %s", ("one", 1)) == 1
    assert scratch.execute("DELETE FROM scratch WHERE id = %s", (99,)) == 0
    assert scratch.fetch_all("SELECT id, label FROM scratch ORDER BY id") == [(1, "one"), (2, "%s")]


def test_execute_without_parameters_sends_the_text_as_it_is(scratch: Session) -> None:
    assert scratch.execute("INSERT INTO scratch VALUES (3, '100%s sure')") == 1
    assert scratch.fetch_all("SELECT label FROM scratch") == [("100%s sure",)]


def test_execute_raises_the_connectors_usual_exceptions(scratch: Session) -> None:
    scratch.execute("INSERT INTO scratch VALUES (%s, %s)", (1, "a"))
    with pytest.raises(mysql.connector.IntegrityError) as raised:
        scratch.execute("INSERT INTO scratch VALUES (%s, %s)", (1, "b"))
    assert raised.value.errno == 1062  # ER_DUP_ENTRY: the repositories map it to their Duplicate errors
    with pytest.raises(mysql.connector.ProgrammingError, match="1 placeholders for 2 parameters"):
        scratch.execute("DELETE FROM scratch WHERE id = %s", (1, 2))
    assert scratch.execute("DELETE FROM scratch WHERE id = %s", (1,)) == 1
