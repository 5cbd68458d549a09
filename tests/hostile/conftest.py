"""Fixtures for tests that feed formkit hostile input (issue 5), shared by every test here.

- ``canary``: a file holding a unique random string. Point hostile input at it (by
  ``canary.path`` or ``canary.url``, a ``file://`` URL), then check that its content
  never shows in any output (``canary.assert_absent(stdout, stderr, result, ...)``)
  and, for work done in this process, that nothing opened it
  (``canary.assert_not_opened()``, from an audit hook that sees every ``open``).
  Work done in a child process (the parse worker, a subprocess) is judged by the
  content check and by ``canary.assert_unread()``, which also checks the file's
  access time where the file system keeps it exactly.
- ``no_network``: ``socket.socket.connect``/``connect_ex`` (to an IPv4 or IPv6
  address: Unix sockets, which multiprocessing uses, still connect),
  ``socket.create_connection`` and ``socket.getaddrinfo`` refuse, and every attempt
  is recorded in ``no_network.attempts``; call ``no_network.assert_none()``. It
  guards this process only: for a child process, use ``local_server``.
- ``local_server``: an HTTP server on 127.0.0.1 in a thread that counts every request
  (any process's). ``local_server.url("/canary")`` serves ``local_server.secret``;
  ``/redirect`` answers 302 to ``/canary``; other paths 404 (counted as well). Put its
  URLs in hostile input and assert ``local_server.count == 0`` (or call
  ``local_server.assert_untouched()``).

The fixtures guard each other's blind spots: ``no_network`` sees an attempt even when
no server listens, ``local_server`` sees a fetch from any process.
"""

from __future__ import annotations

import os
import secrets
import socket
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

# ---------------------------------------------------------------- canary

# Paths the audit hook watches (resolved, as strings) and what it saw opened.
_WATCHED: dict[str, list[str]] = {}
_HOOKED = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event != "open" or not _WATCHED or not args:
        return
    target = args[0]
    if isinstance(target, int):
        return
    try:
        path = os.path.realpath(os.fsdecode(target))
    except (TypeError, ValueError):
        return
    seen = _WATCHED.get(path)
    if seen is not None:
        seen.append(f"{event} {path} mode={args[1] if len(args) > 1 else '?'}")


def _hook() -> None:
    global _HOOKED
    if not _HOOKED:  # an audit hook cannot be removed: one for the session, idle when unused
        sys.addaudithook(_audit)
        _HOOKED = True


@dataclass
class Canary:
    path: Path
    content: str
    opened: list[str] = field(default_factory=list)
    _atime: int = field(default=0, repr=False)
    _watched: list[str] = field(default_factory=list, repr=False)

    @property
    def url(self) -> str:
        return self.path.as_uri()

    def assert_absent(self, *outputs: Any) -> None:
        """The canary's content is in none of ``outputs`` (str, bytes, or anything
        printed with repr)."""
        needle = self.content
        for out in outputs:
            text = out.decode("utf-8", "replace") if isinstance(out, bytes | bytearray) else (
                out if isinstance(out, str) else repr(out))
            assert needle not in text, f"the canary's content leaked into an output: {text[:200]!r}"

    def watch(self, path: Path) -> Path:
        """Guard another file too (a decoy that hostile input names): opening it is
        recorded in ``opened``, as for the canary."""
        key = os.path.realpath(path)
        _WATCHED[key] = self.opened
        self._watched.append(key)
        return path

    def assert_not_opened(self) -> None:
        """Nothing in this process opened the canary file (audit hook)."""
        assert not self.opened, f"the canary file was opened: {self.opened}"

    def assert_unread(self) -> None:
        """Not opened here, and its access time unchanged (when the file system
        records it: with relatime/noatime an unchanged atime proves nothing, so
        this check is only as strong as the mount allows)."""
        self.assert_not_opened()
        st = self.path.stat()
        assert st.st_atime_ns == self._atime, "the canary file was read (its atime changed)"

    def _arm(self) -> None:
        # An atime in the past, so that a read under relatime still updates it.
        os.utime(self.path, ns=(1_000_000_000, 1_000_000_000))
        self._atime = self.path.stat().st_atime_ns


@pytest.fixture
def canary(tmp_path: Path) -> Iterator[Canary]:
    """A file whose unique content must never appear in any output, nor be opened."""
    folder = tmp_path / "canary"
    folder.mkdir()
    content = f"CANARY-{secrets.token_hex(16)}"
    path = folder / "canary.txt"
    path.write_text(content + "\n", encoding="ascii")
    bird = Canary(path, content)
    bird._arm()
    _hook()
    bird.watch(path)
    try:
        yield bird
    finally:
        for key in bird._watched:
            _WATCHED.pop(key, None)


# ---------------------------------------------------------------- no network


@dataclass
class NetworkGuard:
    attempts: list[str] = field(default_factory=list)

    def assert_none(self) -> None:
        assert not self.attempts, f"network access was attempted: {self.attempts}"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> NetworkGuard:
    """Every way this process opens a connection or resolves a name refuses, and is recorded."""
    guard = NetworkGuard()

    def refuse(kind: str, original: Any = None) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            if original is not None and args[0].family not in (socket.AF_INET, socket.AF_INET6):
                return original(*args, **kwargs)  # a Unix socket (multiprocessing's forkserver)
            shown = [a for a in args if not isinstance(a, socket.socket)]
            guard.attempts.append(f"{kind}{tuple(shown)!r}")
            raise OSError(f"network access is blocked in this test ({kind})")

        return refused

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect", socket.socket.connect))
    monkeypatch.setattr(socket.socket, "connect_ex",
                        refuse("socket.connect_ex", socket.socket.connect_ex))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    return guard


# ---------------------------------------------------------------- a local server


@dataclass
class LocalServer:
    base: str
    secret: str
    requests: list[str] = field(default_factory=list)

    def url(self, path: str = "/canary") -> str:
        return self.base + path

    @property
    def count(self) -> int:
        return len(self.requests)

    def assert_untouched(self) -> None:
        assert not self.requests, f"the local server was asked for: {self.requests}"


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """An HTTP server on 127.0.0.1 that counts every request made to it."""
    state = LocalServer("", f"SERVED-{secrets.token_hex(16)}")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, body: bool) -> None:
            with lock:
                state.requests.append(f"{self.command} {self.path}")
            if self.path.startswith("/redirect"):
                self.send_response(302)
                self.send_header("Location", "/canary")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path.startswith("/canary"):
                data = state.secret.encode("ascii")
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if body:
                    self.wfile.write(data)
                return
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._answer(True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(False)

        def do_POST(self) -> None:  # noqa: N802
            self._answer(True)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="local-server", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
