"""Shipping a spool directory to a Logstash stand-in at once, as `mymonit ship-audit` would."""

from __future__ import annotations

from pathlib import Path

from mymonit.audit.shipper import Shipper
from mymonit.audit.sinks import LogstashHttpSink


def ship_everything(spool: Path, port: int) -> int:
    """Ship the whole spool directory to 127.0.0.1:`port`; the lines shipped.

    Every record is in the spool once the call that logged it returned, so nothing is waited for:
    the passes run until nothing is left, then one more removes the lanes of ended writers.
    """
    shipper = Shipper(spool, LogstashHttpSink("127.0.0.1", port))
    shipped = 0
    try:
        while (moved := shipper.ship_pass()) or shipper.more:
            shipped += moved
        shipper.ship_pass()
    finally:
        shipper.close()
    return shipped
