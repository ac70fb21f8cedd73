"""`invoke fetch` and `invoke status` where there is no terminal (a scheduled job's log, a pipe):
one line per feed with its URL whole, whatever width COLUMNS claims. At a terminal the table
stays (tests/commands/test_report.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pln_site.devserver import LocalFeedServer
from tests.support.fetching import simple_feed
from tests.support.processes import invoke, write_fetch_site

# Longer than a log's 80 columns on their own: a table folds each over two or three lines.
LONG_PATH = "/blog/categories/open-education/and/community-building/feeds/atom-full-content.xml"
FEEDS = {
    "ada": f"http://ada.example{LONG_PATH}",
    "bea": f"http://bea.example{LONG_PATH}?format=atom&lang=en",
    "cy": "http://cy.example/a-feed-that-is-not-there-and-answers-with-a-404-not-found.xml",
}


@pytest.fixture
def log_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands write into a pipe, as into a job's log 80 columns wide."""
    monkeypatch.setenv("COLUMNS", "80")
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def site(tmp_path: Path):
    feeds = tmp_path / "feeds"
    for member_id in ("ada", "bea"):
        target = feeds / f"{member_id}.example" / LONG_PATH.lstrip("/")
        target.parent.mkdir(parents=True)
        target.write_bytes(simple_feed(2, site=f"https://{member_id}.example/"))
    with LocalFeedServer(feeds, by_host=True) as server:
        resolve = {f"{member_id}.example": server.address for member_id in FEEDS}
        yield write_fetch_site(tmp_path / "site", FEEDS, resolve)


def feed_lines(output: str) -> dict[str, list[str]]:
    """member id -> the tab-separated cells of the line that names them first."""
    found: dict[str, list[str]] = {}
    for line in output.splitlines():
        cells = line.split("\t")
        if cells[0] in FEEDS and cells[0] not in found:
            found[cells[0]] = cells
    return found


def test_fetch_and_status_in_a_log_print_each_feed_url_whole_on_one_line(site, log_output):
    fetched = invoke(site, "fetch")
    assert fetched.returncode == 0, fetched.stderr
    status = invoke(site, "status")
    assert status.returncode == 0, status.stderr
    for run, heading in ((fetched, "Feeds fetched"), (status, "Feed health")):
        lines = run.stdout.splitlines()
        assert heading in lines, run.stdout
        assert not any("│" in line or "┃" in line for line in lines), "a table, in a log"
        rows = feed_lines(run.stdout)
        assert set(rows) == set(FEEDS), run.stdout
        for member_id, url in FEEDS.items():
            assert url in rows[member_id], rows[member_id]
    fetch_rows, status_rows = feed_lines(fetched.stdout), feed_lines(status.stdout)
    assert fetch_rows["ada"][2] == "ok" and fetch_rows["cy"][2] == "failed"
    assert "HTTP 404 Not Found" in fetch_rows["cy"][-1]
    assert status_rows["ada"][2] == "ok" and status_rows["cy"][2] == "failing"
    assert fetched.stdout.splitlines()[-1].startswith("3 feeds: 2 ok, 1 failed; 4 new entries")
