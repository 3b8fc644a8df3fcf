"""Query plans: EXPLAIN, and MariaDB's ANALYZE FORMAT=JSON (the plan as executed, with real row counts)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, cast

from mymonit.storage.session import Connection

COLUMNS = ("id", "select_type", "table", "type", "possible_keys", "key", "key_len", "ref", "rows", "Extra")


def explain(connection: Connection, title: str, sql: str, params: tuple[Any, ...],
            expected_keys: set[str], max_rows: int | None = None) -> list[str]:
    """Print the plan of one query; returns the WARNING lines (also printed). `max_rows`: the most
    rows (index entries) the executed plan may read from any table, as ANALYZE counts them."""
    cursor: Any = cast(Any, connection).cursor(dictionary=True)  # the driver's own cursor: rows as dicts
    cursor.execute("EXPLAIN " + sql, params)
    rows: list[dict[str, Any]] = cursor.fetchall()
    cursor.execute("ANALYZE FORMAT=JSON " + sql, params)
    analyzed = json.loads(str(cursor.fetchall()[0]["ANALYZE"]))
    cursor.close()

    print(f"\n{title}")
    print("  SQL:", sql.replace("%s", "?"))
    print("  params:", ", ".join(str(p) for p in params))
    widths = {c: max(len(c), *(len(str(r.get(c))) for r in rows)) for c in COLUMNS}
    print("  " + " | ".join(c.ljust(widths[c]) for c in COLUMNS))
    for row in rows:
        print("  " + " | ".join(str(row.get(c)).ljust(widths[c]) for c in COLUMNS))
    read = []
    for table in _tables(analyzed):
        print("  ANALYZE:", _facts(table, analyzed))
        read.append(float(table.get("r_rows") or 0))
    too_many = [f"WARNING: {title}: read {r:,.0f} rows, more than the {max_rows:,} it returns at most"
                for r in read if max_rows is not None and r > max_rows]
    return _warnings(title, rows, expected_keys, too_many)


def _tables(node: Any) -> Iterator[dict[str, Any]]:
    """Every "table" object of the JSON plan, however deeply filesort/temporary wrap it."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "table" and isinstance(value, dict):
                yield value
            yield from _tables(value)
    elif isinstance(node, list):
        for item in node:
            yield from _tables(item)


def _facts(table: dict[str, Any], plan: dict[str, Any]) -> str:
    block = plan.get("query_block", {})
    text = json.dumps(plan)
    facts = [
        f"access_type={table.get('access_type')}",
        f"key={table.get('key')}",
        f"used_key_parts={','.join(table.get('used_key_parts', []))}",
        f"using_index={table.get('using_index', False)}",
        f"rows(est)={table.get('rows')}",
        f"r_rows={table.get('r_rows')}",
        f"r_filtered={table.get('r_filtered')}",
        f"filesort={'filesort' in text}",
        f"temporary={'temporary_table' in text}",
        f"query r_total_time_ms={block.get('r_total_time_ms')}",
    ]
    return ", ".join(facts)


def _warnings(title: str, rows: list[dict[str, Any]], expected_keys: set[str], found: list[str]) -> list[str]:
    warnings = list(found)
    for row in rows:
        extra = str(row.get("Extra") or "")
        if row.get("type") == "ALL":
            warnings.append(f"WARNING: {title}: full table scan (type=ALL)")
        if row.get("key") not in expected_keys:
            warnings.append(f"WARNING: {title}: uses index {row.get('key')}, expected one of {sorted(expected_keys)}")
        # The primary key is the clustered index: its range holds the rows themselves.
        if "Using index" not in extra.split("; ") and row.get("key") != "PRIMARY":  # not "Using index condition"
            warnings.append(f"WARNING: {title}: not covering (no 'Using index'): the rows are read from the table")
    for line in warnings:
        print("  " + line)
    if not warnings:
        print(f"  OK: index {rows[0].get('key')}, covering or clustered, no full table scan, no row read beyond the"
              " result")
    return warnings
