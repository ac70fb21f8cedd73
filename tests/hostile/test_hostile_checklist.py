"""The checklist of issue 4 ("Hostile input and failure"), item by item: where each is proven.

Each item names the module of tests/hostile/ that proves it, and the earlier tests it builds on
(not repeated here). The test below keeps the list honest: every module and test it names must
exist, so that renaming or deleting one shows up here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent

CHECKLIST: dict[str, list[str]] = {
    "1 script in every field, checked in a real browser": [
        "hostile/test_hostile_feed_scripts.py",
        "feeds/test_sanitize_property.py::test_xss_vector_in_every_field",
    ],
    "2 XML attacks": [
        "hostile/test_hostile_xml.py",
        "feeds/test_parse.py",
    ],
    "3 URL schemes and private addresses": [
        "hostile/test_hostile_urls.py",
        "feeds/test_fetch.py::test_only_http_and_https_are_fetched",
        "feeds/test_fetch.py::test_a_redirect_to_a_local_file_is_refused",
        "feeds/test_fetch.py::test_private_addresses_are_refused_by_default",
        "feeds/test_fetch.py::test_a_redirect_to_a_private_address_is_refused",
        "feeds/test_fetch.py::test_address_kinds",
        "feeds/test_fetch.py::test_every_address_of_a_name_is_checked",
        "members/test_validation.py::test_urls_must_be_absolute_http",
    ],
    "4 size cap and compression bombs": [
        "hostile/test_hostile_sizes.py",
        "feeds/test_fetch.py::test_a_body_over_the_cap_is_cut",
        "feeds/test_fetch.py::test_a_gzip_bomb_is_cut_at_the_decompressed_size",
    ],
    "5 servers that hang, trickle or cut": [
        "hostile/test_hostile_slow.py",
        "feeds/test_fetch.py::test_the_deadline_covers_the_whole_fetch",
        "feeds/test_fetch.py::test_a_body_cut_short_is_reported",
    ],
    "6 redirect loops and long chains": [
        "hostile/test_hostile_redirects.py",
        "feeds/test_fetch.py::test_redirects_are_followed_up_to_the_limit",
        "feeds/test_fetch.py::test_a_redirect_loop_is_refused",
    ],
    "7 HTTP errors, refused, DNS, TLS: last good entries kept": [
        "hostile/test_hostile_http_errors.py",
        "feeds/test_fetch.py::test_http_errors_are_reported_and_the_last_good_entries_stay",
        "feeds/test_fetch.py::test_connection_refused",
        "feeds/test_fetch.py::test_a_name_that_does_not_resolve",
        "feeds/test_fetch.py::test_an_untrusted_certificate_is_reported",
        "feeds/test_update.py::test_a_gone_feed_is_not_fetched_again_until_its_url_changes",
        "feeds/test_update.py::test_retry_after_in_seconds_is_honoured_on_the_next_run",
    ],
    "8 not a feed, wrong encodings": [
        "hostile/test_hostile_not_a_feed.py",
        "feeds/test_update.py::test_not_a_feed_is_reported_and_keeps_the_last_entries",
    ],
    "9 pathological entries through fetch and build": [
        "hostile/test_hostile_entries.py",
        "store/test_store.py::test_dates_fall_back_and_the_future_is_not_believed",
        "store/test_store.py::test_only_the_newest_entries_of_a_feed_are_kept",
    ],
    "10 member files": [
        "hostile/test_hostile_member_files.py",
        "members/test_validation.py::test_alias_bomb_is_refused_without_expanding",
        "members/test_validation.py::test_python_object_tags_are_never_built",
        "members/test_validation.py::test_huge_file_is_refused_without_parsing",
        "members/test_validation.py::test_avatar_must_be_an_image_inside_the_avatars_folder",
        "members/test_validation.py::test_avatar_symlink_out_of_the_folder_is_refused",
        "members/test_validation.py::test_template_syntax_is_kept_as_text",
    ],
    "11 kill -9 at random moments": ["hostile/test_hostile_kill.py"],
    "12 two fetches at once": [
        "hostile/test_hostile_concurrent.py",
        "store/test_store.py::test_a_second_fetch_waits_then_stops_with_a_clear_message",
        "commands/test_fetch.py::test_fetch_while_another_runs_exits_1",
    ],
    "13 read-only or full cache folder": ["hostile/test_hostile_cache_folder.py"],
    "14 CSP forbids inline script; theme JS in files": [
        "hostile/test_hostile_feed_scripts.py::test_with_the_pages_csp_nothing_leaves_127_0_0_1",
        "theme/test_theme_browser.py::test_stylesheet_applies_under_the_csp",
    ],
    "15 property test of the cleaning step": [
        "feeds/test_sanitize_property.py::test_cleaned_html_stays_within_the_allowlist",
    ],
}


@pytest.mark.parametrize("item", CHECKLIST)
def test_every_item_is_proven_somewhere_that_exists(item):
    for reference in CHECKLIST[item]:
        module, _, test = reference.partition("::")
        path = TESTS / module
        assert path.is_file(), f"item {item}: {module} is missing"
        if test:
            source = path.read_text(encoding="utf-8")
            assert re.search(rf"^def {re.escape(test)}\(", source, re.MULTILINE), (
                f"item {item}: {reference} is missing"
            )


def test_the_checklist_has_every_item_of_the_issue():
    assert [int(item.split()[0]) for item in CHECKLIST] == list(range(1, 16))
