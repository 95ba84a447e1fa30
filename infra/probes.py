"""Protocol-level readiness checks: each answers "does a working server answer here?"."""

from __future__ import annotations

import http.client
import json
import socket
import struct


def tcp_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def postgres_ssl_probe(host: str, port: int) -> bool:
    """A PostgreSQL server answers SSLRequest with 'S' or 'N'."""
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.settimeout(2)
            sock.sendall(struct.pack(">ii", 8, 80877103))
            return sock.recv(1) in (b"S", b"N")
    except OSError:
        return False


def redis_ping(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.settimeout(2)
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def kafka_api_versions(host: str, port: int) -> bool:
    """Send a Kafka ApiVersions v0 request; True if the broker answers without error."""
    correlation_id = 0x5EED
    client_id = b"shopgraph-infra"
    header = struct.pack(">hhih", 18, 0, correlation_id, len(client_id)) + client_id
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.settimeout(3)
            sock.sendall(struct.pack(">i", len(header)) + header)
            reply = b""
            while len(reply) < 10:
                chunk = sock.recv(4096)
                if not chunk:
                    return False
                reply += chunk
    except OSError:
        return False
    _size, got_correlation, error_code = struct.unpack(">iih", reply[:10])
    return bool(got_correlation == correlation_id and error_code == 0)


def elasticsearch_health(host: str, port: int) -> bool:
    """GET /_cluster/health answers 200 with status green or yellow."""
    try:
        conn = http.client.HTTPConnection(host, port, timeout=3)
        try:
            conn.request("GET", "/_cluster/health")
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
    except (OSError, http.client.HTTPException):
        return False
    if response.status != 200:
        return False
    try:
        return bool(json.loads(body).get("status") in ("green", "yellow"))
    except ValueError:
        return False
