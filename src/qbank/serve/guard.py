"""What keeps the practice server safe as a public service: security headers on every response, a bounded
request body and form, and a per-client token-bucket rate limit (in memory)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

MAX_BODY = 16 * 1024  # bytes of a submitted form (of each part, on a multi-part question's page)
MAX_FIELD = 200  # characters of one form field (the inputs say maxlength=200)
MAX_FIELDS = 64  # fields of one form (of each part, on a multi-part question's page)
HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


class Refused(Exception):
    """A request the server refuses: its HTTP status (4xx) and a message for the person who sent it."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def read_form(body: bytes, content_type: str, parts: int = 1) -> list[tuple[str, str]]:
    """The (name, value) pairs of a urlencoded form body, bounded (per part of a multi-part question; raises
    Refused)."""
    if content_type.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        raise Refused(415, "send the answers as a form (application/x-www-form-urlencoded)")
    if len(body) > MAX_BODY * parts:
        raise Refused(413, f"the form is larger than {MAX_BODY * parts} bytes")
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS * parts, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise Refused(400, f"the form cannot be read: {str(exc)[:120]}") from None
    for name, value in pairs:
        if len(name) > MAX_FIELD or len(value) > MAX_FIELD:
            raise Refused(413, f"a field is longer than {MAX_FIELD} characters")
    return pairs


@dataclass
class RateLimit:
    """A token bucket per client: `burst` requests at once, refilled at `per_second` (in memory, thread-safe)."""

    burst: float = 60.0
    per_second: float = 2.0
    clock: Callable[[], float] = time.monotonic
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    max_clients: int = 10_000

    def allow(self, client: str) -> bool:
        """Take one token from the client's bucket; False when it is empty."""
        now = self.clock()
        with self.lock:
            if len(self.buckets) >= self.max_clients and client not in self.buckets:
                self.buckets.clear()  # bounded memory: forget every bucket rather than grow without end
            tokens, last = self.buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.per_second)
            if tokens < 1:
                self.buckets[client] = (tokens, now)
                return False
            self.buckets[client] = (tokens - 1, now)
            return True
