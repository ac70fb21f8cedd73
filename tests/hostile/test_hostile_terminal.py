"""Issue 13: text from servers and member files reaches the terminal as text.

A reason phrase such as "Not [/] Found" raised rich's MarkupError: `invoke fetch` exited 1 after
writing the store and printed no table, `invoke status` failed on every run while that error was
stored, and in CI the failed fetch step skipped the build. "[link=...]" printed as a terminal
hyperlink, and a reason phrase may carry raw escape sequences (HTTP allows any byte but NUL and
whitespace there). Here the real commands run in a subprocess against such a server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.support.hostile_sites import member_file, recent, rfc822, rss, rss_item, write_site
from tests.support.processes import invoke, write_fetch_site

MARKUP = "Not [/] Found [link=http://x.example]click[/link]"
ESCAPES = "\x1b]8;;http://evil.example\x07here\x1b]8;;\x07 \x1b[2J\x1b]0;pwned\x07"
REASON = f"{MARKUP} {ESCAPES}"
MOVED_TO = "/new[/]feed.xml?x=[link=http://x.example]c[/link]"
# Titles the feed sends; the report never shows them, but nothing of theirs may slip through.
FEED = rss(
    [rss_item("t1", "Title \x1b[31mred\u202eevil", date=rfc822(recent(1)))],
    title="Blog \x1b]0;pwned\x07\u202e",
)
# What a terminal obeys rather than shows: ESC, BEL, C1's one-byte CSI, bidi controls.
OBEYED = ("\x1b", "\x07", "\x9b", "\u202e", "\u202d", "\u2066", "\u2067", "\u2068")


class _HostileServer(BaseHTTPRequestHandler):
    """Answers with the reason phrases and Location headers that LocalFeedServer cannot send."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == "/reason.xml":
            self._answer(404, REASON)
        elif self.path == "/busy.xml":
            self._answer(503, f"Busy [/] {ESCAPES}", {"Retry-After": "3600"})
        elif self.path == "/moved.xml":
            self._answer(301, "Moved", {"Location": MOVED_TO})
        elif self.path == "/control-location.xml":
            self._answer(302, "Found", {"Location": "/a\x1b]8;;x\x07.xml"})
        elif self.path == MOVED_TO:
            self._answer(200, "OK", {"Content-Type": "application/rss+xml"}, FEED)
        else:
            self._answer(404, "Not Found")

    def _answer(self, status: int, reason: str, headers=None, body: bytes = b"") -> None:
        self.send_response(status, reason)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hostile_server() -> Iterator[str]:
    """The server's address, host:port on 127.0.0.1; it stops when the test ends."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _HostileServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def site(tmp_path: Path, hostile_server: str) -> Path:
    feeds = {
        name: f"http://hostile.example/{name}.xml"
        for name in ("reason", "busy", "moved", "control-location")
    }
    return write_fetch_site(tmp_path, feeds, {"hostile.example": hostile_server})


@pytest.fixture
def plain_terminal(monkeypatch):
    """The commands' output as a pipe: rich writes no styles, so no ESC is rich's own."""
    monkeypatch.setenv("COLUMNS", "1000")  # one line per row: the texts stay whole
    monkeypatch.setenv("TTY_COMPATIBLE", "0")
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture
def colour_terminal(monkeypatch):
    """The commands believe they write to a colour terminal (rich styles, a progress bar)."""
    monkeypatch.setenv("COLUMNS", "1000")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)


def assert_shown_not_obeyed(output: str) -> None:
    assert "Traceback" not in output, output
    for char in OBEYED:
        assert char not in output, f"raw {char!r} in the output: {output!r}"


def test_fetch_and_status_print_reasons_as_text(site, plain_terminal):
    fetched = invoke(site, "fetch")
    assert fetched.returncode == 0, fetched.stderr
    assert "Feeds fetched" in fetched.stdout
    assert f"HTTP 404 {MARKUP}" in fetched.stdout
    assert "\u241b]8;;http://evil.example\u2407here" in fetched.stdout  # ␛ and ␇, visibly
    assert "HTTP 503 Busy [/] \u241b" in fetched.stdout
    assert f"moved to http://hostile.example{MOVED_TO}: update the member file" in fetched.stdout
    assert "redirect to something that is not a URL" in fetched.stdout
    assert_shown_not_obeyed(fetched.stdout + fetched.stderr)

    for _ in range(2):  # every later run too: the stored errors are shown the same way
        status = invoke(site, "status")
        assert status.returncode == 0, status.stderr
        assert "Feed health" in status.stdout and f"HTTP 404 {MARKUP}" in status.stdout
        assert "waiting until" in status.stdout and "Busy [/] \u241b" in status.stdout
        assert_shown_not_obeyed(status.stdout + status.stderr)


def test_a_colour_terminal_gets_only_the_reports_own_styles(site, colour_terminal):
    for args in (("fetch",), ("status",), ("fetch",)):
        run = invoke(site, *args)
        assert run.returncode == 0, run.stderr
        output = run.stdout + run.stderr
        assert MARKUP in run.stdout
        assert "Traceback" not in output
        # rich's own styles and cursor moves are CSI sequences: none of the server's gets out.
        assert "\x1b]" not in output, "an OSC sequence (hyperlink, window title) was sent"
        assert "\x07" not in output and "\x1b[2J" not in output
        assert "\u241b]8;;http://evil.example" in run.stdout


def test_check_shows_hostile_member_files_as_text(tmp_path, plain_terminal):
    hostile = (
        'name: "Eve \\e]8;;http://x.example\\aclick\\e]8;;\\a \\u202eevil"\n'
        "url: https://eve.example/\nwhy: Writes.\nsince: '2020'\ntopics: [t]\n"
        '"key\\e[2J\\u202e": 1\n'
        'country: "\\e]0;pwned\\a"\n'
    )
    content = write_site(tmp_path / "content", {"ada": member_file("Ada"), "eve": hostile})
    (content / "network" / "odd\x1b]0;t\x07\u202e.yaml").write_text("name: x\n", "utf-8")
    write_fetch_site(tmp_path, {}, {})  # the settings files, for the same content folder
    checked = invoke(tmp_path, "check")
    assert checked.returncode == 1
    assert "eve.yaml:1: name:" in checked.stderr and "member files." in checked.stderr
    assert_shown_not_obeyed(checked.stdout + checked.stderr)
