"""How commands meet the edges of a terminal, run as the owner runs them (`invoke ...` in a
shell): `invoke serve` answers a missing page with a 404 and the site's page, a busy port is a
message, Ctrl-C and a closed pipe end quietly."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pln_site.devserver import LocalFeedServer, Route
from tests.support.processes import default_sigint, free_port, write_fetch_site
from tests.support.project import FIXTURE_SITE, PROJECT, run_invoke, site_paths, write_site_settings

INVOKE = [sys.executable, "-m", "invoke", "--search-root", str(PROJECT)]


@pytest.fixture
def settings(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE_SITE / "content", tmp_path / "content")
    return write_site_settings(tmp_path / "sitesettings.py", **own_paths(tmp_path))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("served")
    shutil.copytree(FIXTURE_SITE / "content", root / "content")
    path = write_site_settings(root / "sitesettings.py", **own_paths(root))
    result = run_invoke("build", "-s", str(path))
    assert result.returncode == 0, result.stderr
    return path


def own_paths(root: Path) -> dict:
    """The site's folders, Pelican's cache too: builds running side by side share nothing."""
    return {**site_paths(root), "CACHE_PATH": str(root / "cache" / "pelican")}


@pytest.fixture
def serving(built: Path) -> Iterator[tuple[subprocess.Popen, int]]:
    """`invoke serve --port PORT` running, once it says where; stopped by its pid at the end."""
    port = free_port()
    server = subprocess.Popen(
        [*INVOKE, "serve", "-s", str(built), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first, server.stderr.read() if not first else first
        yield server, port
    finally:
        if server.poll() is None:
            server.kill()
        server.communicate(timeout=30)


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_serve_answers_a_missing_page_with_404_and_the_sites_page(serving):
    _, port = serving
    status, body = get(f"http://127.0.0.1:{port}/posts/no-such-post/")
    assert status == 404
    page = BeautifulSoup(body, "html.parser")
    assert page.h1.get_text(strip=True) == "Page not found"
    # What exists is still served, with clean URLs.
    status, body = get(f"http://127.0.0.1:{port}/posts/hello-network/")
    assert status == 200 and BeautifulSoup(body, "html.parser").h1.get_text() == "Hello, network"


def test_a_second_serve_on_the_same_port_names_it_and_how_to_choose_another(serving, built):
    _, port = serving
    again = run_invoke("serve", "-s", str(built), "--port", str(port), timeout=60)
    assert again.returncode != 0
    assert f"port {port}" in again.stderr and "--port" in again.stderr
    assert "Traceback" not in again.stderr


def test_ctrl_c_stops_serve_with_a_short_line(serving):
    server, _ = serving
    server.send_signal(signal.SIGINT)
    _, err = server.communicate(timeout=30)
    assert server.returncode == 130
    assert "Stopped" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "command",
    [INVOKE, [sys.executable, "-m", "pln_site.commands.cli"]],
    ids=["invoke", "pln-site"],
)
def test_a_closed_pipe_ends_status_quietly(settings, command):
    # `status --json | head -1` with a reader that is gone before anything is written.
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = subprocess.run(
            [*command, "status", "--json", "-s", str(settings)],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(writer)
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr


def test_ctrl_c_during_a_fetch_says_so_and_exits_130(tmp_path):
    with LocalFeedServer(routes={"/feed.xml": Route(hang=True)}) as feeds:
        site = write_fetch_site(
            tmp_path,
            {"ada": "http://ada.example/feed.xml"},
            {"ada.example": feeds.address},
            PLANET_TIMEOUT=120,
        )
        fetch = subprocess.Popen(
            [*INVOKE, "fetch", "-s", str(site / "sitesettings.py")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=default_sigint,
        )
        try:
            deadline = time.monotonic() + 60
            while feeds.hits("/feed.xml") == 0 and time.monotonic() < deadline:
                time.sleep(0.05)  # until the fetch is waiting on the feed that never answers
            assert feeds.hits("/feed.xml") == 1
            fetch.send_signal(signal.SIGINT)
            _, err = fetch.communicate(timeout=60)
        finally:
            if fetch.poll() is None:
                fetch.kill()
                fetch.communicate()
    assert fetch.returncode == 130
    assert "Stopped" in err and "Traceback" not in err, err


def test_screenshots_without_chromium_say_what_to_install(built, tmp_path):
    # A machine whose PATH has no browser on it: the message names both tools and how to get them.
    no_programs = tmp_path / "bin"
    no_programs.mkdir()
    result = subprocess.run(
        [*INVOKE, "screenshots", "-s", str(built)],
        env={**os.environ, "PATH": str(no_programs)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "apt-get install chromium" in result.stderr and "playwright" in result.stderr
    assert "Traceback" not in result.stderr


def test_status_before_any_fetch_names_both_ways_to_fetch(settings):
    result = run_invoke("status", "-s", str(settings))
    assert result.returncode == 0, result.stderr
    assert "invoke fetch" in result.stderr and "pln-site fetch" in result.stderr
