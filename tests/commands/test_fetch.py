"""`invoke fetch` and `invoke status` as a user runs them: member files in, report out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import pln_site.store.lock
from pln_site.commands.fetch import run_fetch, run_status
from pln_site.devserver import LocalFeedServer
from pln_site.store import Store
from tests.support.fetching import simple_feed

MEMBER = """\
name: {name}
url: https://{host}/
why: We learn from each other.
since: 2020
topics: [open education]
status: {status}
feeds:
  - url: http://{host}/feed.xml
"""


@pytest.fixture
def site(tmp_path: Path):
    """A content folder with three members, and a server for their hosts."""
    content = tmp_path / "content"
    network = content / "network"
    network.mkdir(parents=True)
    members = {
        "ada": ("Ada", "ada.example", "active"),
        "bea": ("Bea", "bea.example", "dormant"),
        "old": ("Old", "old.example", "archived"),
    }
    feeds = tmp_path / "feeds"
    for member_id, (name, host, status) in members.items():
        (network / f"{member_id}.yaml").write_text(
            MEMBER.format(name=name, host=host, status=status)
        )
        (feeds / host).mkdir(parents=True)
        (feeds / host / "feed.xml").write_bytes(simple_feed(2, site=f"https://{host}/"))
    (feeds / "bea.example" / "feed.xml").unlink()  # Bea's feed answers 404
    with LocalFeedServer(feeds, by_host=True) as server:
        settings = {
            "PATH": str(content),
            "PLANET_STORE_PATH": str(tmp_path / "cache" / "planet.sqlite3"),
            "PLANET_ALLOW_PRIVATE_ADDRESSES": True,
            "PLANET_RESOLVE": {host: server.address for _, host, _ in members.values()},
        }
        yield settings, server


def test_fetch_reports_every_listed_members_feed_as_json(site, capsys):
    settings, server = site
    assert run_fetch(settings, as_json=True) == 0
    report = json.loads(capsys.readouterr().out)
    by_member = {feed["member_id"]: feed for feed in report["feeds"]}
    assert set(by_member) == {"ada", "bea"}  # the archived member is not fetched
    assert (by_member["ada"]["outcome"], by_member["ada"]["new_entries"]) == ("ok", 2)
    assert (by_member["bea"]["outcome"], by_member["bea"]["reason"]) == (
        "failed",
        "HTTP 404 Not Found",
    )
    assert report["counts"]["ok"] == 1 and report["new_entries"] == 2
    assert {request.host for request in server.requests} == {"ada.example", "bea.example"}


def test_fetch_prints_a_line_per_feed_and_a_summary(site, capsys):
    settings, _ = site
    assert run_fetch(settings) == 0
    lines = capsys.readouterr().out.splitlines()  # not a terminal: tab-separated lines
    rows = [line.split("\t") for line in lines if "\t" in line]
    outcomes = {row[0]: row[2] for row in rows if row[0] and row[0] != "Member"}
    assert outcomes == {"ada": "ok", "bea": "failed"}
    assert lines[-1].startswith("2 feeds: 1 ok, 1 failed; 2 new entries in ")


def test_a_broken_member_file_stops_fetch_with_the_report(site, capsys):
    settings, server = site
    (Path(settings["PATH"]) / "network" / "zed.yaml").write_text("name: Zed\nurl: not a url\n")
    assert run_fetch(settings) == 2
    err = capsys.readouterr().err
    assert "zed.yaml" in err
    assert server.requests == []


def test_bad_settings_stop_fetch(site, capsys):
    settings, _ = site
    assert run_fetch({**settings, "PLANET_CONCURRENCY": 0, "PLANET_RESOLVE": {"a": "nowhere"}}) == 2
    err = capsys.readouterr().err
    assert "PLANET_CONCURRENCY must be a positive number" in err
    assert "PLANET_RESOLVE['a']" in err


def test_fetch_while_another_runs_exits_1(site, capsys, monkeypatch):
    settings, _ = site
    monkeypatch.setattr(pln_site.store.lock, "LOCK_WAIT_SECONDS", 0.2)
    with Store(settings["PLANET_STORE_PATH"]) as store, store.fetch_lock():
        assert run_fetch(settings) == 1
    assert "another fetch is running" in capsys.readouterr().err


def test_status_shows_each_feeds_health_without_the_network(site, capsys):
    settings, server = site
    run_fetch(settings, as_json=True)
    capsys.readouterr()
    asked = len(server.requests)
    assert run_status(settings, as_json=True) == 0
    health = {feed["member_id"]: feed for feed in json.loads(capsys.readouterr().out)}
    assert (health["ada"]["state"], health["ada"]["entry_count"]) == ("ok", 2)
    assert (health["bea"]["state"], health["bea"]["last_error"]) == (
        "failing",
        "HTTP 404 Not Found",
    )
    assert health["bea"]["consecutive_failures"] == 1
    assert len(server.requests) == asked
    assert run_status(settings) == 0
    table = capsys.readouterr().out
    assert "failing" in table and "HTTP 404" in table


def test_status_before_any_fetch(site, capsys):
    settings, _ = site
    assert run_status(settings, as_json=True) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert not Path(settings["PLANET_STORE_PATH"]).exists()
