"""The deciding step alone: skip, conditional, moved, gone, wait, and what the store is told.

decide.py is pure (no I/O, no clock), so each case is a stored state and a fetch result in,
a decision out: no server, no store.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from pln_site.entries import FeedParseError, FeedSource, ParsedEntry, ParsedFeed
from pln_site.feeds.decide import (
    Outcome,
    ParseBody,
    Skip,
    Verdict,
    after_fetch,
    after_parse,
    before_fetch,
    feed_update,
)
from pln_site.feeds.http.fetch import Conditions, FetchResult
from pln_site.store import FeedChanged, FeedFailed, FeedState, FeedUnchanged

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
URL = "https://ada.example/feed.xml"
NEW_URL = "https://ada.example/new-feed.xml"
SOURCE = FeedSource("ada", URL)
BODY = b"<feed>...</feed>"
BODY_HASH = hashlib.sha256(BODY).hexdigest()


def state(**fields) -> FeedState:
    values = {
        "url": URL,
        "etag": '"v1"',
        "last_modified": "Sat, 01 Jun 2024 10:00:00 GMT",
        "body_hash": "an older body",
        "gone": False,
        "retry_after": None,
        "moved_to": None,
        "consecutive_failures": 0,
    }
    return FeedState(**{**values, **fields})


def answer(status: int | None = 200, **fields) -> FetchResult:
    """A FetchResult as fetch_feed makes them: a 200 carries its body unless told otherwise."""
    if status == 200 and "error" not in fields:
        fields.setdefault("body", BODY)
    return FetchResult(url=URL, final_url=fields.pop("final_url", URL), status=status, **fields)


def parsed_feed(warning: str | None = None) -> ParsedFeed:
    entry = ParsedEntry(
        key="urn:1",
        link="https://ada.example/1",
        title="One",
        author=None,
        content_html="<p>One.</p>",
        summary_html="",
        published=NOW,
        updated=None,
    )
    return ParsedFeed("atom10", "Ada's notes", "https://ada.example/", [entry], warning=warning)


# -- before fetching ------------------------------------------------------------------------


def test_a_feed_never_fetched_is_fetched_without_conditions():
    assert before_fetch(None, NOW) == Conditions()


def test_a_stored_body_makes_the_request_conditional():
    plan = before_fetch(state(), NOW)
    assert plan == Conditions('"v1"', "Sat, 01 Jun 2024 10:00:00 GMT")
    assert plan.headers() == {
        "If-None-Match": '"v1"',
        "If-Modified-Since": "Sat, 01 Jun 2024 10:00:00 GMT",
    }


def test_validators_without_a_stored_body_are_not_sent():
    # Only failures on record: a 304 would leave nothing to show.
    assert before_fetch(state(body_hash=None), NOW) == Conditions()


def test_a_gone_feed_is_skipped():
    assert before_fetch(state(gone=True), NOW) == Skip(
        Outcome.gone, "gone (HTTP 410): not fetched until the member file names another URL"
    )


def test_a_feed_whose_server_asked_to_wait_is_skipped_until_then():
    later = NOW + dt.timedelta(minutes=30)
    assert before_fetch(state(retry_after=later), NOW) == Skip(
        Outcome.waiting,
        "waiting until 2024-06-01 12:30:00 UTC, as the server asked (Retry-After)",
    )
    assert before_fetch(state(retry_after=later), later) == Conditions(
        '"v1"', state().last_modified
    )
    assert isinstance(
        before_fetch(state(retry_after=NOW - dt.timedelta(seconds=1)), NOW), Conditions
    )


def test_gone_wins_over_waiting():
    plan = before_fetch(state(gone=True, retry_after=NOW + dt.timedelta(days=1)), NOW)
    assert isinstance(plan, Skip) and plan.outcome is Outcome.gone


# -- after fetching -------------------------------------------------------------------------


def test_a_failure_is_worded_and_recorded():
    verdict = after_fetch(SOURCE, state(), answer(502, error="HTTP 502 Bad Gateway"), NOW)
    assert verdict == Verdict(
        Outcome.failed,
        "HTTP 502 Bad Gateway",
        502,
        FeedFailed(source=SOURCE, at=NOW, status=502, error="HTTP 502 Bad Gateway"),
    )


def test_a_failure_without_an_answer_has_no_status():
    verdict = after_fetch(SOURCE, None, answer(None, error="connection refused"), NOW)
    assert (verdict.outcome, verdict.reason, verdict.status) == (
        Outcome.failed,
        "connection refused",
        None,
    )
    assert verdict.update == FeedFailed(
        source=SOURCE, at=NOW, status=None, error="connection refused"
    )


def test_a_retry_after_is_reported_and_remembered():
    later = NOW + dt.timedelta(hours=1)
    result = answer(429, error="HTTP 429 Too Many Requests", retry_after=later)
    verdict = after_fetch(SOURCE, state(), result, NOW)
    assert verdict.outcome is Outcome.failed
    assert verdict.reason == "HTTP 429 Too Many Requests; next try after 2024-06-01 13:00:00 UTC"
    assert verdict.update.retry_after == later
    assert verdict.update.error == "HTTP 429 Too Many Requests"  # the wait is not in the error


def test_410_is_gone():
    verdict = after_fetch(SOURCE, state(), answer(410, error="HTTP 410 Gone", gone=True), NOW)
    assert (verdict.outcome, verdict.status) == (Outcome.gone, 410)
    assert verdict.reason == (
        "HTTP 410 Gone: the feed was removed; it is not fetched again "
        "until the member file names another URL"
    )
    assert verdict.update == FeedFailed(
        source=SOURCE, at=NOW, status=410, error="HTTP 410 Gone", gone=True
    )


def test_304_is_not_modified_and_keeps_the_validators_it_repeats():
    verdict = after_fetch(SOURCE, state(), answer(304, etag='"v2"'), NOW)
    assert verdict == Verdict(
        Outcome.not_modified,
        "unchanged (HTTP 304)",
        304,
        FeedUnchanged(source=SOURCE, at=NOW, status=304, etag='"v2"'),
    )


def test_the_same_body_again_is_not_modified_and_not_parsed():
    result = answer(200, etag='"v3"', last_modified="Sun, 02 Jun 2024 00:00:00 GMT")
    verdict = after_fetch(SOURCE, state(body_hash=BODY_HASH), result, NOW)
    assert (verdict.outcome, verdict.reason, verdict.status) == (
        Outcome.not_modified,
        "unchanged (same content)",
        200,
    )
    assert verdict.update == FeedUnchanged(
        source=SOURCE,
        at=NOW,
        status=200,
        etag='"v3"',
        last_modified="Sun, 02 Jun 2024 00:00:00 GMT",
    )


@pytest.mark.parametrize("stored", [None, state()], ids=["first-fetch", "changed-body"])
def test_a_new_body_is_to_be_parsed(stored):
    assert after_fetch(SOURCE, stored, answer(200), NOW) == ParseBody(BODY_HASH)


def test_a_permanent_redirect_is_moved_whatever_else_happened():
    unchanged = after_fetch(SOURCE, state(), answer(304, moved_to=NEW_URL), NOW)
    assert (unchanged.outcome, unchanged.reason) == (
        Outcome.moved,
        f"moved to {NEW_URL}: update the member file",
    )
    assert unchanged.update.moved_to == NEW_URL
    same = after_fetch(SOURCE, state(body_hash=BODY_HASH), answer(200, moved_to=NEW_URL), NOW)
    assert same.outcome is Outcome.moved and same.update.moved_to == NEW_URL


def test_a_redirect_back_to_the_members_url_is_not_moved():
    verdict = after_fetch(SOURCE, state(), answer(304, moved_to=URL), NOW)
    assert verdict.outcome is Outcome.not_modified


def test_a_failure_after_a_permanent_redirect_is_a_failure_that_remembers_where():
    result = answer(404, error="HTTP 404 Not Found", moved_to=NEW_URL)
    verdict = after_fetch(SOURCE, state(), result, NOW)
    assert (verdict.outcome, verdict.reason) == (Outcome.failed, "HTTP 404 Not Found")
    assert verdict.update.moved_to == NEW_URL


# -- after parsing --------------------------------------------------------------------------


def test_a_parsed_feed_is_ok_and_stored_whole():
    feed = parsed_feed()
    result = answer(200, etag='"v4"', last_modified="Mon, 03 Jun 2024 00:00:00 GMT")
    verdict = after_parse(SOURCE, result, BODY_HASH, feed, NOW)
    assert verdict == Verdict(
        Outcome.ok,
        None,
        200,
        FeedChanged(
            source=SOURCE,
            at=NOW,
            status=200,
            etag='"v4"',
            last_modified="Mon, 03 Jun 2024 00:00:00 GMT",
            body_hash=BODY_HASH,
            title="Ada's notes",
            html_url="https://ada.example/",
            entries=tuple(feed.entries),
        ),
    )


def test_the_parsers_warning_is_the_reason():
    verdict = after_parse(SOURCE, answer(200), BODY_HASH, parsed_feed("recovered"), NOW)
    assert (verdict.outcome, verdict.reason) == (Outcome.ok, "recovered")


def test_a_moved_feed_that_parsed_is_moved_with_its_entries():
    result = answer(200, moved_to=NEW_URL, final_url=NEW_URL)
    verdict = after_parse(SOURCE, result, BODY_HASH, parsed_feed(), NOW)
    assert verdict.outcome is Outcome.moved
    assert verdict.update.moved_to == NEW_URL and len(verdict.update.entries) == 1


def test_a_body_that_is_not_a_feed_is_a_failure():
    verdict = after_parse(SOURCE, answer(200), BODY_HASH, FeedParseError("no root element"), NOW)
    assert verdict == Verdict(
        Outcome.failed,
        "not a feed: no root element",
        200,
        FeedFailed(source=SOURCE, at=NOW, status=200, error="not a feed: no root element"),
    )


def test_feed_update_is_the_one_mapping_of_a_result_to_a_record():
    result = answer(200, etag='"e"', moved_to=NEW_URL)
    assert isinstance(feed_update(SOURCE, result, NOW), FeedUnchanged)
    assert isinstance(feed_update(SOURCE, result, NOW, error="boom"), FeedFailed)
    changed = feed_update(SOURCE, result, NOW, body_hash=BODY_HASH, feed=parsed_feed())
    assert isinstance(changed, FeedChanged) and changed.etag == '"e"' and changed.at == NOW
