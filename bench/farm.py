"""The feed farm: an HTTP/1.1 server on 127.0.0.1 that serves a folder of feeds, slowly.

It runs in its own process (`FarmProcess`), so that its CPU does not count against the fetcher
being measured. Every request waits `delay` seconds before the answer (a stand-in for the round
trip to a distant server); answers carry an ETag (a hash of the bytes) and Last-Modified, and a
matching conditional request gets 304. Files are read again whenever they change on disk, so the
benchmark changes a share of the feeds between rounds by rewriting them.

    with FarmProcess(folder, delay=0.1) as farm:
        farm.url("0001.xml")
"""

from __future__ import annotations

import argparse
import asyncio
import email.utils
import hashlib
import signal
import subprocess
import sys
from pathlib import Path

# The same types the project's own test server gives (the plugins are importable now).
from pln_site.devserver import CONTENT_TYPES  # noqa: E402

MAX_HEADER_BYTES = 16 * 1024
IDLE_SECONDS = 30.0  # idle keep-alive connections are closed after this


class _Files:
    """Bytes, ETag and Last-Modified per file, reread when the file's mtime or size changes."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.cache: dict[str, tuple[tuple[int, int], bytes, str, str]] = {}

    def get(self, name: str) -> tuple[bytes, str, str] | None:
        path = (self.root / name.lstrip("/")).resolve()
        if not path.is_relative_to(self.root):
            return None
        try:
            stat = path.stat()
        except OSError:
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = self.cache.get(name)
        if cached is None or cached[0] != stamp:
            body = path.read_bytes()
            etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
            modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
            cached = (stamp, body, etag, modified)
            self.cache[name] = cached
        return cached[1], cached[2], cached[3]


async def _serve_connection(reader, writer, files: _Files, delay: float) -> None:
    try:
        while True:
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), IDLE_SECONDS)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
                return
            lines = head.decode("latin-1").split("\r\n")
            method, target, _version = (lines[0].split(" ") + ["", ""])[:3]
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name:
                    headers[name.strip().lower()] = value.strip()
            if delay:
                await asyncio.sleep(delay)
            found = files.get(target.split("?", 1)[0])
            if found is None:
                status, body, extra = (
                    "404 Not Found",
                    b"not found\n",
                    {"Content-Type": "text/plain"},
                )
            else:
                body, etag, modified = found
                extra = {
                    "ETag": etag,
                    "Last-Modified": modified,
                    "Content-Type": CONTENT_TYPES.get(Path(target).suffix, "application/xml"),
                }
                tags = [
                    t.strip().removeprefix("W/")
                    for t in headers.get("if-none-match", "").split(",")
                ]
                if etag in tags or (
                    "if-none-match" not in headers and headers.get("if-modified-since") == modified
                ):
                    status, body = "304 Not Modified", b""
                    del extra["Content-Type"]
                else:
                    status = "200 OK"
            closing = headers.get("connection", "").lower() == "close"
            out = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in extra.items()]
            if not status.startswith("304"):
                out.append(f"Content-Length: {len(body)}")
            if closing:
                out.append("Connection: close")
            payload = ("\r\n".join(out) + "\r\n\r\n").encode("latin-1")
            writer.write(payload + (body if method != "HEAD" else b""))
            await writer.drain()
            if closing:
                return
    except (ConnectionError, OSError):
        return
    finally:
        writer.close()


async def _main(root: Path, delay: float) -> None:
    files = _Files(root)
    server = await asyncio.start_server(
        lambda r, w: _serve_connection(r, w, files, delay),
        "127.0.0.1",
        0,
        backlog=1024,
        limit=MAX_HEADER_BYTES,
    )
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    async with server:
        await stop.wait()


class FarmProcess:
    """The farm in a child process, started and stopped by this object (a context manager)."""

    def __init__(self, root: Path, *, delay: float):
        self.root = Path(root)
        self.delay = delay
        self.process: subprocess.Popen | None = None
        self.port: int | None = None

    def start(self) -> FarmProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.farm", str(self.root), "--delay", str(self.delay)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.strip().isdigit():
            self.stop()
            raise RuntimeError("the feed farm did not start")
        self.port = int(line)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def __enter__(self) -> FarmProcess:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Serve a folder of feeds on 127.0.0.1.")
    parser.add_argument("root", type=Path)
    parser.add_argument("--delay", type=float, default=0.1, help="seconds before each answer")
    args = parser.parse_args()
    asyncio.run(_main(args.root, args.delay))
