"""The benchmark's feed farm and feeds: what the fetch scenarios stand on."""

from __future__ import annotations

import time

import httpx
import pytest

from bench.farm import FarmProcess
from bench.feeds import change_share, synthetic_feed, with_new_entry, write_feeds
from pln_site.feeds.parse.feed import parse_feed


@pytest.fixture
def farm(tmp_path):
    (tmp_path / "a.xml").write_bytes(synthetic_feed(1, entries=3))
    with FarmProcess(tmp_path, delay=0.2) as running:
        yield running, tmp_path


def test_the_farm_answers_slowly_with_validators_and_304(farm):
    running, _folder = farm
    with httpx.Client() as client:
        started = time.monotonic()
        first = client.get(running.url("a.xml"))
        assert time.monotonic() - started >= 0.2
        assert first.status_code == 200
        assert parse_feed(first.content, url=running.url("a.xml")).entries
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert client.get(running.url("a.xml"), headers={"If-None-Match": etag}).status_code == 304
        by_date = client.get(running.url("a.xml"), headers={"If-Modified-Since": modified})
        assert by_date.status_code == 304
        assert client.get(running.url("missing.xml")).status_code == 404
        assert client.get(running.url("../outside.xml")).status_code == 404


def test_a_changed_file_is_served_new_with_a_new_etag(farm):
    running, folder = farm
    with httpx.Client() as client:
        etag = client.get(running.url("a.xml")).headers["ETag"]
        change_share(folder, ["a.xml"], 1.0, "round-2")
        again = client.get(running.url("a.xml"), headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again.headers["ETag"] != etag
    titles = [entry.title for entry in parse_feed(again.content, url="http://x/").entries]
    assert titles[0] == "New round-2"


def test_the_farm_process_stops_with_its_owner(tmp_path):
    farm = FarmProcess(tmp_path, delay=0).start()
    process = farm.process
    farm.stop()
    assert process.poll() is not None


@pytest.mark.parametrize(
    "body, suffix",
    [
        (synthetic_feed(3, entries=2), ".xml"),
        (
            b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            b"<entry><title>old</title><id>urn:x:1</id><updated>2024-01-01T00:00:00Z</updated>"
            b"</entry></feed>",
            ".atom",
        ),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": '
            b'[{"id": "1", "content_text": "old"}]}',
            ".json",
        ),
    ],
)
def test_a_new_entry_is_added_in_every_format(body, suffix):
    before = parse_feed(body, url="http://x/feed").entries
    after = parse_feed(with_new_entry(body, suffix, "t1"), url="http://x/feed").entries
    assert len(after) == len(before) + 1
    assert after[0].title == "New t1"


def test_write_feeds_and_change_a_share(tmp_path):
    names, _origin = write_feeds(tmp_path, 30)
    assert len(names) == len(set(names)) == 30
    before = {name: (tmp_path / name).read_bytes() for name in names}
    changed = change_share(tmp_path, names, 0.10, "r")
    assert len(changed) == 3
    assert {n for n in names if (tmp_path / n).read_bytes() != before[n]} == set(changed)
