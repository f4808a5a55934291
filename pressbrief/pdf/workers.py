"""Render tasks → their results, each computed in a worker process under time and memory
limits.

A worker is a process of its own, forked from a fork server that has imported WeasyPrint
(so every worker starts warm and never inherits a font configuration). It caps its address
space (RLIMIT_AS), ignores Ctrl-C (the parent decides), ends the moment the process that
started it ends (even by `kill -9`), then computes one task after another.
The parent gives each task a deadline: a worker still busy past it is killed and replaced,
and that task fails with a message naming the document and the limit. A worker that dies
(out of memory, a crash) fails only its own task. Nothing that hit a limit is retried.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import pickle
import resource
import select
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing import forkserver
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkServerProcess
from pathlib import Path
from typing import Any

from ..content.config import size_in_bytes
from ..content.model import Config
from ..errors import LayoutError, PressbriefError
from . import engine

ENVIRONMENT = ("SOURCE_DATE_EPOCH", engine.SUBSETTER)
"""The environment variables a render depends on; `environment()` snapshots them."""


def environment() -> tuple[tuple[str, str], ...]:
    """This process's values of ENVIRONMENT, for a Task."""
    return tuple((name, os.environ[name]) for name in ENVIRONMENT if name in os.environ)


@dataclass(frozen=True)
class Task:
    """A function call to make in a worker: `function(*args)`, within `seconds` and
    `memory` bytes; `name` (the document's file) names it in messages."""

    name: str
    function: Callable[..., Any]
    args: tuple[Any, ...]
    seconds: float
    memory: int
    environment: tuple[tuple[str, str], ...] = ()
    """Environment variables the task depends on (e.g. SOURCE_DATE_EPOCH), set in the
    worker for it: workers are forked from a server started earlier, with the environment
    of that time."""


def limited(
    source: Path | None, function: Callable[..., Any], args: tuple[Any, ...], config: Config
) -> Task:
    """`function(*args)` as a task for a worker, under the limits of `config`; `source`
    (the document's file) names it in messages."""
    limits = config.limits
    memory = size_in_bytes(limits.render_memory)
    return Task(str(source), function, args, limits.render_seconds, memory, environment())


def _describe_memory(count: int) -> str:
    return f"{count / 1e9:g} GB" if count >= 1e9 else f"{count / 1e6:g} MB"


def _serve(connection: Connection, parent: int) -> None:
    """A worker's life: set up, then compute tasks until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_die_with, args=(parent,), daemon=True).start()
    while True:
        try:
            task: Task = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(_compute(task))


def _die_with(parent: int) -> None:
    """Wait for the process that started the worker to end, then end the worker at once,
    whatever it is computing. (Its own parent is the fork server, which outlives it: every
    worker holds the fork server's lifeline, so the fork server's death cannot be the cue.)"""
    try:
        handle = os.pidfd_open(parent)  # Linux: readable when the process ends
    except (AttributeError, OSError):
        handle = None
    if handle is not None:
        select.select([handle], [], [])
    else:
        while alive(parent):
            time.sleep(0.5)
    os._exit(1)


def alive(pid: int) -> bool:
    """Whether process `pid` is running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _compute(task: Task) -> tuple[bool, Any]:
    """(True, result) or (False, a picklable PressbriefError)."""
    for name in ENVIRONMENT:
        os.environ.pop(name, None)
    os.environ.update(task.environment)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = task.memory if hard == resource.RLIM_INFINITY else min(task.memory, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        return True, task.function(*task.args)
    except MemoryError:
        error: PressbriefError = LayoutError(
            f"{task.name}: rendering needed more memory than the limit of "
            f"{_describe_memory(task.memory)} (limits.render_memory in pressbrief.yaml); "
            "stopped"
        )
    except PressbriefError as failure:
        error = failure
    except Exception as failure:  # a bug or a library's failure: one document's problem
        error = LayoutError(f"{task.name}: rendering failed: {type(failure).__name__}: {failure}")
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # an error that cannot travel back as it is: its message can
        error = LayoutError(str(error))
    return False, error


def _start_server_quietly() -> None:
    """Start the fork server with Ctrl-C ignored (it ignores it anyway once running), so a
    Ctrl-C while it imports WeasyPrint does not print its traceback."""
    if threading.current_thread() is not threading.main_thread():
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


class _Worker:
    """A worker process and the parent's end of its pipe."""

    def __init__(self, context: multiprocessing.context.ForkServerContext) -> None:
        _start_server_quietly()
        self.connection, child = context.Pipe()
        self.process: ForkServerProcess = context.Process(
            target=_serve, args=(child, os.getpid()), daemon=True
        )
        self.process.start()
        child.close()
        self.task: Task | None = None
        self.deadline = 0.0

    def give(self, task: Task) -> None:
        self.task = task
        self.deadline = time.monotonic() + task.seconds
        self.connection.send(task)

    def stop(self) -> None:
        self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


_shared: Pool | None = None


def shared_pool(size: int) -> Pool:
    """The process's pool, kept warm between builds (a preview, a benchmark, tests), with
    room for `size` tasks at once; its workers stop when the process exits."""
    global _shared
    if _shared is None:
        _shared = Pool(size)
        atexit.register(_shared.close)
    _shared.size = max(1, size)
    return _shared


class Pool:
    """Up to `size` worker processes, started when first needed and kept warm until
    `close`."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["pressbrief.pdf.weasy"])
        self.idle: list[_Worker] = []

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, Any, PressbriefError | None]]:
        """(task, result, None) or (task, None, error) for each task, as they finish."""
        waiting = list(tasks)
        waiting.reverse()
        busy: list[_Worker] = []
        try:
            while waiting or busy:
                while waiting and len(busy) < self.size:
                    busy.append(self._start(waiting.pop()))
                soonest = min(worker.deadline for worker in busy)
                ready = wait(
                    [worker.connection for worker in busy],
                    timeout=max(0.0, soonest - time.monotonic()),
                )
                for worker in list(busy):
                    task = worker.task
                    assert task is not None
                    if worker.connection in ready:
                        busy.remove(worker)
                        yield task, *self._outcome(worker, task)
                    elif time.monotonic() >= worker.deadline:
                        busy.remove(worker)
                        worker.stop()
                        yield (
                            task,
                            None,
                            LayoutError(
                                f"{task.name}: rendering took longer than the limit of "
                                f"{task.seconds:g} s (limits.render_seconds in pressbrief.yaml); "
                                "stopped"
                            ),
                        )
        finally:
            for worker in busy:  # interrupted (Ctrl-C) or abandoned: stop what runs
                worker.stop()

    def one(self, task: Task) -> Any:
        """The result of one task; its error (a limit, a failure) raised."""
        ((_, value, error),) = self.run([task])
        if error is not None:
            raise error
        return value

    def _start(self, task: Task) -> _Worker:
        """A worker computing `task`: an idle one, or a new one if none is idle (or the
        idle one has died since, killed from outside)."""
        while self.idle:
            worker = self.idle.pop()
            try:
                worker.give(task)
                return worker
            except OSError:
                worker.stop()
        worker = _Worker(self.context)
        worker.give(task)
        return worker

    def _outcome(self, worker: _Worker, task: Task) -> tuple[Any, PressbriefError | None]:
        try:
            ok, value = worker.connection.recv()
        except (EOFError, OSError):
            worker.stop()
            code = worker.process.exitcode or 0
            how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
            return None, LayoutError(
                f"{task.name}: the rendering process died ({how}), probably over the memory "
                f"limit of {_describe_memory(task.memory)} (limits.render_memory in "
                "pressbrief.yaml)"
            )
        self.idle.append(worker)
        return (value, None) if ok else (None, value)

    def close(self) -> None:
        """Stop every worker."""
        for worker in self.idle:
            worker.stop()
        self.idle.clear()
