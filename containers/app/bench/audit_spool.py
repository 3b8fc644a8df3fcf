"""Reading an audit spool directory as the shipper reads it, and checking that its lanes are whole.

A lane's segments must hold complete JSON lines, one object each, and nothing else: only the last
segment of a writer killed mid-`write` may end in an unfinished line (a torn tail), which the
shipper drops. Lines before the lane's `NAME.shipped` position have been acknowledged already.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from mymonit.audit import spool_file


@dataclass
class Lane:
    name: str
    lines: int = 0  # complete lines
    pending: int = 0  # complete lines after the shipped position
    events: list[dict[str, Any]] = field(default_factory=list)  # audit events (documents with an `event`)
    pending_events: int = 0
    torn: bool = False  # the last segment ends in an unfinished line
    broken: int = 0  # complete lines that are not one JSON object, and earlier segments not ending in a newline


@dataclass(frozen=True)
class Spool:
    lanes: list[Lane]
    lines: int
    pending_events: int
    torn: int
    broken: int


def read_spool(directory: Path, skip: Collection[str] = ()) -> Spool:
    """Every lane of `directory` but those named in `skip`, and their totals."""
    found = spool_file.lanes(directory) if directory.is_dir() else {}
    lanes = [read_lane(directory, name, segments) for name, segments in sorted(found.items()) if name not in skip]
    return Spool(lanes, lines=sum(lane.lines for lane in lanes),
                 pending_events=sum(lane.pending_events for lane in lanes),
                 torn=sum(lane.torn for lane in lanes), broken=sum(lane.broken for lane in lanes))


def read_lane(directory: Path, name: str, segments: list[int]) -> Lane:
    lane = Lane(name)
    shipped = spool_file.read_shipped(directory, name, segments[0] if segments else 0)
    for number in segments:
        data = spool_file.segment_path(directory, name, number).read_bytes()
        *complete, tail = data.split(b"\n")  # `tail` is what follows the last newline
        if tail:
            if number == segments[-1]:
                lane.torn = True
            else:
                lane.broken += 1
        start = shipped.offset if number == shipped.segment else 0 if number > shipped.segment else len(data)
        offset = 0
        for line in complete:
            waiting = offset >= start
            offset += len(line) + 1
            lane.lines += 1
            lane.pending += waiting
            document = _document(line)
            if document is None:
                lane.broken += 1
            elif "event" in document:
                lane.events.append(document)
                lane.pending_events += waiting
    return lane


def _document(line: bytes) -> dict[str, Any] | None:
    try:
        document = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    return document if isinstance(document, dict) else None
