"""The names the consumer resolves: every experiment and measure type, read in one round trip each."""

from __future__ import annotations

from mymonit.ingest.names import Names
from mymonit.storage.database import Database
from mymonit.storage.session import Connection


class MySqlNameSource:
    """Implements `mymonit.ingest.names.NameSource`; raises `Unavailable` when the database is down."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def load(self) -> Names:
        def work(connection: Connection) -> Names:
            experiments = connection.fetch_all("SELECT name, experiment_id FROM experiments")
            types = connection.fetch_all("SELECT name, type_id FROM measure_types")
            return Names({str(n): int(i) for n, i in experiments}, {str(n): int(i) for n, i in types})

        return self._db.run(work)
