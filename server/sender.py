"""A sender running as a service: the loop of ``pmo webhooks deliver`` (``server.webhooks``)
and ``pmo notify send`` (``server.mailer``).

Both claim rows of an outbox, send them and record the outcome. Run as services they must
outlive the database's restarts and stop in time on SIGTERM; ``Worker`` is that part, shared:
an unreachable database (``server.unavailable``) is waited out with one warning line per try
and a back-off, a batch's outcome is held until it can be recorded, and a stop lets the batch
in hand finish within ``shutdown_timeout`` seconds before what is still being sent is handed
back. (uvicorn supervises ``pmo serve``; nothing in the ecosystem supervises a plain asyncio
loop this way, hence this module.)
"""

from __future__ import annotations

import asyncio
import gc
import logging
import logging.config
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

from server.db import describe_db_error
from server.unavailable import is_unavailable

# The wait after the database first fails to answer, doubling up to the longest.
RETRY_FIRST_SECONDS = 0.5
RETRY_LONGEST_SECONDS = 15.0
# Of the shutdown budget, what is kept for recording the batch (and handing back the rest).
WRITE_BACK_SECONDS = 1.0
R = TypeVar("R")


class Worker:
    """A sender running as a service (webhooks here, emails in ``server.mailer``).

    It waits out an unreachable database (``retry_later``: one warning line per try, a
    back-off doubling from half a second to 15 s) instead of exiting, when ``survive``; and
    once told to stop (``stop``, SIGTERM or SIGINT under ``stopped_by_signals``) it claims
    nothing more and the batch in hand has ``shutdown_timeout`` seconds: sending gets all but
    the last ``WRITE_BACK_SECONDS`` of it, recording what was sent and handing back the rest
    gets those.
    """

    def __init__(self, name: str, *, shutdown_timeout: float = 20.0,
                 survive: bool = False) -> None:
        self.name = name
        self.shutdown_timeout = shutdown_timeout
        self.survive = survive
        self.stopping = asyncio.Event()
        self.deadline = float("inf")  # event-loop time by which the batch in hand is done
        self.failures = 0
        self.log = logging.getLogger(f"pmo.{name}")

    def stop(self) -> None:
        """Claim nothing more; the batch in hand has ``shutdown_timeout`` seconds."""
        if self.stopping.is_set():
            return
        self.deadline = asyncio.get_running_loop().time() + self.shutdown_timeout
        self.stopping.set()
        self.log.info("stopping; the batch in hand has %gs to finish", self.shutdown_timeout)

    @contextmanager
    def stopped_by_signals(self) -> Iterator[None]:
        """``stop`` on SIGTERM and SIGINT while in the block (main thread only: elsewhere,
        such as under a test's CliRunner in a thread, the signals keep their handlers)."""
        loop = asyncio.get_running_loop()
        installed = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, self._signalled)
            except (NotImplementedError, RuntimeError, ValueError):
                continue
            installed.append(sig)
        try:
            yield
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)

    def _signalled(self) -> None:
        # The process is on its way out. The interpreter's last garbage collections, over
        # everything the app imported, take about a second at exit; frozen objects are
        # skipped, so the process ends within its budget rather than a second after.
        gc.freeze()
        self.stop()

    async def pause(self, seconds: float) -> None:
        """Wait ``seconds``, or until told to stop."""
        with suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)

    def should_retry(self, exc: Exception) -> bool:
        """Whether ``exc`` is the database out of reach and this worker waits it out."""
        return self.survive and is_unavailable(exc)

    async def retry_later(self, exc: BaseException) -> None:
        """Log one line about the unreachable database and back off."""
        self.failures += 1
        wait = min(RETRY_LONGEST_SECONDS, RETRY_FIRST_SECONDS * 2 ** (self.failures - 1))
        self.log.warning("the database cannot be reached (%s); retrying in %.1fs",
                         describe_db_error(exc), wait)
        if not self.stopping.is_set():
            await self.pause(wait)
        else:  # writing back a batch: it may still try until the deadline
            left = self.deadline - asyncio.get_running_loop().time()
            await asyncio.sleep(max(0.0, min(wait, left)))

    def recovered(self) -> None:
        """Note the database answered (after failures: one line saying so)."""
        if self.failures:
            self.log.info("the database answers again")
        self.failures = 0

    async def finish(self, work: list[Coroutine[Any, Any, R]]) -> list[R | None]:
        """Run ``work`` concurrently to its end; once stopping, only until the time kept for
        writing back: what has not finished then is cancelled, and its result is None."""
        tasks = [asyncio.ensure_future(w) for w in work]
        await self._wait(tasks, margin=min(WRITE_BACK_SECONDS, self.shutdown_timeout / 2))
        return [None if t.cancelled() else t.result() for t in tasks]

    async def _wait(self, tasks: list[asyncio.Future[Any]], *, margin: float) -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.ensure_future(self.stopping.wait())
        try:
            while pending := [t for t in tasks if not t.done()]:
                if not self.stopping.is_set():
                    await asyncio.wait([*pending, stop], return_when=asyncio.FIRST_COMPLETED)
                    continue
                left = self.deadline - margin - loop.time()
                if left <= 0:
                    break
                await asyncio.wait(pending, timeout=left)
        finally:
            stop.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(stop, *tasks, return_exceptions=True)

    async def write_back(self, write: Callable[[], Awaitable[None]], what: str) -> None:
        """Run ``write`` (one transaction) until it succeeds, waiting out an unreachable
        database; once stopping, only until the deadline (then the rows stay leased and are
        due again when the lease ends)."""
        loop = asyncio.get_running_loop()
        while True:
            try:
                if self.stopping.is_set():
                    await asyncio.wait_for(write(), max(0.1, self.deadline - loop.time()))
                else:
                    await write()
            except Exception as exc:
                if not is_unavailable(exc):
                    raise
                if self.stopping.is_set() and loop.time() >= self.deadline:
                    self.log.warning("could not record %s before stopping (%s); they are due "
                                     "again when their lease ends", what, describe_db_error(exc))
                    return
                if not self.survive:
                    raise
                await self.retry_later(exc)
                continue
            self.recovered()
            return

    async def batches(self, one: Callable[[], Awaitable[R]]) -> AsyncIterator[R]:
        """Each batch's outcome, until stopped (SIGTERM or SIGINT included): ``one()`` run
        ``guarded``, an unreachable database waited out when surviving. The caller decides
        when nothing is left (``break``) or to wait (``pause``); close the iterator when done
        (``contextlib.aclosing``) so that the signals get their handlers back at once."""
        with self.stopped_by_signals():
            while not self.stopping.is_set():
                try:
                    outcome = await self.guarded(one())
                except Exception as exc:
                    if not self.should_retry(exc):
                        raise
                    await self.retry_later(exc)
                    continue
                if outcome is None:  # stopped, and the budget ran out
                    return
                self.recovered()
                yield outcome

    async def guarded(self, batch: Awaitable[R]) -> R | None:
        """Await ``batch``; once stopping, at most until the deadline (then it is cancelled
        and None), so that nothing, not even a database that hangs, outlasts the budget."""
        task = asyncio.ensure_future(batch)
        await self._wait([task], margin=0.0)
        return None if task.cancelled() else task.result()


def configure_logging(config: dict[str, Any]) -> None:
    """Apply ``config`` (a ``logging.config.dictConfig``) in a worker process, unless logging
    is configured already (as under a test, which captures it)."""
    if not logging.getLogger().handlers:
        logging.config.dictConfig(config)
