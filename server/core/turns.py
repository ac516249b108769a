"""Limits on how many coroutines of a process do one kind of work at once."""

from __future__ import annotations

import asyncio
from weakref import WeakKeyDictionary


class Turns:
    """At most ``size`` at once, queued in arrival order: ``async with turns: ...``.

    Usable as a module-level object: an :class:`asyncio.Semaphore` belongs to the event
    loop it first waits on, so each loop (e.g. each test's) gets its own.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._by_loop: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            WeakKeyDictionary())

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if loop not in self._by_loop:
            self._by_loop[loop] = asyncio.Semaphore(self.size)
        return self._by_loop[loop]

    async def __aenter__(self) -> None:
        await self._semaphore().acquire()

    async def __aexit__(self, *_: object) -> None:
        self._semaphore().release()
