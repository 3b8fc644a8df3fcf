"""The callers a process remembers: read once, kept until the access stamp moves."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from mymonit.domain.model import Caller
from mymonit.services.ports import AccessStamp, UserRepository

_MOST_REMEMBERED = 10_000


class RememberedCallers:
    """`UserRepository.caller`, remembered per Firebase uid while the stamp keeps its value.

    The stamp is read before the caller is: a change that commits while the caller is being read
    moves the stamp after that read, so what was read is already stale on the next request. Every
    writer of access advances the stamp after its commit and before answering, so no request that
    follows a change is served from before it. `ttl` bounds how long a caller is kept whatever the
    stamp says: the net under changes no stamp heard of (SQL typed by hand, another host). 0: never
    remembered. Unregistered uids are remembered as well, as None; registering advances the stamp.
    """

    def __init__(self, users: UserRepository, stamp: AccessStamp, ttl: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._users = users
        self._stamp = stamp
        self._ttl = ttl
        self._clock = clock
        self._kept: dict[str, tuple[int, float, Caller | None]] = {}
        self._lock = threading.Lock()

    def caller(self, uid: str) -> Caller | None:
        stamp, now = self._stamp.current(), self._clock()
        kept = self._kept.get(uid)
        if kept is not None and kept[0] == stamp and now - kept[1] < self._ttl:
            return kept[2]
        caller = self._users.caller(uid)
        if self._ttl > 0:
            with self._lock:
                if len(self._kept) >= _MOST_REMEMBERED:
                    self._kept.clear()
                self._kept[uid] = (stamp, now, caller)
        return caller
