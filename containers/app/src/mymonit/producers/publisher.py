"""Publishing with windowed publisher confirms, reconnecting and resending after a broker failure."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pika
import pika.exceptions
from pika.adapters.select_connection import IOLoop
from pika.channel import Channel
from pika.spec import Basic

from mymonit.producers.confirms import ConfirmWindow, Outgoing

log = logging.getLogger(__name__)

_FATAL_REPLY_CODES = {403: "access refused", 404: "not found"}
_CHUNK = 256  # messages taken from the window per lock, so producers are not held up meanwhile


class PublishFailed(RuntimeError):
    """The broker refused the account or the exchange, or stayed unreachable for too long."""


class ConfirmedPublisher:
    """Publishes persistent messages to one exchange, with at most `window` awaiting their confirm.

    `publish` blocks while the window is full; `close` blocks until every message is confirmed.
    The AMQP connection lives on a thread of its own (pika's SelectConnection, one IOLoop), so a
    slow producer (a person typing on stdin) never starves its heartbeats. After a lost
    connection it reconnects with back-off and resends every unconfirmed message: delivery is at
    least once, so producers give each measure an `id` and resent copies are exact duplicates.
    Messages are published `mandatory`: the unroutable ones are listed in `window.unroutable`.
    Raises `PublishFailed` for a refused login or exchange, or after `give_up_after` seconds
    without a connection.
    """

    def __init__(self, parameters: pika.ConnectionParameters, exchange: str, routing_key: str, *,
                 window: int = 1_000, give_up_after: float = 120.0, app_id: str = "mymonit-adapter") -> None:
        self._parameters = parameters
        self._exchange = exchange
        self._routing_key = routing_key
        self._limit = window
        self._give_up_after = give_up_after
        self._app_id = app_id
        self.window = ConfirmWindow()
        self._cond = threading.Condition()
        self._failure: PublishFailed | None = None
        self._channel: Channel | None = None
        self._connection: pika.SelectConnection | None = None
        self._wake_pending = False
        self._closing = False
        self._connected_once = False
        self._down_since: float | None = time.monotonic()
        self._retry_delay = 0.2
        self._ioloop = IOLoop()
        self._thread = threading.Thread(target=self._run, name="mymonit-publisher", daemon=True)
        self._thread.start()

    def publish(self, body: bytes, message_id: str) -> None:
        """Queue `body` for publishing; blocks while `window` messages await their confirm."""
        with self._cond:
            while self.window.outstanding >= self._limit and self._failure is None:
                self._cond.wait(1.0)
            self._raise_if_failed()
            self.window.add(Outgoing(message_id, body))
            wake, self._wake_pending = not self._wake_pending, True
        if wake:
            self._ioloop.add_callback_threadsafe(self._pump)

    def close(self, timeout: float | None = None) -> None:
        """Wait until every message is confirmed (or `timeout` seconds), then disconnect."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self.window.outstanding and self._failure is None:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    self._failure = PublishFailed(f"{self.window.outstanding} messages still unconfirmed")
                    break
                self._cond.wait(1.0 if left is None else min(1.0, left))
        self._ioloop.add_callback_threadsafe(self._shutdown)
        self._thread.join(30.0)
        with self._cond:
            self._raise_if_failed()

    def _raise_if_failed(self) -> None:
        if self._failure is not None:
            raise self._failure

    # Everything below runs on the IOLoop's thread.

    def _run(self) -> None:
        try:
            self._connect()
            self._ioloop.start()
        finally:
            self._ioloop.close()

    def _connect(self) -> None:
        self._connection = pika.SelectConnection(
            self._parameters, on_open_callback=self._on_open, on_open_error_callback=self._on_open_error,
            on_close_callback=self._on_closed, custom_ioloop=self._ioloop,
        )

    def _on_open(self, connection: pika.SelectConnection) -> None:
        connection.channel(on_open_callback=self._on_channel)

    def _on_channel(self, channel: Channel) -> None:
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        channel.confirm_delivery(self._on_confirm, callback=lambda _frame: self._ready(channel))

    def _ready(self, channel: Channel) -> None:
        with self._cond:
            self.window.restart()
        self._channel, self._retry_delay, self._down_since = channel, 0.2, None
        self._connected_once = True
        log.debug("publisher connected; resending %d unconfirmed messages", self.window.outstanding)
        self._pump()

    def _pump(self) -> None:
        while True:
            with self._cond:
                self._wake_pending = False
                channel = self._channel
                if channel is None or not channel.is_open:
                    return
                chunk = [taken[1] for _ in range(_CHUNK) if (taken := self.window.take()) is not None]
            if not chunk:
                return
            for message in chunk:
                properties = pika.BasicProperties(
                    delivery_mode=pika.DeliveryMode.Persistent, content_type="application/json",
                    message_id=message.message_id, app_id=self._app_id,
                )
                channel.basic_publish(self._exchange, self._routing_key, message.body, properties, mandatory=True)

    def _on_confirm(self, frame: Any) -> None:
        method = frame.method
        with self._cond:
            if isinstance(method, Basic.Ack):
                self.window.acked(method.delivery_tag, method.multiple)
            else:
                self.window.nacked(method.delivery_tag, method.multiple)
            self._cond.notify_all()
        if not isinstance(method, Basic.Ack):
            self._pump()

    def _on_return(self, _channel: Channel, _method: Any, properties: pika.BasicProperties, _body: bytes) -> None:
        with self._cond:
            self.window.returned(properties.message_id or "")

    def _on_channel_closed(self, _channel: Channel, reason: BaseException) -> None:
        self._channel = None
        problem = isinstance(reason, pika.exceptions.ChannelClosedByBroker) and _FATAL_REPLY_CODES.get(
            reason.reply_code)
        if problem:
            self._fail(f"the broker refused to publish to {self._exchange!r} ({problem}): {reason}")
        if self._connection is not None and self._connection.is_open:
            self._connection.close()

    def _on_open_error(self, _connection: Any, error: BaseException) -> None:
        # A refused login is fatal on the first connection only: a broker still starting after a
        # restart may close a handshake in a way pika reports as one.
        login = pika.exceptions.ProbableAuthenticationError | pika.exceptions.AuthenticationError
        if isinstance(error, login) and not self._connected_once:
            self._fail(f"the broker refused the login: {error}")
        self._on_closed(_connection, error)

    def _on_closed(self, _connection: Any, reason: BaseException) -> None:
        self._channel = None
        if self._closing or self._failure is not None:
            self._ioloop.stop()
            return
        now = time.monotonic()
        self._down_since = self._down_since or now
        if now - self._down_since > self._give_up_after:
            self._fail(f"the broker stayed unreachable for {self._give_up_after:.0f} s: {reason}")
            self._ioloop.stop()
            return
        log.warning("publisher lost the broker (%s); reconnecting in %.1f s", reason, self._retry_delay)
        self._ioloop.call_later(self._retry_delay, self._connect)
        self._retry_delay = min(5.0, self._retry_delay * 2)

    def _fail(self, message: str) -> None:
        with self._cond:
            self._failure = self._failure or PublishFailed(message)
            self._cond.notify_all()

    def _shutdown(self) -> None:
        self._closing = True
        connection = self._connection
        if connection is None or connection.is_closed:
            self._ioloop.stop()
        elif not connection.is_closing:
            connection.close()  # its close callback stops the loop
