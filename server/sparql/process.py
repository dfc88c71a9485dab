"""The parent's handle on one query worker process (``server.sparql.worker``)."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
from multiprocessing.connection import Connection

from ontology.paths import ROOT

# signals a process raises on itself when it crashes (a Rust stack overflow aborts)
CRASH_SIGNALS = frozenset({signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, signal.SIGILL})


class WorkerProcess:
    """One worker process, started as ``python -m server.sparql.worker`` on a socket pair.

    A plain subprocess rather than multiprocessing's spawn/forkserver, which re-import the
    parent's ``__main__`` in the child."""

    def __init__(self, memory_max_triples: int) -> None:
        parent, child = socket.socketpair()
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "server.sparql.worker",
                str(child.fileno()),
                str(memory_max_triples),
            ],
            pass_fds=(child.fileno(),),
            cwd=str(ROOT),
            stdin=subprocess.DEVNULL,
        )
        child.close()
        self.conn = Connection(parent.detach())
        self.spec: tuple[str, ...] | None = None  # the snapshot it has loaded

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.wait(1.0)
        with contextlib.suppress(Exception):
            self.conn.close()

    def crashed(self) -> bool:
        """Whether the process ended by a crash of its own (not a kill from outside)."""
        try:
            code = self.process.wait(1.0)
        except subprocess.TimeoutExpired:
            return False
        return code > 0 or -code in CRASH_SIGNALS
