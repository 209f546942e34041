"""The shared cache (Redis) that the site survives losing.

Django's RedisCache raises on every call while Redis is unreachable, and the page cache, the
shared fragments and the booking rate limit all read it on every request: one stopped Redis
turned every page into a 500. This backend answers from this process's own memory instead
until Redis is back. Pages, booking and the admin keep working, a little slower (each
process warms its own copies) and the booking rate limit counts per process (so at most
"app processes x the limit" posts an hour from one address get through). It warns once when
Redis goes and says once when it is back; in between it tries Redis again every
RETRY_SECONDS, so a dead Redis costs one refused connection per process per interval, not
one per call.

When Redis answers again it is cleared once: content may have changed while it was away,
and only this process's memory heard about it.
"""

import contextlib
import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
REDIS_UNREACHABLE = (RedisConnectionError, RedisTimeoutError)

# Per process, shared by its threads (Django makes one backend object per thread): since
# when each Redis location has been unreachable.
_down_since: dict[str, float] = {}
_state_lock = threading.Lock()


def _falls_back(name: str):
    def method(self, *args, **kwargs):
        if self._worth_trying_redis():
            try:
                result = getattr(RedisCache, name)(self, *args, **kwargs)
            except REDIS_UNREACHABLE as error:
                self._went_away(error)
            else:
                self._answered()
                return result
        return getattr(self._local, name)(*args, **kwargs)

    method.__name__ = name
    return method


class FallbackRedisCache(RedisCache):
    """RedisCache that degrades to this process's memory while Redis is unreachable.
    OPTIONS may hold RETRY_SECONDS (default 5); the rest go to redis-py as usual."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = str(server)
        # Same name, same memory for every thread of the process.
        self._local = LocMemCache(f"redis-fallback:{self._location}", params)

    def is_unreachable(self) -> bool:
        """Whether Redis failed last time this process tried it: what is stored meanwhile
        stays in this process. (The counts of allure/base/counts.py pause then.)"""
        return self._location in _down_since

    def _worth_trying_redis(self) -> bool:
        since = _down_since.get(self._location)
        return since is None or time.monotonic() - since >= self.retry_seconds

    def _went_away(self, error: Exception) -> None:
        with _state_lock:
            first = self._location not in _down_since
            _down_since[self._location] = time.monotonic()
        if first:
            logger.warning(
                "Redis at %s is unreachable (%s): caching in this process's memory and "
                "counting the booking rate limit per process until it is back.",
                self._location,
                error,
            )

    def _answered(self) -> None:
        if self._location not in _down_since:
            return
        with _state_lock:
            came_back = _down_since.pop(self._location, None) is not None
        if came_back:
            logger.warning("Redis at %s answers again: using the shared cache.", self._location)
            # Content changes made meanwhile were only heard by this process's memory.
            with contextlib.suppress(REDIS_UNREACHABLE):
                RedisCache.clear(self)
            self._local.clear()

    add = _falls_back("add")
    get = _falls_back("get")
    set = _falls_back("set")
    touch = _falls_back("touch")
    delete = _falls_back("delete")
    get_many = _falls_back("get_many")
    set_many = _falls_back("set_many")
    delete_many = _falls_back("delete_many")
    has_key = _falls_back("has_key")
    incr = _falls_back("incr")
    clear = _falls_back("clear")
