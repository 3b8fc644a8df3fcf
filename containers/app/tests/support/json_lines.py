"""Reading JSON lines (the console's output when it is not a terminal) strictly."""

from __future__ import annotations

import json


def read_json_lines(data: bytes) -> list[dict[str, object]]:
    """UTF-8, one JSON object per `\\n`-ended line; a bad, blank or unterminated line fails the test."""
    if not data:
        return []
    assert data.endswith(b"\n"), "the stream must end with a newline"
    events = []
    for line in data.split(b"\n")[:-1]:
        document = json.loads(line.decode("utf-8", errors="strict"))
        assert isinstance(document, dict), f"each line must be one JSON object, not {line[:80]!r}"
        events.append(document)
    return events
