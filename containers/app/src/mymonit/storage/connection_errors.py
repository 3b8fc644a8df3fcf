"""Which database errors mean "the connection is gone" (worth a reconnect) and which mean "the
statement ran out of time" (max_statement_time), as opposed to "this statement is wrong"."""

from __future__ import annotations

import mysql.connector
from mysql.connector import errorcode

# Server error codes that mean "this connection is gone", not "this statement is wrong".
_LOST_CONNECTION = {
    errorcode.CR_SERVER_GONE_ERROR,
    errorcode.CR_SERVER_LOST,
    errorcode.CR_CONNECTION_ERROR,
    errorcode.CR_CONN_HOST_ERROR,
    errorcode.ER_SERVER_SHUTDOWN,
    errorcode.ER_CON_COUNT_ERROR,
    1927,  # ER_CONNECTION_KILLED (MariaDB)
    4031,  # ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
}
_STATEMENT_TIMEOUT = 1969  # ER_STATEMENT_TIMEOUT (MariaDB): max_statement_time exceeded


def is_connection_error(error: BaseException) -> bool:
    """True when the error says the connection or server is gone (worth a reconnect)."""
    if isinstance(error, mysql.connector.InterfaceError):
        return True
    if isinstance(error, mysql.connector.Error):
        return error.errno in _LOST_CONNECTION or error.errno is None or error.errno < 0
    return isinstance(error, (ConnectionError, OSError))


def is_statement_timeout(error: BaseException) -> bool:
    """True when MariaDB stopped the statement at max_statement_time."""
    return isinstance(error, mysql.connector.Error) and error.errno == _STATEMENT_TIMEOUT
