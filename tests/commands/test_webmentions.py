"""`invoke webmentions`: a built site's posts tell the members' pages that they link to them.

Everything is real: the site is built by the build command (its function, in this process;
the rebuild after an edit by `invoke build`), the member's pages are served by the local feed
server, the endpoint is a small server on 127.0.0.1 that records the POSTs, and the
store is a SQLite file.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup

from pln_site.commands.publish import publish_site
from pln_site.commands.settings import load_settings
from pln_site.commands.webmentions import run_webmentions
from pln_site.devserver import Route
from pln_site.store import Store
from tests.support import in_process
from tests.support.endpoint import Receiver
from tests.support.workflows import Site, Web, html_page, invoke

SITE = "http://robin.example"
POST = f"{SITE}/posts/thinking-with-ada/"
ADA = "http://ada.example/"
HEADER_PAGE = "http://ada.example/notes/header"
MOVED_PAGE = "http://ada.example/moved"
A_PAGE = ADA  # the member's own site, the target of `Mentions: ada`
PLAIN_PAGE = "http://ada.example/notes/plain"
REJECTED_PAGE = "http://ada.example/notes/rejected"

MEMBER = """\
name: Ada Example
url: http://ada.example/
why: Her notes on note-taking.
since: 2021
topics: [notes]
"""

POST_TEXT = f"""\
Title: Thinking with Ada
Date: 2024-05-01 10:00
Category: notes
Slug: thinking-with-ada
Mentions: ada

Ada wrote [about headers]({HEADER_PAGE}), [about moving]({MOVED_PAGE}#part-2),
[a plain page]({PLAIN_PAGE}) and [one that refuses]({REJECTED_PAGE}); again
[about headers]({HEADER_PAGE}). Not a member: [elsewhere](http://elsewhere.example/x).
"""


@pytest.fixture
def hub() -> Iterator[Receiver]:
    """The Webmention receiver, and the page the member's /moved redirects to, whose endpoint
    is relative (resolved against this final URL, not against the target)."""
    pages = {
        "/notes/relative": "<html><head>"
        '<link rel="webmention" href="../webmention?from=link"></head><body>'
        '<a rel="webmention" href="/not-this-one">later</a></body></html>',
    }
    with Receiver(pages, statuses={"/reject": 400}) as receiver:
        yield receiver


@pytest.fixture
def served(web: Web, hub: Receiver) -> dict[str, str]:
    web.site(
        "ada.example",
        {
            "/": html_page(
                body='<p>Ada.</p><a rel="me webmention" href="http://hub.example/webmention?from=a">'
                "mentions</a>"
            ),
            "/notes/header": Route(
                body=b"<html><body><link rel='webmention' href='/not-this'></body></html>",
                content_type="text/html",
                headers={
                    "Link": '<http://ada.example/feed>; rel="alternate", '
                    '<http://hub.example/webmention?from=header>; rel="webmention"'
                },
            ),
            "/moved": Route.redirect("http://hub.example/notes/relative", 302),
            "/notes/plain": html_page(body="<p>No endpoint here.</p>"),
            "/notes/rejected": html_page(
                head='<link rel="webmention" href="http://hub.example/reject">'
            ),
        },
    )
    return {**web.resolve, "hub.example": hub.address}


def built(site: Site, resolve: dict[str, str], **extra) -> Site:
    (site.posts / "hello-network.md").unlink()  # it links to a member site no test serves
    (site.network / "ada.yaml").write_text(MEMBER, encoding="utf-8")
    (site.posts / "thinking-with-ada.md").write_text(POST_TEXT, encoding="utf-8")
    settings = {
        "SITEURL": SITE,
        "RELATIVE_URLS": False,
        "WEBMENTION_SEND": True,
        **extra,
    }
    assert in_process.build(site.write_settings(resolve, **settings)) == 0
    return site


def webmentions(site: Site, *args: str):
    return invoke("webmentions", "-s", str(site.settings_file), *args)


def report_lines(stdout: str) -> dict[str, str]:
    """target -> its report line, words squeezed."""
    lines = {}
    for line in stdout.splitlines():
        words = line.split()
        if len(words) >= 2 and words[1].rstrip(":").startswith("http") and line.startswith("  "):
            lines[words[1].rstrip(":")] = " ".join(words)
        elif len(words) >= 3 and words[0] == "would" and line.startswith("  "):
            lines[words[2].rstrip(":")] = " ".join(words)
    return lines


def test_the_built_post_links_to_the_targets(site: Site, served):
    built(site, served)
    page = site.root / "output" / "posts" / "thinking-with-ada" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("article.h-entry a.u-url")["href"] == POST
    links = [a["href"] for a in soup.select(".e-content a")]
    assert HEADER_PAGE in links and f"{MOVED_PAGE}#part-2" in links


def test_each_target_gets_one_webmention_and_the_report_says_what_happened(
    site: Site, served, hub: Receiver, web: Web
):
    built(site, served)
    first = webmentions(site)
    assert first.returncode == 1, first.stdout + first.stderr  # one send failed
    assert sorted(hub.pairs()) == sorted(
        [
            ("/webmention?from=header", POST, HEADER_PAGE),
            ("/webmention?from=link", POST, MOVED_PAGE),  # the fragment is the same page
            ("/webmention?from=a", POST, A_PAGE),
            ("/reject", POST, REJECTED_PAGE),
        ]
    )
    for received in hub.received:
        assert received.content_type == "application/x-www-form-urlencoded"
        assert set(received.form) == {"source", "target"}  # the query stays in the URL
    lines = report_lines(first.stdout)
    assert set(lines) == {HEADER_PAGE, MOVED_PAGE, A_PAGE, PLAIN_PAGE, REJECTED_PAGE}
    assert lines[HEADER_PAGE].startswith("sent ")
    assert "http://hub.example/webmention?from=header" in lines[HEADER_PAGE]
    assert lines[MOVED_PAGE].startswith("sent ") and "from=link" in lines[MOVED_PAGE]
    assert lines[A_PAGE].startswith("sent ")
    assert lines[PLAIN_PAGE] == f"skipped {PLAIN_PAGE}: no Webmention endpoint"
    assert lines[REJECTED_PAGE].startswith("failed ")
    assert "HTTP 400 Bad Request" in lines[REJECTED_PAGE]
    assert POST in first.stdout.splitlines()
    assert "3 sent, 1 skipped, 1 failed (from 1 posts)" in first.stdout

    # Remembered: nothing accepted is sent again, even after the post is edited and rebuilt.
    hub.received.clear()
    post = site.posts / "thinking-with-ada.md"
    post.write_text(POST_TEXT + "\nAn afterthought, added later.\n", encoding="utf-8")
    assert invoke("build", "-s", str(site.settings_file)).returncode == 0
    second = webmentions(site)
    assert [pair[2] for pair in hub.pairs()] == [REJECTED_PAGE], "only the failed one again"
    lines = report_lines(second.stdout)
    for target in (HEADER_PAGE, MOVED_PAGE, A_PAGE):
        assert lines[target].startswith(f"skipped {target}: already sent on ")
    with Store(site.store) as store:
        tries = store.webmention_tries()
    sent = sorted(target for (_, target), tried in tries.items() if tried.sent)
    assert sent == sorted([HEADER_PAGE, MOVED_PAGE, A_PAGE])
    assert tries[(POST, HEADER_PAGE)].endpoint == "http://hub.example/webmention?from=header"
    assert tries[(POST, HEADER_PAGE)].status == 202
    assert tries[(POST, PLAIN_PAGE)].error == "no Webmention endpoint"

    # The owner asks: sent again.
    hub.received.clear()
    webmentions(site, "--resend")
    assert sorted(pair[2] for pair in hub.pairs()) == sorted(
        [HEADER_PAGE, MOVED_PAGE, A_PAGE, REJECTED_PAGE]
    )


def test_the_cap_leaves_the_rest_for_the_next_run(site: Site, served, hub: Receiver):
    built(site, served, WEBMENTION_MAX_PER_RUN=2)
    first = webmentions(site)
    assert [pair[2] for pair in hub.pairs()] == [HEADER_PAGE, MOVED_PAGE]  # the post's order
    over = [line for line in report_lines(first.stdout).values() if "over the cap of 2" in line]
    assert len(over) == 3
    webmentions(site)  # the plain page (no endpoint) and the refusing one
    assert [pair[2] for pair in hub.pairs()][2:] == [REJECTED_PAGE]
    third = webmentions(site)  # never tried before those tried already: the mention's target
    assert [pair[2] for pair in hub.pairs()][3:] == [A_PAGE]
    assert "2 sent" not in third.stdout and "1 sent" in third.stdout


def test_nothing_is_sent_when_sending_is_off(site: Site, served, hub: Receiver, web: Web):
    built(site, served, WEBMENTION_SEND=False)
    result = webmentions(site)
    assert result.returncode == 0
    assert "Webmentions are off" in result.stdout
    assert hub.received == [] and web.hits("ada.example", "/notes/header") == 0


def test_a_dry_run_lists_what_would_be_sent_and_contacts_nobody(
    site: Site, served, hub: Receiver, web: Web
):
    built(site, served, WEBMENTION_SEND=False)
    result = webmentions(site, "--dry-run")
    assert result.returncode == 0, result.stderr
    lines = report_lines(result.stdout)
    assert set(lines) == {HEADER_PAGE, MOVED_PAGE, A_PAGE, PLAIN_PAGE, REJECTED_PAGE}
    assert all(line.startswith("would send ") for line in lines.values())
    assert hub.received == [] and web.hits("ada.example", "/notes/header") == 0
    assert not site.store.exists(), "a dry run writes no store"


def test_a_site_without_its_public_address_is_refused(site: Site, served):
    built(site, served)
    site.write_settings(served, WEBMENTION_SEND=True)  # pelicanconf: SITEURL is empty
    result = webmentions(site)
    assert result.returncode != 0
    assert "SITEURL" in result.stderr and "publishconf" in result.stderr


def test_publish_sends_after_a_good_upload_and_never_fails_for_them(
    site: Site, served, hub: Receiver, capsys
):
    built(site, served)
    config = load_settings(site.settings_file)
    failed_upload = [sys.executable, "-c", "raise SystemExit(3)"]
    assert publish_site(config, failed_upload, build=lambda _: 0) == 3
    assert hub.received == [], "no upload, no Webmention"
    upload = [sys.executable, "-c", "pass"]
    assert publish_site(config, upload, build=lambda _: 0) == 0  # one failed, still published
    assert len(hub.pairs()) == 4
    assert "3 sent, 1 skipped, 1 failed" in capsys.readouterr().out


def test_an_endpoint_on_a_private_address_is_refused_and_reported(
    site: Site, served, hub: Receiver, capsys
):
    built(site, served)
    config = load_settings(site.write_settings(served, SITEURL=SITE, WEBMENTION_SEND=True))
    config["PLANET_ALLOW_PRIVATE_ADDRESSES"] = False
    assert run_webmentions(config) == 1
    out = capsys.readouterr().out
    assert hub.received == []
    assert "0 sent, 0 skipped, 5 failed" in out
    assert "refused (PLANET_ALLOW_PRIVATE_ADDRESSES is off)" in out


def test_a_bad_cap_is_a_clear_error_and_sends_nothing(site: Site, served, hub: Receiver, capsys):
    built(site, served, WEBMENTION_MAX_PER_RUN=0)
    assert run_webmentions(load_settings(site.settings_file)) == 2
    assert "WEBMENTION_MAX_PER_RUN must be a whole number, 1 or more, not 0" in (
        capsys.readouterr().err
    )
    assert hub.received == []
