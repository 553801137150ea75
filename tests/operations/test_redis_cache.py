"""The Redis cache backend (config/redis_cache.py): Django's behaviour, one client per pool, and throttles
shared by every process that reads it."""
import socket
import threading

import pytest
from django.core.cache import caches

from ..conftest import require_service

REDIS = ("127.0.0.1", 6379)


def _redis_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.fixture
def redis_cache(settings):
    require_service(_redis_up(), "Redis on 127.0.0.1:6379")
    settings.CACHES = {"default": {"BACKEND": "config.redis_cache.ReusedClientRedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/14", "KEY_PREFIX": "redis-cache-test"}}
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def test_the_backend_builds_one_client_per_pool_and_reuses_it(redis_cache):
    client = redis_cache._cache
    assert client.get_client(write=True) is client.get_client(write=False)


def test_the_cache_keeps_djangos_meaning_of_set_add_incr_and_delete(redis_cache):
    redis_cache.set("a", {"x": 1}, 30)
    assert redis_cache.get("a") == {"x": 1}
    assert redis_cache.add("a", "other") is False
    redis_cache.set("n", 1)
    assert redis_cache.incr("n", 4) == 5
    redis_cache.delete("a")
    assert redis_cache.get("a", "gone") == "gone"


def test_threads_sharing_the_client_each_see_their_own_values(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    errors = []

    def work(i):
        try:
            for j in range(50):
                key = f"redis-cache-test:t{i}:{j}"
                client.set(key, str(i * 1000 + j))
                if client.get(key) != str(i * 1000 + j).encode():
                    errors.append((i, j))
        except Exception as exc:  # noqa: BLE001 - any failure of a shared client is the finding
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    client.delete(*[f"redis-cache-test:t{i}:{j}" for i in range(8) for j in range(50)])
    assert errors == []


def _process_cache():
    """The default cache as another web process builds it from the same REDIS_URL: its own client."""
    from config.redis_cache import ReusedClientRedisCache

    return ReusedClientRedisCache("redis://127.0.0.1:6379/14", {"KEY_PREFIX": "redis-cache-test"})


def test_two_web_processes_count_one_address_s_sign_in_tries_against_one_limit(redis_cache):
    from rest_framework.test import APIRequestFactory

    from api.throttles import AuthAddressThrottle

    first, second = AuthAddressThrottle(), AuthAddressThrottle()
    first.cache, second.cache = _process_cache(), _process_cache()
    assert first.cache._cache.get_client(write=True) is not second.cache._cache.get_client(write=True)
    request = APIRequestFactory().post("/api/v1/auth/token/", REMOTE_ADDR="203.0.113.7")
    limit = first.num_requests
    for attempt in range(limit):
        throttle = (first, second)[attempt % 2]  # a load balancer alternating between the two
        assert throttle.allow_request(request, None), attempt
    assert not first.allow_request(request, None)
    assert not second.allow_request(request, None)
    other = APIRequestFactory().post("/api/v1/auth/token/", REMOTE_ADDR="203.0.113.8")
    assert second.allow_request(other, None)  # the limit is the address's, not the processes'


def test_with_the_redis_cache_as_default_a_throttle_s_count_is_read_by_another_process(redis_cache):
    from rest_framework.test import APIRequestFactory

    from api.throttles import AuthAddressThrottle

    throttle = AuthAddressThrottle()  # DRF's cache: the default one, as REDIS_URL configures it
    assert throttle.allow_request(APIRequestFactory().post("/", REMOTE_ADDR="203.0.113.9"), None)
    assert len(_process_cache().get(throttle.key)) == 1
