"""Shared pytest fixtures."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

# --- Network guard (keep first): tests must never reach the real network, only 127.0.0.1/::1/AF_UNIX.

_LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1"}


def _is_local(sock: socket.socket, address: Any) -> bool:
    if getattr(socket, "AF_UNIX", None) == sock.family or not isinstance(address, tuple):
        return True
    host = address[0].decode() if isinstance(address[0], bytes) else str(address[0])
    return host.split("%", 1)[0].lower() in _LOCAL_HOSTS


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any non-local connect (and DNS lookup of a non-local name) raise RuntimeError."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if not _is_local(self, address):
            raise RuntimeError(f"network access in tests: connect to {address!r}")
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not _is_local(self, address):
            raise RuntimeError(f"network access in tests: connect to {address!r}")
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and str(name).lower() not in _LOCAL_HOSTS:
            try:
                ipaddress.ip_address(str(name).split("%", 1)[0])
            except ValueError:
                raise RuntimeError(f"network access in tests: DNS lookup of {name!r}") from None
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
