"""The CSV replay's rows (`mymonit publish csv`): `timestamp,value[,measure]`, plus the label columns a header names.

Without a header, or with a header (a first row starting with `timestamp`) that names no label
column, a row is `timestamp,value[,measure]`, as before series existed. A header that names a
`sensor` or `tag.<key>` column lays out every row: a row has the header's number of fields, the
label columns are found by name, and the other columns are, in order, the timestamp, the value
and optionally the measure. A label cell overrides the adapter's `--sensor` (or its `--tag` of
the same key) for its row; an empty cell sets nothing, so the option (if any) applies.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from mymonit.domain.series import TAG_KEY, canonical_tags, check_sensor
from mymonit.producers.sources import Sample, Skipped, parse_timestamp, parse_value

_POSITIONAL = "timestamp,value[,measure]"
_TAG_PREFIX = "tag."
# A file names few distinct sensors and tags: each combination is checked once, in bounded memory.
_CHECKED_LABELS = 4_096

Labels = tuple[str | None, dict[str, str] | None]  # a sample's sensor and tags (None: none)


@dataclass(frozen=True, slots=True)
class CsvLayout:
    """Where the cells of a row are under a header that names label columns (the timestamp is first)."""

    value: int
    measure: int | None
    sensor: int | None
    tags: tuple[tuple[str, int], ...]  # (key, column index) of each `tag.<key>` column
    width: int  # the fields of every row
    columns: str  # the header, as an error names it


def header_layout(names: Sequence[str]) -> CsvLayout | None:
    """The layout a header row gives (None: no label column, rows are `timestamp,value[,measure]`);
    raises ValueError for a header whose columns the replay cannot follow."""
    kinds = [_label_column(index, name) for index, name in enumerate(names)]
    labels = [(kind, index) for index, kind in enumerate(kinds) if kind is not None]
    if not labels:
        return None  # as before series: the header is only skipped
    plain = [index for index, kind in enumerate(kinds) if kind is None]
    _check_columns(names, labels, plain)
    return CsvLayout(
        value=plain[1], measure=plain[2] if len(plain) == 3 else None,
        sensor=next((index for kind, index in labels if kind == "sensor"), None),
        tags=tuple((kind.removeprefix(_TAG_PREFIX), index) for kind, index in labels if kind != "sensor"),
        width=len(names), columns=",".join(names),
    )


def _label_column(index: int, name: str) -> str | None:
    """`sensor`, `tag.<key>`, or None for the timestamp, value or measure column; raises ValueError."""
    if name.lower() == "sensor":
        return "sensor"
    if name[:len(_TAG_PREFIX)].lower() != _TAG_PREFIX:
        return None
    key = name[len(_TAG_PREFIX):]
    if not TAG_KEY.fullmatch(key):
        raise ValueError(f"column {index + 1} {name[:40]!r}: a tag key must match ^[a-z][a-z0-9_]{{0,31}}$")
    return _TAG_PREFIX + key


def _check_columns(names: Sequence[str], labels: list[tuple[str, int]], plain: list[int]) -> None:
    seen: set[str] = set()
    for kind, index in labels:
        if kind in seen:
            raise ValueError(f"column {index + 1} {names[index][:40]!r} is there twice")
        seen.add(kind)
    if len(plain) < 2:
        raise ValueError("the header names no value column (the second column that is no label)")
    if len(plain) > 3:
        raise ValueError(f"column {plain[3] + 1} {names[plain[3]][:40]!r} is none of timestamp, value, measure,"
                         " sensor, tag.<key>")


class _PositionalRows:
    """Rows `timestamp,value[,measure]`, each with the adapter's labels (the hot path: kept lean)."""

    def __init__(self, sensor: str | None, tags: dict[str, str] | None) -> None:
        self._sensor, self._tags = sensor, tags or None

    def read(self, number: int, fields: Sequence[str]) -> Sample | Skipped:
        count = len(fields)
        if count != 2 and not (count == 3 and fields[2]):
            return Skipped(number, f"expected {_POSITIONAL}, got {count} fields")
        try:
            return Sample(parse_timestamp(fields[0]), parse_value(fields[1]), fields[2] if count == 3 else None,
                          self._sensor, self._tags)
        except ValueError as error:
            return Skipped(number, str(error))


class _LabelledRows:
    """Rows of a header's layout: each row's label cells over the adapter's labels."""

    def __init__(self, layout: CsvLayout, sensor: str | None, tags: dict[str, str] | None) -> None:
        self._layout, self._width = layout, layout.width
        self._defaults: Labels = (sensor, tags or None)
        self._labels = functools.lru_cache(maxsize=_CHECKED_LABELS)(self._checked_labels)

    def read(self, number: int, fields: Sequence[str]) -> Sample | Skipped:
        layout = self._layout
        if len(fields) != self._width:
            return Skipped(number, f"expected {self._width} fields ({layout.columns}), got {len(fields)}")
        measure = None if layout.measure is None else fields[layout.measure]
        if measure == "":
            return Skipped(number, "the measure cell is empty")
        try:
            timestamp, value = parse_timestamp(fields[0]), parse_value(fields[layout.value])
            sensor, tags = self._row_labels(fields)
        except ValueError as error:  # BadLabels included: its message names the field, not the value
            return Skipped(number, str(error))
        return Sample(timestamp, value, measure, sensor, tags)

    def _row_labels(self, fields: Sequence[str]) -> Labels:
        sensor = "" if self._layout.sensor is None else fields[self._layout.sensor]
        return self._labels(sensor, tuple(fields[index] for _key, index in self._layout.tags))

    def _checked_labels(self, sensor_cell: str, tag_cells: tuple[str, ...]) -> Labels:
        """The labels of a row's cells over the defaults; raises BadLabels (so nothing is cached)."""
        default_sensor, default_tags = self._defaults
        sensor = check_sensor(sensor_cell or default_sensor)
        tags = dict(default_tags or {})
        tags.update((key, cell) for (key, _index), cell in zip(self._layout.tags, tag_cells, strict=True) if cell)
        canonical_tags(tags)
        return sensor, tags or None


def _rows(header: Sequence[str] | None, sensor: str | None,
          tags: dict[str, str] | None) -> _PositionalRows | _LabelledRows:
    layout = None if header is None else header_layout(header)
    return _PositionalRows(sensor, tags) if layout is None else _LabelledRows(layout, sensor, tags)


def _fields(line: str) -> list[str]:
    return [field.strip() for field in line.strip().split(",")]


def _is_header(fields: Sequence[str]) -> bool:
    return fields[0].lower() == "timestamp"


def check_header(first_line: bytes) -> None:
    """Raises ValueError when a file's first line is a header the replay cannot follow, so the
    command refuses the file before publishing anything; any other first line is left to `csv_samples`."""
    try:
        fields = _fields(first_line.decode("utf-8"))
    except UnicodeDecodeError:
        return  # csv_samples reports it as line 1
    if _is_header(fields):
        header_layout(fields)


def csv_samples(lines: Iterable[str | bytes], *, sensor: str | None = None,
                tags: dict[str, str] | None = None) -> Iterator[Sample | Skipped]:
    """The samples of a CSV file's lines (the layout above), with the checked `sensor` and `tags`
    of the adapter under each row's label cells; blank lines are ignored.

    Lines may be bytes (a file opened in binary): one that is not UTF-8 is skipped and reported, and
    so is a row whose labels break the series rules. Raises ValueError for a header it cannot
    follow (`check_header` tells before).
    """
    rows = _rows(None, sensor, tags)
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError:
            yield Skipped(number, "the line is not valid UTF-8")
            continue
        fields = _fields(line)
        if fields == [""]:
            continue
        if number == 1 and _is_header(fields):
            rows = _rows(fields, sensor, tags)
        else:
            yield rows.read(number, fields)
