"""Counting requests against limits that must hold even when the limiter's shared
storage (Redis) is down or slow: short socket timeouts (config), and on any storage
error a per-process count in memory for a while (a circuit breaker), with a warning in
the log and `degraded` in /readyz. Limits stay enforced -- per process instead of shared
-- and no request fails because Redis did. Flask-Limiter's own decorated limits (the
apply form) fall back the same way (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from flask import current_app
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from consult.extensions import limiter

log = logging.getLogger(__name__)
# After a storage error, how long the memory count is used before trying Redis again.
RETRY_SHARED_AFTER = 15.0


@dataclass
class _State:
    """Per app (per process): the memory count and until when the shared one is down."""

    memory: MovingWindowRateLimiter = field(
        default_factory=lambda: MovingWindowRateLimiter(MemoryStorage())
    )
    shared_down_until: float = 0.0

    def shared_usable(self) -> bool:
        return time.monotonic() >= self.shared_down_until

    def shared_failed(self, error: Exception) -> None:
        if self.shared_usable():
            log.warning(
                "Rate limit storage unreachable (%s): counting in this process for %.0f s",
                type(error).__name__,
                RETRY_SHARED_AFTER,
            )
        self.shared_down_until = time.monotonic() + RETRY_SHARED_AFTER


def _state() -> _State:
    return current_app.extensions.setdefault("consult_ratelimits", _State())


def hit(item: RateLimitItem, *identifiers: str) -> bool:
    """Count one against `item` for `identifiers`; False when over the limit."""
    state = _state()
    if state.shared_usable():
        try:
            return limiter.limiter.hit(item, *identifiers)
        except Exception as error:  # any storage failure: refused, timed out, reset
            state.shared_failed(error)
    return state.memory.hit(item, *identifiers)


def hit_each(*limits: tuple[str, tuple[str, ...]]) -> bool:
    """Count one against every (limit string, identifiers) -- each of its items ("10 per
    minute;60 per hour") -- and all of them even when one is over; False when any is.
    Always True while RATELIMIT_ENABLED is off."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    allowed = True
    for limit, identifiers in limits:
        for item in parse_many(limit):
            if not hit(item, *identifiers):
                allowed = False
    return allowed


def clear(item: RateLimitItem, *identifiers: str) -> None:
    """Forget the count (in both places: the memory one may have been used)."""
    state = _state()
    state.memory.clear(item, *identifiers)
    if state.shared_usable():
        try:
            limiter.limiter.clear(item, *identifiers)
        except Exception as error:
            state.shared_failed(error)


def degraded() -> bool:
    """Whether limits are counted per process now: the shared storage failed lately or
    does not answer a ping (within the socket timeout)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return False
    if not _state().shared_usable():
        return True
    try:
        return not limiter.storage.check()
    except Exception:
        return True
