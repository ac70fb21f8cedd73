"""Every real-world feed of the corpus, served locally and fetched in one run."""

from __future__ import annotations

from pathlib import Path

from pln_site.devserver import CONTENT_TYPES, LocalFeedServer
from pln_site.entries import FeedParseError, FeedSource
from pln_site.feeds.parse.feed import parse_feed
from pln_site.feeds.update import Outcome, fetch_all
from pln_site.store import Store
from tests.support.fetching import BASE_SETTINGS


def test_the_whole_corpus_in_one_run(corpus_dir: Path, tmp_path: Path):
    files = sorted(p for p in corpus_dir.iterdir() if p.is_file())
    with LocalFeedServer(corpus_dir) as server, Store(tmp_path / "planet.sqlite3") as store:
        sources = [FeedSource(f"m{n}", server.url("/" + p.name)) for n, p in enumerate(files)]
        settings = {
            **BASE_SETTINGS,
            "PLANET_MAX_AGE_DAYS": 0,
            "PLANET_MAX_ENTRIES_PER_FEED": 10_000,
        }
        # Worker processes parse this run (it is big enough for them).
        report = fetch_all(sources, store, settings, parse_processes=True)
        stored = {}
        for entry in store.entries():
            stored.setdefault(entry.feed_url, set()).add(entry.key)
        health = {feed.url: feed for feed in store.feed_health()}

    assert len(report.feeds) == len(files)
    for path, source, outcome in zip(files, sources, report.feeds, strict=True):
        try:
            expected = parse_feed(
                path.read_bytes(), url=source.url, content_type=CONTENT_TYPES.get(path.suffix)
            )
        except FeedParseError:
            assert outcome.outcome is Outcome.failed, path.name
            assert outcome.reason and outcome.reason.startswith("not a feed: "), path.name
            continue
        assert outcome.outcome is Outcome.ok, (path.name, outcome.reason)
        keys = {entry.key for entry in expected.entries}
        assert health[source.url].entry_count == len(keys), path.name
        # Entries the same link joins across feeds show once; every key is stored for its feed.
        assert stored.get(source.url, set()) <= keys, path.name
    failures = [feed for feed in report.feeds if feed.outcome is not Outcome.ok]
    assert all(feed.reason for feed in failures)
    assert report.counts["ok"] >= len(files) * 0.9
