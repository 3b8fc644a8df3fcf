"""A measure's time: Unix microseconds as integers, and one text form, ISO-8601 UTC with
microseconds, always the same width."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)

# The same form as MySQL's DATE_FORMAT(ts, '%Y-%m-%dT%H:%i:%s.%fZ'), which the page query uses.
SQL_FORMAT = "%Y-%m-%dT%H:%i:%s.%fZ"


def unix_micros(moment: datetime) -> int:
    """Microseconds since 1970-01-01 UTC of an aware time, exactly (floats blur them after ~2200)."""
    return (moment - EPOCH) // MICROSECOND


def iso_utc(moment: datetime) -> str:
    """2022-04-06T07:00:00.000000Z; a naive time is taken as UTC."""
    if moment.utcoffset():
        moment = moment.astimezone(UTC)
    # isoformat is several times faster than strftime; [:26] drops any "+00:00" (years 1000-9999).
    return moment.isoformat(timespec="microseconds")[:26] + "Z"


def parse_iso_utc(text: str) -> datetime:
    """The aware datetime of a text written by `iso_utc` (or the database's SQL_FORMAT)."""
    return datetime.fromisoformat(text).astimezone(UTC)
