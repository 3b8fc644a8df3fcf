"""`mymonit alerts`: an evaluation cycle every ALERT_INTERVAL, the outbox delivered beside it."""

from __future__ import annotations

import logging
import os
import threading
import time

from mymonit.alerting.deliverer import Deliverer
from mymonit.alerting.evaluator import Evaluator
from mymonit.audit import AuditEvent, AuditTrail
from mymonit.domain.errors import Unavailable

log = logging.getLogger(__name__)


def run_alerts(evaluator: Evaluator, deliverer: Deliverer, trail: AuditTrail, interval: float,
               stop: threading.Event) -> None:
    """Until `stop` is set. A cycle that overruns the interval starts the next one at once, and
    says so; a database that is down skips cycles (states are kept there, nothing is lost)."""
    trail.emit(AuditEvent.ALERTS_EVALUATOR_STARTED, interval_seconds=interval, pid=os.getpid())
    wake = threading.Event()
    delivering = threading.Thread(target=deliverer.run, args=(stop, wake), name="mymonit-outbox", daemon=True)
    delivering.start()
    due = time.monotonic()
    while not stop.is_set():
        try:
            report = evaluator.cycle()
        except Unavailable:
            log.warning("database unavailable: cycle skipped")
        else:
            if report.notifications:
                wake.set()
            level = logging.WARNING if report.seconds > interval else logging.DEBUG
            log.log(level, "cycle: %d rules, %d alerts, %d transitions in %.3f s", report.rules, report.alerts,
                    report.transitions, report.seconds)
        due = max(due + interval, time.monotonic())
        stop.wait(due - time.monotonic())
    wake.set()
    delivering.join(timeout=30)
    trail.emit(AuditEvent.ALERTS_EVALUATOR_STOPPED, pid=os.getpid())
