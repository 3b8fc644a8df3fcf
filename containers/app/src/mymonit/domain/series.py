"""Series identity (docs/design.md, Series): what tells two sensors of one experiment apart.

A series is (experiment, measure type, sensor, tags). A measure without a sensor and without tags
belongs to the default series of its experiment and measure type. The labels are checked here,
once for the consumer and the API alike:

- `sensor`: a string of 1 to `MAX_SENSOR` characters, no control character;
- `tags`: an object of at most `MAX_TAGS` pairs, each key matching `TAG_KEY`, each value a
  string of 1 to `MAX_TAG_VALUE` characters, no control character.

Tags are kept in one canonical text (sorted keys, compact JSON), so the same tags in any order
are the same series.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Final, NamedTuple

from mymonit.domain.errors import BadLabels
from mymonit.domain.rules import CONTROL

MAX_LABEL: Final = 128  # characters of a sensor or of a tag value
MAX_SENSOR: Final = MAX_LABEL
MAX_TAG_VALUE: Final = MAX_LABEL
MAX_TAGS: Final = 8
TAG_KEY: Final = re.compile(r"[a-z][a-z0-9_]{0,31}")
NO_TAGS: Final = "{}"
LABEL_PATTERN: Final = rf"^[^{CONTROL}]{{1,{MAX_LABEL}}}$"  # a sensor, or a tag's value
_LABEL: Final = re.compile(LABEL_PATTERN)
_SEPARATOR: Final = b"\x1f"  # a control character: no sensor, tag key or value holds one


class Labels(NamedTuple):
    """A series' labels within its experiment and measure type: `sensor` or None, canonical `tags`."""

    sensor: str | None = None
    tags: str = NO_TAGS

    @property
    def is_default(self) -> bool:
        return self.sensor is None and self.tags == NO_TAGS

    def dedup_suffix(self) -> bytes:
        """What these labels add to a measure's dedup key: nothing for the default series, so the
        keys of measures without labels stay what they were before series existed."""
        if self.is_default:
            return b""
        return _SEPARATOR + (self.sensor or "").encode() + _SEPARATOR + self.tags.encode() + _SEPARATOR


DEFAULT_LABELS: Final = Labels()


def check_sensor(sensor: object) -> str | None:
    """`sensor` itself when it is valid or absent (None); raises `BadLabels`."""
    if sensor is None:
        return None
    if type(sensor) is not str or not _LABEL.fullmatch(sensor):
        raise BadLabels("sensor", f"a sensor must be a string of 1 to {MAX_SENSOR} characters,"
                                  " without control characters")
    return sensor


def canonical_tags(tags: object) -> str:
    """The canonical text of valid (or absent) tags; raises `BadLabels`."""
    if tags is None:
        return NO_TAGS
    if type(tags) is not dict:
        raise BadLabels("tags", "tags must be an object of string values")
    if len(tags) > MAX_TAGS:
        raise BadLabels("tags", f"{len(tags)} tags given; at most {MAX_TAGS} are allowed")
    for key, value in tags.items():
        if not TAG_KEY.fullmatch(key):
            raise BadLabels("tags", "a tag key must match ^[a-z][a-z0-9_]{0,31}$")
        if type(value) is not str or not _LABEL.fullmatch(value):
            raise BadLabels("tags", f"a tag value must be a string of 1 to {MAX_TAG_VALUE} characters,"
                                    " without control characters")
    return json.dumps(tags, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def labels(sensor: object, tags: object) -> Labels:
    """The checked labels of a measure's `sensor` and `tags` fields (either may be None)."""
    return Labels(check_sensor(sensor), canonical_tags(tags))


def identity_hash(experiment_id: int, type_id: int, labels: Labels) -> bytes:
    """The 16 bytes that identify a series in storage (the `series` table's unique key):
    SHA-256 of its experiment, measure type, sensor and canonical tags, truncated."""
    text = f"{experiment_id}\x1f{type_id}\x1f{labels.sensor or ''}\x1f{labels.tags}"
    return hashlib.sha256(text.encode()).digest()[:16]


class Selector(NamedTuple):
    """Which series of an experiment a read asks for: a sensor and tags that must all match."""

    sensor: str | None = None
    tags: tuple[tuple[str, str], ...] = ()

    @property
    def is_everything(self) -> bool:
        return self.sensor is None and not self.tags


EVERY_SERIES: Final = Selector()


def selector(sensor: str | None, tags: dict[str, str]) -> Selector:
    """A selector from a read's `sensor=` and `tag.<key>=` parameters; raises `BadLabels`."""
    if tags:
        canonical_tags(tags)  # the same rules as stored tags: a filter that cannot match is an error
    return Selector(check_sensor(sensor), tuple(sorted(tags.items())))


class SeriesInfo(NamedTuple):
    """A series as listed: its id, measure type, labels, and first and last measure (None: none yet)."""

    series_id: int
    type_id: int
    labels: Labels
    first: str | None
    last: str | None
