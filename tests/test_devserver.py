"""The local feed server the demo, the tests and the benchmarks share."""

from __future__ import annotations

import threading
import time

import httpx

from pln_site.devserver import LocalFeedServer, Route


def test_files_are_served_with_validators_and_304s(tmp_path):
    (tmp_path / "feed.atom").write_bytes(b"<feed/>")
    with LocalFeedServer(tmp_path) as server:
        first = httpx.get(server.url("/feed.atom"))
        assert (first.status_code, first.content) == (200, b"<feed/>")
        assert first.headers["Content-Type"] == "application/atom+xml"
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert (
            httpx.get(server.url("/feed.atom"), headers={"If-None-Match": etag}).status_code == 304
        )
        since = {"If-Modified-Since": modified}
        assert httpx.get(server.url("/feed.atom"), headers=since).status_code == 304
        assert httpx.get(server.url("/missing.xml")).status_code == 404


def test_files_outside_the_folder_are_never_served(tmp_path):
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "site").mkdir()
    with LocalFeedServer(tmp_path / "site") as server:
        answer = httpx.get(server.url("/%2e%2e/secret.txt"))
    assert answer.status_code == 404


def test_the_host_header_picks_the_folder(tmp_path):
    for host in ("ada.example", "bea.example"):
        (tmp_path / host).mkdir()
        (tmp_path / host / "feed.xml").write_text(host)
    with LocalFeedServer(tmp_path, by_host=True) as server:
        answer = httpx.get(server.url("/feed.xml"), headers={"Host": "bea.example"})
    assert answer.text == "bea.example"


def test_scripted_routes():
    with LocalFeedServer() as server:
        server.route("/moved", Route.redirect("/there", status=308))
        server.route("/busy", Route(status=429, headers={"Retry-After": "120"}))
        server.route("/zipped", Route(body=b"hello", gzip=True))
        moved = httpx.get(server.url("/moved"))
        assert (moved.status_code, moved.headers["Location"]) == (308, "/there")
        assert httpx.get(server.url("/busy")).headers["Retry-After"] == "120"
        zipped = httpx.get(server.url("/zipped"))
        assert zipped.headers["Content-Encoding"] == "gzip" and zipped.content == b"hello"
        assert server.hits("/moved") == 1


def test_stopping_releases_hanging_and_trickling_clients():
    server = LocalFeedServer(
        routes={"/hang": Route(hang=True), "/drip": Route(body=b"x" * 100, trickle=1)}
    )
    server.start()
    errors = []

    def ask(path):
        try:
            httpx.get(server.url(path), timeout=30)
        except httpx.HTTPError as error:
            errors.append(error)

    clients = [threading.Thread(target=ask, args=(path,)) for path in ("/hang", "/drip")]
    for client in clients:
        client.start()
    time.sleep(0.3)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 2
    for client in clients:
        client.join(timeout=5)
        assert not client.is_alive()
    assert len(errors) == 2  # both were cut off, neither waited 30 s
