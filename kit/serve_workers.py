"""``kit serve --workers N``: N kit servers behind one address, with HAProxy in front.

One Voilà process runs every page's kernel it opened and carries all of
their websockets on one core. Past a room or two, an organisation runs
several. A page's websocket, its close request and its last typed words must
reach the process that started its kernel, so the proxy keeps each browser
on one worker with a cookie (``KIT_WORKER``). It spreads new browsers over
the workers in turn.

The proxy is HAProxy, a well-kept one that does exactly this. The kit only
writes its configuration (:func:`haproxy_config`) and starts it. It carries
no proxy code of its own. deploy/README.md shows the same set-up run by hand,
and what any other proxy must do.

Nothing is shared between the workers but the store. Answers, sessions and
the join limits live there, and live pages (the coach dashboard, a circle
session) follow it, so a coach on one worker sees a participant on another
within a second. Each worker culls its own kernels and keeps its own warm
pools, within its share of the memory budget (:func:`kit.serve.worker_options`).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from kit.model import TeamSession
from kit.serve import ServeError, ServeOptions, banner, record_serving, serve, worker_options

WORKER_COOKIE = "KIT_WORKER"
START_SECONDS = 90  # a worker's first start compiles the kit and loads Voilà


def haproxy_config(host: str, port: int, worker_ports: Sequence[int]) -> str:
    """HAProxy's configuration: one address, sticky browsers, long-lived websockets.

    Examples
    --------
    >>> text = haproxy_config("0.0.0.0", 8866, [9001, 9002])
    >>> "bind 0.0.0.0:8866" in text, "server w2 127.0.0.1:9002 cookie w2" in text
    (True, True)
    """
    servers = "\n".join(
        f"    server w{n} 127.0.0.1:{p} cookie w{n}" for n, p in enumerate(worker_ports, start=1)
    )
    bind = f"{host or '0.0.0.0'}:{port}"
    return f"""# Written by `kit serve --workers {len(worker_ports)}`; see deploy/README.md.
global
    maxconn 4096

defaults
    mode http
    option forwardfor
    timeout connect 5s
    timeout http-request 30s
    # A page's websocket stays open as long as the page does.
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h

frontend kit
    bind {bind}
    # A visitor's own address goes to the workers in X-Forwarded-For, which
    # they trust (--trust-proxy): what a visitor claimed there, or in
    # X-Real-Ip (which tornado prefers), is dropped first.
    http-request del-header X-Real-Ip
    http-request del-header X-Forwarded-For
    http-request del-header X-Scheme
    http-request del-header X-Forwarded-Proto
    default_backend workers

backend workers
    balance roundrobin
    # Every request of a browser goes to the worker that served its first
    # page: a page's kernel, websocket and close request live there. No
    # health checks: a worker busy with a room would fail them, and its
    # browsers would be sent to a worker that has none of their kernels
    # (a worker that stops stops `kit serve` and the others).
    cookie {WORKER_COOKIE} insert indirect nocache httponly
{servers}
"""


def find_haproxy() -> str | None:
    """HAProxy's program, also where Debian puts it (/usr/sbin, off a user's PATH)."""
    return shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin")


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _answers(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _with_parent() -> None:
    # On Linux a worker or HAProxy left by a killed `kit serve` stops with it
    # (prctl's PR_SET_PDEATHSIG), rather than holding the port and the store.
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)


def _stop(processes: Sequence[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def serve_workers(
    options: ServeOptions,
    store_location: str,
    workers: int,
    sessions: Sequence[TeamSession] = (),
) -> None:
    """Run ``workers`` kit servers and HAProxy on ``options``' address until stopped."""
    haproxy = find_haproxy()
    if haproxy is None:
        raise ServeError(
            f"--workers {workers} puts the workers behind HAProxy, which is not installed "
            "(apt-get install haproxy, or brew install haproxy); or run kit serve yourself "
            "on several ports behind your own proxy, as deploy/README.md shows"
        )
    ports = _free_ports(workers)
    folder = Path(tempfile.mkdtemp(prefix="kit-workers-"))
    config = folder / "haproxy.cfg"
    config.write_text(haproxy_config(options.host, options.port, ports))
    checked = subprocess.run([haproxy, "-c", "-q", "-f", str(config)], capture_output=True)
    if checked.returncode != 0:
        raise ServeError(f"HAProxy refused its configuration: {checked.stderr.decode()[-300:]}")
    children: list[subprocess.Popen] = []
    # `kill` or a service manager's stop ends this process with SIGTERM:
    # stop the workers and HAProxy with it, as Ctrl+C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        for port in ports:
            share = dataclasses.asdict(worker_options(options, workers, port))
            share["root"] = str(share["root"]) if share["root"] else None
            children.append(
                subprocess.Popen(
                    [sys.executable, "-m", "kit.serve_workers", json.dumps(share), store_location],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,  # the inner address Voilà prints there
                    preexec_fn=_with_parent if os.name == "posix" else None,
                )
            )
        deadline = time.monotonic() + START_SECONDS
        while not all(_answers(p) for p in ports):
            if any(c.poll() is not None for c in children):
                raise ServeError("a worker stopped while starting; its messages are above")
            if time.monotonic() > deadline:
                raise ServeError(f"the workers did not start within {START_SECONDS} s")
            time.sleep(0.3)
        said = folder / "haproxy.log"
        proxy = subprocess.Popen(
            [haproxy, "-db", "-f", str(config)],
            stderr=said.open("wb"),
            preexec_fn=_with_parent if os.name == "posix" else None,
        )
        children.append(proxy)
        # The banner only once people can open the address.
        local = "127.0.0.1" if options.host in ("", "0.0.0.0", "localhost") else options.host
        while not _answers(options.port, local):
            if proxy.poll() is not None:
                why = said.read_text(errors="replace").strip()[-300:]
                raise ServeError(f"HAProxy could not start on port {options.port}: {why}")
            time.sleep(0.1)
        urls = banner(options, store_location, sessions, workers=workers)
        record_serving(urls[-1].split("/voila/")[0], store_location)
        if options.open_browser:
            import webbrowser

            webbrowser.open(urls[0])
        while all(c.poll() is None for c in children):
            time.sleep(0.5)
        gone = next(n for n, c in enumerate(children) if c.poll() is not None)
        what = "HAProxy" if gone == len(ports) else f"worker {gone + 1}"
        raise ServeError(
            f"{what} stopped (exit {children[gone].returncode}); the others were stopped too"
        )
    finally:
        _stop(children)
        shutil.rmtree(folder, ignore_errors=True)


def _worker(share: str, store_location: str) -> None:
    values = json.loads(share)
    values["root"] = Path(values["root"]) if values["root"] else None
    serve(ServeOptions(**values), store_location, worker=True)


if __name__ == "__main__":  # one worker, started by serve_workers
    _worker(sys.argv[1], sys.argv[2])
