"""Slow and greedy clients, stopped where the bytes arrive: uvicorn's httptools protocol with a
deadline for the request head, one for the body, and a cap on the head's size.

uvicorn arms its keep-alive timer only between requests, so a client that opens a connection
and trickles a header byte every few seconds (slowloris) would hold it for ever; here the head
must be complete within ``header_timeout_s`` of the connection (or of the previous response),
the body within ``body_timeout_s`` of the head, and the head may not exceed ``max_header_bytes``
(431, never echoed back).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


@dataclass(frozen=True)
class Limits:
    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    max_header_bytes: int = 16_384


_limits = Limits()


def configure(limits: Limits) -> None:
    """Set the limits of every connection this process accepts from now on (``from_env``)."""
    global _limits  # one value per server process, set once at start-up
    _limits = limits


class GuardedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with head and body deadlines and a head size cap."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limits = _limits
        self._head_bytes = 0
        self._in_head = True
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self._limits.header_timeout_s)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
            if self._head_bytes > self._limits.max_header_bytes + 4:
                self._refuse_head()
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_bytes = 0
        if self._deadline is None:
            self._arm(self._limits.header_timeout_s)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._arm(self._limits.body_timeout_s)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._in_head = True
        self._head_bytes = 0

    def _refuse_head(self) -> None:
        message = (
            f"Request head exceeds {self._limits.max_header_bytes} bytes (LG_MAX_HEADER_BYTES)\n"
        )
        body = message.encode("ascii")
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: text/plain; charset=utf-8\r\n"
            b"content-length: " + str(len(body)).encode("ascii") + b"\r\n"
            b"connection: close\r\n\r\n" + body
        )
        self.transport.close()

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        """The client was too slow: close the connection (a response in progress is cut)."""
        self._deadline = None
        if self.cycle is not None and not self.cycle.response_complete and not self._in_head:
            self.cycle.disconnected = True
        if not self.transport.is_closing():
            self.transport.close()
