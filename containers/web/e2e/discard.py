"""Remove the measures of an experiment an end-to-end test made, so the test can then delete it.

    .venv/bin/python containers/web/e2e/discard.py EXPERIMENT_ID NAME

The API keeps an experiment that holds measures (DELETE answers 409) and deletes no measure, so a
test that published some removes them here, straight from the demo database, then deletes the
experiment through the API (its series go with it). Only an experiment named e2e-… whose name is
NAME is touched: never the demo data.
"""

from __future__ import annotations

import sys

from publish import ROOT, load_env

from mymonit.audit import AuditTrail
from mymonit.config import Settings
from mymonit.container import Container

PREFIX = "e2e-"


def main(experiment_id: int, name: str) -> int:
    if not name.startswith(PREFIX):
        print(f"refusing: {name!r} is not an end-to-end test's experiment ({PREFIX}…)", file=sys.stderr)
        return 2
    load_env(ROOT / ".env")
    container = Container(settings=Settings(), audit_trail=AuditTrail())
    try:
        found = container.experiment_repository().by_id(experiment_id)
        if found is None:
            return 0
        if found.name != name:
            print(f"refusing: experiment {experiment_id} is {found.name!r}, not {name!r}", file=sys.stderr)
            return 2
        removed = container.database().run(
            lambda c: c.execute("DELETE FROM measures WHERE experiment_id = %s", (experiment_id,)))
        print(f"removed {removed} measures of experiment {experiment_id} ({name})")
        return 0
    finally:
        container.database().close()


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), sys.argv[2]))
