"""Looking at the dead-letter queue and replaying from it, for an operator who fixed the cause."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson
import pika
from pika.adapters.blocking_connection import BlockingChannel, BlockingConnection

from mymonit.ingest.dead_letter_publisher import (
    DEAD_AT_HEADER,
    ERROR_HEADER,
    HEADERS,
    REASON_HEADER,
    ROUTING_KEY_HEADER,
)
from mymonit.ingest.topology import Topology

REPLAYS_HEADER = "x-mymonit-replays"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    reason: str
    error: str
    experiment: str
    measures: int | None
    age_seconds: float | None
    size: int


def describe(body: bytes, headers: dict[str, Any], now: float) -> DeadLetter:
    """What an operator needs to know about one dead letter (the body is read leniently)."""
    experiment, measures = _summary(body)
    dead_at = headers.get(DEAD_AT_HEADER)
    return DeadLetter(
        reason=str(headers.get(REASON_HEADER, "rejected by the broker")), error=str(headers.get(ERROR_HEADER, "")),
        experiment=experiment, measures=measures, size=len(body),
        age_seconds=now - float(dead_at) if isinstance(dead_at, int | float) else None,
    )


def _summary(body: bytes) -> tuple[str, int | None]:
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return "?", None
    items = document if isinstance(document, list) else [document]
    names = {str(item.get("experiment", "?")) if isinstance(item, dict) else "?" for item in items}
    experiment = names.pop() if len(names) == 1 else f"{len(names)} experiments"
    return experiment[:64], len(items)


def browse(channel: BlockingChannel, queue: str, limit: int, now: float) -> list[DeadLetter]:
    """Up to `limit` dead letters from the head of `queue`, left in the queue.

    Messages are fetched unacked and handed back with one nack(requeue) at the end, so nothing is
    consumed; while this runs, they are invisible to other readers of the dead-letter queue.
    """
    letters = [describe(body, properties.headers or {}, now) for _tag, properties, body in _get(channel, queue, limit)]
    channel.basic_nack(delivery_tag=0, multiple=True, requeue=True)
    return letters


def replay(connection: BlockingConnection, topology: Topology, limit: int, wanted: Callable[[DeadLetter], bool],
           now: float) -> tuple[int, int]:
    """Republish up to `limit` wanted dead letters to the main exchange, each confirmed before it is
    acked in the dead-letter queue; the others are put back. Returns (replayed, left in place)."""
    reader, writer = connection.channel(), connection.channel()
    writer.confirm_delivery()
    replayed = kept = 0
    depth = reader.queue_declare(topology.dead_queue, passive=True).method.message_count
    for tag, properties, body in _get(reader, topology.dead_queue, depth):
        headers = dict(properties.headers or {})
        if replayed >= limit or not wanted(describe(body, headers, now)):
            kept += 1
            continue
        routing_key = str(headers.get(ROUTING_KEY_HEADER) or topology.routing_key)
        writer.basic_publish(topology.exchange, routing_key, body, _replay_properties(properties, headers),
                             mandatory=True)
        reader.basic_ack(tag)
        replayed += 1
    if kept:
        reader.basic_nack(delivery_tag=0, multiple=True, requeue=True)
    return replayed, kept


def _replay_properties(original: pika.BasicProperties, headers: dict[str, Any]) -> pika.BasicProperties:
    cleaned = {key: value for key, value in headers.items() if key not in HEADERS}
    cleaned[REPLAYS_HEADER] = int(headers.get(REPLAYS_HEADER, 0)) + 1
    return pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent, content_type=original.content_type,
                                message_id=original.message_id, app_id=original.app_id, headers=cleaned)


def _get(channel: BlockingChannel, queue: str, limit: int) -> Iterator[tuple[int, pika.BasicProperties, bytes]]:
    for _ in range(limit):
        method, properties, body = channel.basic_get(queue, auto_ack=False)
        if method is None:
            return
        yield method.delivery_tag, properties, body
