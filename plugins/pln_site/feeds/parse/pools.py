"""Where feeds are parsed during a fetch, each within a budget of time.

A parse is CPU work that holds the interpreter lock, and a hostile feed can make it long. So that
such a feed fails alone, with a reason, and the others finish:

- In worker processes (the commands ask for them), one feed at a time per worker. A parse that
  is still running when its budget is spent has its worker killed; a fresh one takes its place.
  Workers are spawned the first time a run has something to parse (about 0.2 s of CPU each,
  nothing for a run where every feed is unchanged). Until the first one is ready, bodies under
  THREAD_MAX_BYTES parse in the thread, so that a small run does not wait for interpreters to
  start: every parse step is linear, so such a parse takes well under a second.
- In one thread (library callers, tests, or when processes cannot start). A thread cannot be
  stopped: the feed fails when its budget is spent and later feeds get a new thread, while the
  old one finishes its parse unheard (every parse step is linear, so it does finish).

A feed's budget starts when a worker takes it up, not while it waits for one.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from pln_site.entries import FeedParseError, ParsedFeed
from pln_site.feeds.parse.worker import ready, watch_parent

log = logging.getLogger(__name__)

ParseJob = Callable[[], ParsedFeed]

THREAD_MAX_BYTES = 256 * 1024

# Killing a process: SIGKILL where there is one; on Windows SIGTERM ends it at once.
_KILL = getattr(signal, "SIGKILL", signal.SIGTERM)


class ParseOverBudget(FeedParseError):
    """A feed whose parse outlasted its budget (it may be a feed, only too costly to read)."""


def overran(budget: float) -> ParseOverBudget:
    return ParseOverBudget(f"parsing took longer than {budget:g} s")


def _died() -> FeedParseError:
    return FeedParseError("the parser's worker process died reading this feed")


@dataclass(eq=False)
class _Worker:
    """One worker process, alone in its executor so that killing it stops nothing else."""

    executor: ProcessPoolExecutor
    pid: int


class ParsePools:
    """Worker processes when `use_processes` (at most `workers` of them), else one thread."""

    def __init__(self, *, use_processes: bool, workers: int):
        self.use_processes = use_processes
        self.workers = max(workers, 1)
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="planet-parse")
        self.thread_free = asyncio.Lock()
        self.idle: asyncio.Queue[_Worker | None] = asyncio.Queue()  # None: use the thread
        self.started = False
        self.ready = False  # whether a worker process has been ready once
        self.closed = False
        self.live: set[_Worker] = set()
        self.done_with: list[ThreadPoolExecutor | ProcessPoolExecutor] = []
        self.starting: set[asyncio.Task[None]] = set()

    def __enter__(self) -> ParsePools:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.closed = True
        for task in self.starting:
            task.cancel()
        self.thread.shutdown(wait=True)
        for worker in self.live:
            worker.executor.shutdown(wait=True, cancel_futures=True)
        for executor in self.done_with:
            # A killed worker's executor has nothing left to wait for; an abandoned thread may
            # still be parsing: it is not waited for here.
            executor.shutdown(wait=isinstance(executor, ProcessPoolExecutor))

    async def parse(self, job: ParseJob, budget: float, *, size: int) -> ParsedFeed:
        """`job()`'s feed (from a body of `size` bytes); ParseOverBudget when it takes longer
        than `budget` seconds."""
        if self.use_processes:
            self.start_processes()
            if self.ready or size >= THREAD_MAX_BYTES:
                worker = await self.idle.get()
                if worker is not None:
                    return await self._in_process(worker, job, budget)
                self.idle.put_nowait(None)  # processes failed to start: tell the next in line
        return await self._in_thread(job, budget)

    def start_processes(self) -> None:
        """Start the workers now (once), e.g. during the first round trip of a large first run."""
        if self.started or not self.use_processes:
            return
        self.started = True
        for _ in range(self.workers):
            self._start_worker()

    def _start_worker(self) -> None:
        task = asyncio.get_running_loop().create_task(self._new_worker())
        self.starting.add(task)
        task.add_done_callback(self.starting.discard)

    async def _new_worker(self) -> None:
        try:
            # "spawn": a fresh interpreter, never a fork of this threaded process.
            executor = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"), initializer=watch_parent
            )
        except (RuntimeError, OSError) as error:
            self._fall_back(error)
            return
        try:
            pid = await asyncio.get_running_loop().run_in_executor(executor, ready)
        except (RuntimeError, OSError, BrokenProcessPool) as error:
            # e.g. a script without a __main__ guard, which a spawned process cannot import
            executor.shutdown(wait=False, cancel_futures=True)
            self._fall_back(error)
            return
        except asyncio.CancelledError:
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        worker = _Worker(executor, pid)
        if self.closed:
            executor.shutdown(wait=False)
            return
        self.live.add(worker)
        self.ready = True
        self.idle.put_nowait(worker)

    def _fall_back(self, error: BaseException) -> None:
        if self.use_processes:
            log.warning("parsing in a thread: worker processes could not start (%s)", error)
        self.use_processes = False
        self.idle.put_nowait(None)  # wakes whoever waits for a worker

    async def _in_process(self, worker: _Worker, job: ParseJob, budget: float) -> ParsedFeed:
        loop = asyncio.get_running_loop()
        try:
            try:
                future = loop.run_in_executor(worker.executor, job)
            except RuntimeError:  # its executor broke (BrokenProcessPool is one) while idle
                self._replace(worker)
                raise _died() from None
            try:
                return await asyncio.wait_for(future, budget)
            except TimeoutError:
                self._replace(worker)
                raise overran(budget) from None
            except BrokenProcessPool:
                self._replace(worker)
                raise _died() from None
        finally:
            if worker in self.live:
                self.idle.put_nowait(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill `worker` (it may be stuck in a parse) and start another in its place."""
        self.live.discard(worker)
        try:
            os.kill(worker.pid, _KILL)
        except OSError:
            pass  # it has ended already
        worker.executor.shutdown(wait=False, cancel_futures=True)
        self.done_with.append(worker.executor)
        if not self.closed and self.use_processes:
            self._start_worker()

    async def _in_thread(self, job: ParseJob, budget: float) -> ParsedFeed:
        loop = asyncio.get_running_loop()
        async with self.thread_free:  # one parse at a time, so the budget counts its own time
            try:
                return await asyncio.wait_for(loop.run_in_executor(self.thread, job), budget)
            except TimeoutError:
                # The parse goes on in its thread, unheard; the next feed gets a new thread.
                self.done_with.append(self.thread)
                self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="planet-parse")
                raise overran(budget) from None
