"""Live notifications between server instances: "something changed" or "a message for X".

The bus carries no state: every fact is in the database, so a subscriber that misses
messages (it fell behind, or Redis was away for a while) is told so with
:class:`MissedMessages` and resyncs from the database instead of going silently stale.

One instance uses :class:`InProcessBus`; several instances share a :class:`RedisBus`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import (
    ConnectionError as RedisConnectionError,
    TimeoutError as RedisTimeoutError,
)

log = logging.getLogger(__name__)

QUEUE_SIZE = 1000
"""Messages a subscription holds before it counts as fallen behind."""

REDIS_PREFIX = "vb:"
REDIS_TIMEOUT = 2.0
"""Seconds before a Redis call counts as failed: publishers must not hang on a dead Redis."""

RECONNECT_MIN_DELAY = 0.1
RECONNECT_MAX_DELAY = 5.0
HEARTBEAT = 5.0
"""Seconds of silence after which the reader PINGs Redis; a second silence means it is gone."""

_REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


class BusError(Exception):
    """Base of the bus's errors."""


class BusUnavailable(BusError):
    """The bus cannot deliver right now (Redis unreachable, or the bus is closed)."""


class MissedMessages(BusError):
    """The subscription may have missed messages: resync from the database, then keep reading.

    The subscription stays usable; it delivers the messages that arrive after the gap.
    """


class SubscriptionOverflow(MissedMessages):
    """The subscriber fell so far behind that its queue overflowed; queued messages were dropped."""


class BusInterrupted(MissedMessages):
    """The connection to Redis broke and was restored; messages in between are lost."""


@dataclass(frozen=True)
class BusMessage:
    """One notification. Every subscriber gets the same ``payload``: treat it as read-only."""

    channel: str
    payload: dict[str, Any]


def _encode(payload: dict[str, Any]) -> str:
    if not isinstance(payload, dict):
        raise TypeError(f"a bus payload is a JSON object, not {type(payload).__name__}")
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _decode(data: str | bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(data)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


class Subscription:
    """The messages for the channels it follows, in arrival order, as an async iterator.

    Made by :meth:`Bus.subscribe`. Iteration ends when the subscription or its bus is
    closed. ``__anext__`` raises a :class:`MissedMessages` once after a gap and then
    goes on with newer messages. Usable as ``async with``, which closes it.
    """

    def __init__(self, release: Callable[[Subscription], Awaitable[None]], limit: int) -> None:
        self._release = release
        self._limit = limit
        self._channels: set[str] = set()
        self._messages: deque[BusMessage] = deque()
        self._missed: MissedMessages | None = None
        self._arrived = asyncio.Event()
        self._closed = False

    @property
    def channels(self) -> frozenset[str]:
        """The channels this subscription follows."""
        return frozenset(self._channels)

    @property
    def closed(self) -> bool:
        return self._closed

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> BusMessage:
        """The next message; raises :class:`MissedMessages` once after a gap."""
        while True:
            if self._closed:
                raise StopAsyncIteration
            if self._missed is not None:
                missed, self._missed = self._missed, None
                raise missed
            if self._messages:
                return self._messages.popleft()
            self._arrived.clear()
            await self._arrived.wait()

    async def close(self) -> None:
        """Stop following every channel; a pending ``__anext__`` ends the iteration."""
        if self._closed:
            return
        self._end()
        await self._release(self)

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # Called by the bus ------------------------------------------------------------------

    def _deliver(self, message: BusMessage) -> None:
        if self._closed:
            return
        if len(self._messages) >= self._limit:
            # Never wait for a slow reader: drop what it has not read and tell it to resync.
            self._lose(SubscriptionOverflow(
                f"more than {self._limit} unread messages on {sorted(self._channels)}"
            ))
        else:
            self._messages.append(message)
        self._arrived.set()

    def _lose(self, missed: MissedMessages) -> None:
        if self._closed:
            return
        # Queued messages predate the gap; the resync from the database covers them.
        self._messages.clear()
        self._missed = missed
        self._arrived.set()

    def _end(self) -> None:
        self._closed = True
        self._messages.clear()
        self._arrived.set()


class _Router:
    """Which local subscriptions follow which channel; the fan-out both buses share."""

    def __init__(self) -> None:
        self._by_channel: dict[str, set[Subscription]] = {}
        self._all: set[Subscription] = set()

    def __contains__(self, subscription: Subscription) -> bool:
        return subscription in self._all

    def add(self, subscription: Subscription, channels: Iterable[str]) -> tuple[set[str], set[str]]:
        """Follow ``channels``; returns (channels new to this subscription, new to this bus)."""
        self._all.add(subscription)
        added: set[str] = set()
        first: set[str] = set()
        for channel in channels:
            if channel in subscription._channels:
                continue
            subscription._channels.add(channel)
            added.add(channel)
            followers = self._by_channel.setdefault(channel, set())
            if not followers:
                first.add(channel)
            followers.add(subscription)
        return added, first

    def remove(self, subscription: Subscription, channels: Iterable[str] | None = None) -> set[str]:
        """Stop following ``channels`` (default: all); returns the channels nobody follows now."""
        dropped = set(subscription._channels if channels is None else channels)
        subscription._channels -= dropped
        if channels is None:
            self._all.discard(subscription)
        abandoned: set[str] = set()
        for channel in dropped:
            followers = self._by_channel.get(channel, set())
            followers.discard(subscription)
            if not followers:
                self._by_channel.pop(channel, None)
                abandoned.add(channel)
        return abandoned

    def wanted(self, channel: str) -> bool:
        return channel in self._by_channel

    def channels(self) -> list[str]:
        return list(self._by_channel)

    def subscriptions(self) -> list[Subscription]:
        return list(self._all)

    def deliver(self, message: BusMessage) -> None:
        for subscription in self._by_channel.get(message.channel, ()):
            subscription._deliver(message)

    def close_all(self) -> None:
        for subscription in self._all:
            subscription._end()
        self._by_channel.clear()
        self._all.clear()


class Bus(Protocol):
    """Notifications between the server instances; see the module docstring."""

    async def publish(self, channel: str, payload: dict[str, Any]) -> None:
        """Send ``payload`` (a JSON object) to every subscription of ``channel``, everywhere.

        Raises :class:`BusUnavailable` when the message cannot be sent.
        """
        ...

    async def subscribe(self, *channels: str) -> Subscription:
        """Follow ``channels``: every message published after this returns is delivered."""
        ...

    async def add_channels(self, subscription: Subscription, *channels: str) -> None:
        """Let ``subscription`` follow more channels (e.g. a visit its advisor accepted).

        Raises ``ValueError`` if the subscription is closed or from another bus.
        """
        ...

    async def close(self) -> None:
        """End every subscription and release connections and tasks."""
        ...


class InProcessBus:
    """The bus for a single server instance: a fan-out inside the event loop."""

    def __init__(self, *, queue_size: int = QUEUE_SIZE) -> None:
        self._queue_size = queue_size
        self._router = _Router()
        self._closed = False

    async def publish(self, channel: str, payload: dict[str, Any]) -> None:
        """See :meth:`Bus.publish`."""
        if self._closed:
            raise BusUnavailable("the bus is closed")
        # The round trip through JSON keeps the contract of RedisBus: JSON objects only,
        # and subscribers never share the publisher's dict.
        copy = _decode(_encode(payload))
        assert copy is not None
        self._router.deliver(BusMessage(channel, copy))

    async def subscribe(self, *channels: str) -> Subscription:
        """See :meth:`Bus.subscribe`."""
        if self._closed:
            raise BusUnavailable("the bus is closed")
        subscription = Subscription(self._release, self._queue_size)
        self._router.add(subscription, channels)
        return subscription

    async def add_channels(self, subscription: Subscription, *channels: str) -> None:
        """See :meth:`Bus.add_channels`."""
        _check_owner(self._router, subscription)
        self._router.add(subscription, channels)

    async def close(self) -> None:
        """See :meth:`Bus.close`."""
        self._closed = True
        self._router.close_all()

    async def _release(self, subscription: Subscription) -> None:
        self._router.remove(subscription)


def _check_owner(router: _Router, subscription: Subscription) -> None:
    if subscription.closed or subscription not in router:
        raise ValueError("the subscription is closed or belongs to another bus")


class RedisBus:
    """The bus between several server instances, over Redis pub/sub.

    One pub/sub connection per instance, whatever the number of WebSockets: a channel
    is SUBSCRIBEd on Redis while at least one local subscription follows it, and a
    reader task fans messages out locally. When Redis goes away, the reader reconnects
    with backoff, subscribes again and raises :class:`BusInterrupted` in every
    subscription once; meanwhile ``publish`` and ``subscribe`` raise
    :class:`BusUnavailable` within about ``timeout`` seconds.
    """

    def __init__(
        self,
        url: str,
        *,
        prefix: str = REDIS_PREFIX,
        queue_size: int = QUEUE_SIZE,
        timeout: float = REDIS_TIMEOUT,
    ) -> None:
        self._prefix = prefix
        self._queue_size = queue_size
        self._timeout = timeout
        # One immediate retry replaces a pooled connection that Redis closed while idle.
        self._publisher: Redis = Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 1),
        )
        # No retries for the reader: it must see every disconnect to resubscribe and
        # report the gap itself.
        self._listener: Redis = Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
        )
        self._router = _Router()
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._closed = False
        # SUBSCRIBE/UNSUBSCRIBE replies come in command order; a channel's state is
        # known once every command sent for it has been answered.
        self._send_lock = asyncio.Lock()
        self._unanswered: Counter[str] = Counter()
        self._confirmed: set[str] = set()
        self._changed = asyncio.Condition()
        self._failed_connects = 0
        self._wake = asyncio.Event()
        self._was_connected = False
        self._interrupted: set[Subscription] = set()

    # Public API -------------------------------------------------------------------------

    async def publish(self, channel: str, payload: dict[str, Any]) -> None:
        """See :meth:`Bus.publish`."""
        if self._closed:
            raise BusUnavailable("the bus is closed")
        data = _encode(payload)
        try:
            await self._publisher.publish(self._prefix + channel, data)
        except _REDIS_DOWN as error:
            raise BusUnavailable(f"cannot publish on {channel!r}: Redis: {error}") from error

    async def subscribe(self, *channels: str) -> Subscription:
        """See :meth:`Bus.subscribe`; raises :class:`BusUnavailable` if Redis is away."""
        if self._closed:
            raise BusUnavailable("the bus is closed")
        subscription = Subscription(self._release, self._queue_size)
        try:
            await self._follow(subscription, channels)
        except BusUnavailable:
            await subscription.close()
            raise
        return subscription

    async def add_channels(self, subscription: Subscription, *channels: str) -> None:
        """See :meth:`Bus.add_channels`; raises :class:`BusUnavailable` if Redis is away."""
        _check_owner(self._router, subscription)
        await self._follow(subscription, channels)

    async def close(self) -> None:
        """See :meth:`Bus.close`."""
        if self._closed:
            return
        self._closed = True
        self._router.close_all()
        async with self._changed:
            self._changed.notify_all()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        await self._publisher.aclose()
        await self._listener.aclose()

    # Following channels -----------------------------------------------------------------

    async def _follow(self, subscription: Subscription, channels: Iterable[str]) -> None:
        added, first = self._router.add(subscription, channels)
        self._start_reader()
        async with self._send_lock:
            if self._pubsub is None:
                self._wake.set()  # no connection: don't let the reader sleep out its backoff
            elif first:
                # A failed send breaks the connection; the reader then resubscribes.
                with contextlib.suppress(*_REDIS_DOWN):
                    await self._send(self._pubsub, "SUBSCRIBE", first)
        try:
            await self._wait_until(lambda: all(c in self._confirmed for c in added))
        except BusUnavailable:
            await self._unfollow(subscription, added)
            raise

    async def _release(self, subscription: Subscription) -> None:
        await self._unfollow(subscription, None)

    async def _unfollow(self, subscription: Subscription, channels: Iterable[str] | None) -> None:
        abandoned = self._router.remove(subscription, channels)
        if not abandoned or self._closed:
            return
        async with self._send_lock:
            # Somebody may have followed them again while we waited for the lock.
            abandoned = {c for c in abandoned if not self._router.wanted(c)}
            if self._pubsub is None or not abandoned:
                return  # a reconnect subscribes only the channels still wanted
            try:
                await self._send(self._pubsub, "UNSUBSCRIBE", abandoned)
            except _REDIS_DOWN:
                return
        # Closing never fails: Redis unsubscribes when the connection drops anyway.
        with contextlib.suppress(BusUnavailable):
            await self._wait_until(
                lambda: all(c not in self._confirmed or self._router.wanted(c) for c in abandoned)
            )

    async def _send(self, pubsub: PubSub, command: str, channels: Iterable[str]) -> None:
        names = sorted(channels)
        self._unanswered.update(names)
        await pubsub.execute_command(command, *(self._prefix + name for name in names))

    async def _wait_until(self, done: Callable[[], bool]) -> None:
        """Wait for the reader to make ``done()`` true; a failed connect means Redis is away."""
        failed_before = self._failed_connects
        try:
            async with asyncio.timeout(self._timeout), self._changed:
                while not done():
                    if self._closed:
                        raise BusUnavailable("the bus is closed")
                    if self._failed_connects > failed_before:
                        raise BusUnavailable("Redis is unreachable")
                    await self._changed.wait()
        except TimeoutError:
            raise BusUnavailable(f"Redis did not answer within {self._timeout} s") from None

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # The reader -------------------------------------------------------------------------

    def _start_reader(self) -> None:
        if self._reader is None:
            self._reader = asyncio.create_task(self._read_forever(), name="redis-bus-reader")

    async def _read_forever(self) -> None:
        delay = RECONNECT_MIN_DELAY
        while True:
            try:
                pubsub = await self._connect()
            except _REDIS_DOWN as error:
                self._failed_connects += 1
                await self._notify()
                log.warning("Redis unreachable (%s); next try in %.1f s", error, delay)
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._wake.wait()
                delay = min(delay * 2, RECONNECT_MAX_DELAY)
                continue
            delay = RECONNECT_MIN_DELAY
            try:
                await self._read(pubsub)
            except _REDIS_DOWN as error:
                log.warning("lost the connection to Redis (%s); reconnecting", error)
            finally:
                await self._disconnect(pubsub)

    async def _connect(self) -> PubSub:
        pubsub = self._listener.pubsub()
        try:
            await pubsub.connect()  # type: ignore[no-untyped-call]  # untyped in redis-py
            async with self._send_lock:
                self._pubsub = pubsub
                wanted = self._router.channels()
                if wanted:
                    await self._send(pubsub, "SUBSCRIBE", wanted)
        except BaseException:
            self._pubsub = None
            self._unanswered.clear()
            await pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py
            raise
        self._was_connected = True
        self._report_gap_if_resubscribed()
        return pubsub

    async def _disconnect(self, pubsub: PubSub) -> None:
        self._pubsub = None
        self._unanswered.clear()
        self._confirmed.clear()
        if self._was_connected:
            # Messages could have been lost from now until the channels are subscribed again.
            self._interrupted.update(self._router.subscriptions())
        await pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py

    async def _read(self, pubsub: PubSub) -> None:
        silent = False
        while True:
            message = await pubsub.get_message(timeout=HEARTBEAT)
            if message is not None:
                silent = False
                await self._handle(message)
            elif silent:
                raise RedisConnectionError(f"no answer to PING within {HEARTBEAT} s")
            else:
                silent = True
                await pubsub.ping()

    async def _handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind not in ("message", "subscribe", "unsubscribe"):
            return
        channel = bytes(message["channel"]).decode().removeprefix(self._prefix)
        if kind == "message":
            payload = _decode(message["data"])
            if payload is None:
                log.warning("ignored a message on %r that is not a JSON object", channel)
            else:
                self._router.deliver(BusMessage(channel, payload))
            return
        self._unanswered[channel] -= 1
        if self._unanswered[channel] > 0:
            return  # a later command for this channel is still unanswered
        del self._unanswered[channel]
        if kind == "subscribe":
            self._confirmed.add(channel)
        else:
            self._confirmed.discard(channel)
        self._report_gap_if_resubscribed()
        await self._notify()

    def _report_gap_if_resubscribed(self) -> None:
        if self._interrupted and all(c in self._confirmed for c in self._router.channels()):
            for subscription in self._interrupted:
                subscription._lose(BusInterrupted("the connection to Redis was interrupted"))
            self._interrupted.clear()


def bus_from_url(redis_url: str | None) -> Bus:
    """The bus for the settings: Redis when a URL is configured, else in-process."""
    if redis_url is None:
        return InProcessBus()
    return RedisBus(redis_url)
