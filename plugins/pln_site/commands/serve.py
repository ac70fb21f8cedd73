"""`invoke serve`: the built site on 127.0.0.1, as a web host would serve it.

Pelican's own handler finds clean URLs (`posts/x/` -> `posts/x/index.html`) but answers a missing
page with nothing at all, which a browser shows as a crashed server. Here a missing page gets
HTTP 404 and the site's own 404 page, and a port that is taken is a message, not a traceback.
"""

from __future__ import annotations

import errno
import functools
import sys
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pelican.server import ComplexHTTPRequestHandler

from pln_site.errors import SiteError
from pln_site.messages import display_path


class PortUnavailable(SiteError):
    """The port cannot be listened on; the message names it and how to choose another."""

    exit_code = 2


class SiteRequestHandler(ComplexHTTPRequestHandler):
    """Pelican's handler (clean URLs, content types), with a real 404 for a missing page."""

    not_found_page = "404.html"  # Pelican's 404 direct template, at the top of the output
    # The blogrolls (.opml) are a type Python's mimetypes does not know.
    extensions_map = {**ComplexHTTPRequestHandler.extensions_map, ".opml": "text/x-opml"}
    path: str  # the request's path, as http.server has it (Pelican's class leaves it untyped)

    def __init__(self, *args: Any, base_path: str, **kwargs: Any) -> None:
        self.base_path = base_path  # read by Pelican's translate_path
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        found = self.get_path_that_exists(self.path.split("?", 1)[0])
        if found is None:
            self.send_not_found()
            return
        self.path = found
        super(ComplexHTTPRequestHandler, self).do_GET()

    def do_HEAD(self) -> None:
        found = self.get_path_that_exists(self.path.split("?", 1)[0])
        if found is None:
            self.send_not_found(body=False)
            return
        self.path = found
        super().do_HEAD()

    def get_path_that_exists(self, original_path: str) -> str | None:
        # Pelican's lookup, without its warning per miss: the 404 is logged with the request.
        tried = (original_path.rstrip("/") + suffix for suffix in self.SUFFIXES)
        wants_folder = original_path.endswith("/")
        for path in tried:
            if path.endswith("/") and not wants_folder:
                continue  # let the base class redirect `folder` to `folder/`
            if Path(self.translate_path(path)).exists():
                return path
        return None

    def send_not_found(self, body: bool = True) -> None:
        page = Path(self.base_path, self.not_found_page)
        try:
            data = page.read_bytes()
        except OSError:  # a site without a 404 page: the plain answer of http.server
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def serve(settings: dict, port: int = 8000) -> None:
    """Serve the output folder on 127.0.0.1 only, until Ctrl-C."""
    output = Path(settings["OUTPUT_PATH"])
    if not (output / "index.html").is_file():
        raise SiteError(f"no site in {display_path(output)} yet", hint="run `invoke build` first")
    handler = functools.partial(SiteRequestHandler, base_path=str(output))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        raise port_problem(port, error) from None
    server.daemon_threads = True
    try:  # until Ctrl-C, which ends it as it ends every command (commands/exits.py)
        print(
            f"Serving {display_path(output)} at http://127.0.0.1:{port}/ (Ctrl-C stops)", flush=True
        )
        server.serve_forever()
    finally:
        server.server_close()


def port_problem(port: int, error: OSError, task: str = "serve") -> PortUnavailable:
    other = port + 1 if port < 65535 else 8001
    if error.errno == errno.EADDRINUSE:
        reason = f"port {port} is in use already (another `invoke {task}`, or another program)"
    elif error.errno == errno.EACCES:
        reason = f"port {port} needs privileges this user does not have"
    else:
        reason = f"cannot listen on 127.0.0.1 port {port}: {error.strerror or error}"
    return PortUnavailable(reason, hint=f"choose another port: invoke {task} --port {other}")
