"""A TCP proxy to PostgreSQL that can be frozen: every socket stays open and no byte moves,
as when the database server is stopped (SIGSTOP), paused or cut off mid-connection."""

from __future__ import annotations

import select
import socket
import threading
from types import TracebackType


class FreezableProxy:
    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = int(self.listener.getsockname()[1])
        self.moving = threading.Event()
        self.moving.set()
        self.stopped = threading.Event()
        self.sockets: list[socket.socket] = []
        self.threads: list[threading.Thread] = []

    def freeze(self) -> None:
        self.moving.clear()

    def thaw(self) -> None:
        self.moving.set()

    def __enter__(self) -> FreezableProxy:
        self._start(self._accept)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stopped.set()
        self.moving.set()
        for thread in self.threads:
            thread.join(timeout=5)
        for sock in [*self.sockets, self.listener]:
            sock.close()

    def _start(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self.threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            ready, _, _ = select.select([self.listener], [], [], 0.1)
            if not ready:
                continue
            client, _ = self.listener.accept()
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            self._start(self._pump, client, upstream)
            self._start(self._pump, upstream, client)

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        while not self.stopped.is_set():
            if not self.moving.wait(0.1):
                continue  # frozen: hold everything, answer nothing
            try:
                ready, _, _ = select.select([source], [], [], 0.1)
                if not ready or not self.moving.is_set():
                    continue
                data = source.recv(65536)
                if not data:
                    sink.shutdown(socket.SHUT_WR)
                    return
                sink.sendall(data)
            except OSError:
                return
