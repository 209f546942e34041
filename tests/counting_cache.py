"""Django's local-memory cache, also counting how often each key is read: for tests that
hold the number of round trips a request makes to the shared cache, as query-count tests
hold its queries."""

from collections import Counter

from django.core.cache.backends.locmem import LocMemCache


class CountingLocMemCache(LocMemCache):
    reads: Counter = Counter()  # by the key as the caller named it

    def get(self, key, default=None, version=None):
        self.reads[key] += 1
        return super().get(key, default, version)

    def get_many(self, keys, version=None):
        self.reads.update(keys)
        return super().get_many(keys, version)
