"""Publish measures as an adapter does: the adapter's broker account from .env, persistent, confirmed.

    .venv/bin/python containers/web/e2e/publish.py '{"experiment": "device-vibrations", ...}'

The end-to-end tests use it to show that a measure published to RabbitMQ reaches the page.
"""

from __future__ import annotations

import os
import ssl
import sys
from pathlib import Path

import pika

from mymonit.config import Settings

ROOT = Path(__file__).resolve().parents[3]


def load_env(path: Path) -> None:
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            os.environ.setdefault(key.strip(), value.strip().strip("'\""))


def connection_parameters(settings: Settings) -> pika.URLParameters:
    url = settings.amqp_url(settings.ADAPTER_USER, settings.ADAPTER_PASSWORD)
    parameters = pika.URLParameters(url)
    if url.startswith("amqps://"):
        context = ssl.create_default_context(cafile=settings.RABBIT_CA_FILE)
        parameters.ssl_options = pika.SSLOptions(context, parameters.host)
    return parameters


def main(body: str) -> None:
    load_env(ROOT / ".env")
    settings = Settings()
    connection = pika.BlockingConnection(connection_parameters(settings))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish(
            exchange=settings.RABBIT_EXCHANGE, routing_key=settings.RABBIT_ROUTING, body=body.encode("utf-8"),
            properties=pika.BasicProperties(content_type="application/json", delivery_mode=2), mandatory=True,
        )
    finally:
        connection.close()


if __name__ == "__main__":
    main(sys.argv[1])
