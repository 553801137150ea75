"""The Redis cache backend, with one redis-py client per connection pool.

Django's RedisCacheClient builds a new `redis.Redis` for every cache call, and each
builds its table of about 170 response callbacks: measured at 0.4 ms of CPU per call
under cProfile, three calls per scenario submission (the throttle's read and write
among them), on the path the deadline burst loads (B8, docs/benchmarks.md). redis-py
clients are safe to share between threads, and Django's cache handler already keeps
one backend per thread, so the client is built once per pool and reused.
"""
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedRedisClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisClient
