"""RabbitMQ's TLS listener: adapters publish over AMQPS and verify the broker against the generated CA.

The adapter's connection is built as the adapters build theirs (`adapter_parameters`: ADAPTER_URL
and the publish-only account); the message goes to the `mymonit` exchange of the test vhost with a routing
key of its own, to a queue of this test, so the demo stack's queue never sees it.
"""

from __future__ import annotations

import json
import secrets
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pika
import pika.exceptions
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pika.adapters.blocking_connection import BlockingChannel

from mymonit.config import Settings
from mymonit.ingest.broker import adapter_parameters, connection_parameters
from tests.integration.deploy.deploy_stack import AMQPS_PORT, CA_FILE, port_open, s_client

pytestmark = pytest.mark.usefixtures("amqps_port")
NATIVE_CONF = Path("/etc/rabbitmq/rabbitmq.conf")


@pytest.fixture(scope="session")
def amqps_port() -> int:
    if not CA_FILE.exists() or not port_open(AMQPS_PORT):
        pytest.skip(f"nothing listens on 127.0.0.1:{AMQPS_PORT}: start the broker with ./run-infra.sh")
    return AMQPS_PORT


@pytest.fixture(scope="module")
def tls_settings(settings: Settings) -> Settings:
    adapters = settings.ADAPTER_URL or settings.RABBIT_URL
    if not adapters.startswith("amqps://"):
        pytest.skip(f"adapters publish to {adapters!r} in .env: ./run-infra.sh sets ADAPTER_URL to amqps://")
    tls = f"amqps://localhost:{AMQPS_PORT}"
    return settings.model_copy(update={"RABBIT_URL": tls, "ADAPTER_URL": tls, "RABBIT_CA_FILE": str(CA_FILE)})


@pytest.fixture
def bound_queue(tls_settings: Settings) -> Iterator[tuple[BlockingChannel, str, str]]:
    """A queue of this test bound to the exchange with a unique routing key (the service account)."""
    connection = pika.BlockingConnection(connection_parameters(tls_settings))
    channel = connection.channel()
    exchange = tls_settings.RABBIT_EXCHANGE
    try:
        channel.exchange_declare(exchange, passive=True)
    except pika.exceptions.ChannelClosedByBroker:
        channel = connection.channel()
        channel.exchange_declare(exchange, exchange_type="direct", durable=True)
    queue = channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
    routing_key = f"deploy-test-{secrets.token_hex(6)}"
    channel.queue_bind(queue, exchange, routing_key)
    yield channel, queue, routing_key
    connection.close()


def test_an_adapter_publishes_over_amqps_with_the_ca_verified(
    tls_settings: Settings, bound_queue: tuple[BlockingChannel, str, str]
) -> None:
    channel, queue, routing_key = bound_queue
    params = adapter_parameters(tls_settings)
    assert params.port == AMQPS_PORT
    assert params.ssl_options is not None
    measure = {"experiment": "device-vibrations", "measure": "hertz", "value": 101.5, "timestamp": 1649228400.25}

    adapter = pika.BlockingConnection(params)
    try:
        publisher = adapter.channel()
        publisher.confirm_delivery()
        publisher.basic_publish(tls_settings.RABBIT_EXCHANGE, routing_key, json.dumps(measure).encode(),
                                pika.BasicProperties(delivery_mode=2, content_type="application/json"),
                                mandatory=True)
    finally:
        adapter.close()

    method, _properties, body = channel.basic_get(queue, auto_ack=True)
    assert method is not None
    assert json.loads(body) == measure


def _throwaway_ca(directory: Path) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Not the MyMONIT CA")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = directory / "other-ca.crt"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path


def test_an_adapter_refuses_a_broker_whose_certificate_another_ca_signed(tls_settings: Settings,
                                                                         tmp_path: Path) -> None:
    wrong = tls_settings.model_copy(update={"RABBIT_CA_FILE": str(_throwaway_ca(tmp_path))})
    params = adapter_parameters(wrong, timeout=5)
    with pytest.raises(ssl.SSLCertVerificationError, match="CERTIFICATE_VERIFY_FAILED"):
        pika.BlockingConnection(params).close()


@pytest.mark.parametrize("version", ["-tls1", "-tls1_1"])
def test_the_broker_refuses_tls_1_0_and_1_1(version: str) -> None:
    done = s_client(AMQPS_PORT, version, "-cipher", "DEFAULT:@SECLEVEL=0")
    assert done.returncode != 0
    assert "alert protocol version" in done.stdout + done.stderr


def test_the_broker_accepts_tls_1_2_with_a_certificate_of_the_generated_ca() -> None:
    done = s_client(AMQPS_PORT, "-tls1_2", "-brief")
    assert done.returncode == 0, done.stderr
    assert "Verification: OK" in done.stdout + done.stderr


def _listening_addresses(port: int) -> set[str]:
    """Local addresses in LISTEN state on PORT, from /proc/net/tcp (IPv4, hex little-endian)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, port_hex = local.split(":")
        if state == "0A" and int(port_hex, 16) == port:
            found.add(".".join(str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


@pytest.mark.parametrize("port", [5672, AMQPS_PORT])
def test_the_native_broker_listens_on_loopback_only(port: int) -> None:
    if "run-infra.sh" not in (NATIVE_CONF.read_text() if NATIVE_CONF.exists() else ""):
        pytest.skip("the broker was not configured by run-infra.sh (compose or another installation)")
    assert _listening_addresses(port) == {"127.0.0.1"}
