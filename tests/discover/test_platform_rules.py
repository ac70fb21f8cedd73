"""Each platform's profile URL shape and the feed it leads to, on the real hosts' shapes."""

from __future__ import annotations

import pytest

from pln_site.discover.platform_rules import candidates


@pytest.mark.parametrize(
    ("platform", "profile", "feeds"),
    [
        ("Mastodon", "https://mastodon.social/@ana", ["https://mastodon.social/@ana.rss"]),
        # Any fediverse server, whatever its name: the /@user shape is enough.
        ("scholar.social", "https://scholar.social/@ana/", ["https://scholar.social/@ana.rss"]),
        (
            "Bluesky",
            "https://bsky.app/profile/ana.bsky.social",
            ["https://bsky.app/profile/ana.bsky.social/rss"],
        ),  # fmt: skip
        (
            "YouTube",
            "https://www.youtube.com/channel/UCabc_12-x",
            ["https://www.youtube.com/feeds/videos.xml?channel_id=UCabc_12-x"],
        ),  # fmt: skip
        ("GitHub", "https://github.com/ana", ["https://github.com/ana.atom"]),
        ("GitLab", "https://gitlab.com/ana", ["https://gitlab.com/ana.atom"]),
        ("Codeberg", "https://codeberg.org/ana", ["https://codeberg.org/ana.rss"]),
    ],
)
def test_a_profile_leads_to_its_platforms_feed(platform, profile, feeds):
    assert candidates(platform, profile).urls == feeds


def test_pages_that_name_their_feed_are_read_instead():
    # A YouTube handle has no channel id in its address; a podcast says where its RSS is.
    handle = candidates("YouTube", "https://www.youtube.com/@ana")
    assert handle.urls == [] and handle.read_page
    podcast = candidates("Podcast", "https://shows.example/ana/")
    assert podcast.urls == [] and podcast.read_page
    assert candidates("Bluesky", "https://bsky.app/profile/ana.bsky.social").read_page


def test_a_path_of_another_shape_is_not_guessed_at():
    # A repository is not a user; a YouTube /@handle is not a fediverse account.
    assert candidates("GitHub", "https://github.com/ana/project").urls == []
    assert candidates("YouTube", "https://www.youtube.com/@ana").urls == []
