"""The bus between server instances, in-process and over a real Redis server."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import pytest
from redis.asyncio import Redis

from server.live.bus import (
    Bus,
    BusInterrupted,
    BusMessage,
    BusUnavailable,
    InProcessBus,
    RedisBus,
    Subscription,
    SubscriptionOverflow,
    bus_from_url,
)
from tests.fixtures.redis import RedisServer
from tests.fixtures.waiting import eventually

MakeBus = Callable[..., Bus]


async def next_message(subscription: Subscription, timeout: float = 5.0) -> BusMessage:
    async with asyncio.timeout(timeout):
        return await anext(subscription)


async def collect(subscription: Subscription, count: int) -> list[dict[str, Any]]:
    return [(await next_message(subscription)).payload for _ in range(count)]


async def until_subscribed(redis: Redis, channel: str, timeout: float = 15.0) -> None:
    """Wait until one connection subscribes ``channel`` on Redis (the bus reconnected)."""
    async def subscribed_once() -> bool:
        return await redis.pubsub_numsub(channel) == [(channel.encode(), 1)]

    await eventually(subscribed_once, f"one subscriber of {channel} on Redis", timeout)


def reader_tasks() -> list[asyncio.Task[Any]]:
    return [task for task in asyncio.all_tasks() if task.get_name() == "redis-bus-reader"]


@pytest.fixture
def prefix() -> str:
    return f"vb-test-{uuid.uuid4().hex[:8]}:"


@pytest.fixture
async def redis_buses(redis_server: str, prefix: str) -> AsyncIterator[MakeBus]:
    """Makes RedisBus instances, as separate server instances would have, on one Redis."""
    made: list[RedisBus] = []

    def make(**options: Any) -> RedisBus:
        made.append(RedisBus(redis_server, prefix=prefix, **options))
        return made[-1]

    yield make
    for bus in made:
        await bus.close()


@pytest.fixture
async def in_process_buses() -> AsyncIterator[MakeBus]:
    made: list[InProcessBus] = []

    def make(**options: Any) -> InProcessBus:
        made.append(InProcessBus(**options))
        return made[-1]

    yield make
    for bus in made:
        await bus.close()


@pytest.fixture(params=["in_process", "redis"])
def make_bus(request: pytest.FixtureRequest) -> MakeBus:
    factory: MakeBus = request.getfixturevalue(f"{request.param}_buses")
    return factory


@pytest.fixture
def bus(make_bus: MakeBus) -> Bus:
    return make_bus()


@pytest.fixture
async def redis(redis_server: str) -> AsyncIterator[Redis]:
    """A plain client to look at Redis from outside the bus."""
    client = Redis.from_url(redis_server)
    yield client
    await client.aclose()


# Both kinds of bus -------------------------------------------------------------------


async def test_subscriber_receives_what_is_published(bus: Bus) -> None:
    async with await bus.subscribe("room") as subscription:
        await bus.publish("room", {"kind": "changed", "text": "Grüße"})
        message = await next_message(subscription)
    assert message == BusMessage("room", {"kind": "changed", "text": "Grüße"})


async def test_every_subscription_of_a_channel_gets_its_messages_and_no_others(bus: Bus) -> None:
    room_a = await bus.subscribe("room")
    room_b = await bus.subscribe("room")
    visit = await bus.subscribe("visit:1")
    await bus.publish("visit:1", {"n": 1})
    await bus.publish("room", {"n": 2})
    assert (await next_message(room_a)).payload == {"n": 2}
    assert (await next_message(room_b)).payload == {"n": 2}
    assert await next_message(visit) == BusMessage("visit:1", {"n": 1})
    for subscription in (room_a, room_b, visit):
        await subscription.close()


async def test_payload_must_be_a_json_object(bus: Bus) -> None:
    with pytest.raises(TypeError):
        await bus.publish("room", {"at": datetime(2030, 1, 1)})


async def test_add_channels_follows_a_visit_accepted_later(bus: Bus) -> None:
    async with await bus.subscribe("room") as subscription:
        await bus.publish("visit:7", {"type": "chat", "n": 1})
        await bus.publish("room", {"n": 2})
        assert (await next_message(subscription)).payload == {"n": 2}

        await bus.add_channels(subscription, "visit:7")
        await bus.publish("visit:7", {"type": "chat", "n": 3})
        assert await next_message(subscription) == BusMessage("visit:7", {"type": "chat", "n": 3})
        assert subscription.channels == {"room", "visit:7"}


async def test_closed_subscription_receives_nothing_more(bus: Bus) -> None:
    leaving = await bus.subscribe("room")
    staying = await bus.subscribe("room")
    await leaving.close()
    await bus.publish("room", {"n": 1})
    assert (await next_message(staying)).payload == {"n": 1}
    with pytest.raises(StopAsyncIteration):
        await next_message(leaving)
    await staying.close()


async def test_messages_arrive_in_publish_order(bus: Bus) -> None:
    first = await bus.subscribe("visit:1")
    second = await bus.subscribe("visit:1")
    for n in range(500):
        await bus.publish("visit:1", {"n": n})
    expected = [{"n": n} for n in range(500)]
    assert await collect(first, 500) == expected
    assert await collect(second, 500) == expected


async def test_subscriber_that_never_reads_overflows_without_blocking_anyone(
    make_bus: MakeBus,
) -> None:
    bus = make_bus(queue_size=100)
    stuck = await bus.subscribe("room")
    healthy = await bus.subscribe("room")
    received = asyncio.create_task(collect(healthy, 300))

    async with asyncio.timeout(10):
        for n in range(300):
            await bus.publish("room", {"n": n})
            await asyncio.sleep(0)  # as request handlers do between events

    assert await received == [{"n": n} for n in range(300)]
    with pytest.raises(SubscriptionOverflow):
        await next_message(stuck)
    # After the gap it goes on with newer messages, so the WebSocket can resync and continue.
    after_gap = (await next_message(stuck)).payload["n"]
    assert after_gap > 100
    await bus.publish("room", {"n": 300})
    rest = [message.payload["n"] async for message in _until(stuck, 300)]
    assert rest == sorted(rest)
    await stuck.close()
    await healthy.close()


async def _until(subscription: Subscription, last: int) -> AsyncIterator[BusMessage]:
    while True:
        message = await next_message(subscription)
        yield message
        if message.payload["n"] == last:
            return


async def test_closing_the_bus_ends_subscriptions_and_reader(make_bus: MakeBus) -> None:
    bus = make_bus()
    subscription = await bus.subscribe("room")
    await bus.publish("room", {"n": 1})
    assert (await next_message(subscription)).payload == {"n": 1}
    listening = asyncio.create_task(collect_all(subscription))
    await asyncio.sleep(0)  # the listener starts and waits for the next message

    await bus.close()
    async with asyncio.timeout(5):
        assert await listening == []
    assert reader_tasks() == []
    with pytest.raises(BusUnavailable):
        await bus.publish("room", {"n": 2})


async def collect_all(subscription: Subscription) -> list[dict[str, Any]]:
    return [message.payload async for message in subscription]


# Redis between instances ---------------------------------------------------------------


async def test_two_instances_see_each_others_messages(redis_buses: MakeBus) -> None:
    first, second = redis_buses(), redis_buses()
    on_first = await first.subscribe("visit:3")
    on_second = await second.subscribe("visit:3")

    await first.publish("visit:3", {"from": "advisor", "type": "offer"})
    await second.publish("visit:3", {"from": "customer", "type": "answer"})

    for subscription in (on_first, on_second):
        assert [(await next_message(subscription)).payload["from"] for _ in range(2)] == [
            "advisor", "customer"]
    await on_first.close()
    await on_second.close()


async def test_one_redis_subscription_per_channel_until_the_last_local_one_leaves(
    redis_buses: MakeBus, redis: Redis, prefix: str
) -> None:
    bus = redis_buses()
    first = await bus.subscribe("room")
    second = await bus.subscribe("room", "visit:9")
    assert sorted(await redis.pubsub_channels(f"{prefix}*")) == [
        f"{prefix}room".encode(), f"{prefix}visit:9".encode()]
    assert await redis.pubsub_numsub(f"{prefix}room") == [(f"{prefix}room".encode(), 1)]

    await first.close()
    assert sorted(await redis.pubsub_channels(f"{prefix}*")) == [
        f"{prefix}room".encode(), f"{prefix}visit:9".encode()]

    await second.close()
    assert await redis.pubsub_channels(f"{prefix}*") == []
    await bus.publish("room", {"n": 1})
    with pytest.raises(StopAsyncIteration):
        await next_message(second)


async def test_subscribers_receive_again_after_redis_restarts(
    restartable_redis: RedisServer, prefix: str
) -> None:
    bus = RedisBus(restartable_redis.url, prefix=prefix, timeout=1.0)
    observer = Redis.from_url(restartable_redis.url)
    try:
        subscription = await bus.subscribe("room")
        await bus.publish("room", {"n": 1})
        assert (await next_message(subscription)).payload == {"n": 1}

        await asyncio.to_thread(restartable_redis.stop)
        started = time.monotonic()
        with pytest.raises(BusUnavailable):
            await bus.publish("room", {"n": 2})
        with pytest.raises(BusUnavailable):
            await bus.subscribe("visit:1")
        assert time.monotonic() - started < 5

        await asyncio.to_thread(restartable_redis.start)
        await until_subscribed(observer, f"{prefix}room")
        await bus.publish("room", {"n": 3})
        with pytest.raises(BusInterrupted):
            await next_message(subscription)
        assert (await next_message(subscription)).payload == {"n": 3}
        await subscription.close()
    finally:
        await observer.aclose()
        await bus.close()
    assert reader_tasks() == []


def test_bus_from_url_picks_the_kind() -> None:
    assert isinstance(bus_from_url(None), InProcessBus)
    assert isinstance(bus_from_url("redis://127.0.0.1:1/0"), RedisBus)
