"""The writer's loop in a real tab: `invoke dev` runs, a post is saved, and the open page shows
the new text without a reload by hand; a broken member file shows its file and line over the
page, as text, and the fix takes it away."""

from __future__ import annotations

from bs4 import BeautifulSoup

from tests.support.browser import chromium
from tests.support.dev import CHANGE_SECONDS, dev_site, edit, held_dev_site, running_dev

OVERLAY = "#dev-build-problems"
NEW_TEXT = "Edited while the tab stayed open."
HOSTILE = "<img src=x onerror=alert(1)>"
WAIT_MS = CHANGE_SECONDS * 1000
# The build the page in the tab came from, as the dev server named it.
SERVED_BUILD = """() => performance.getEntriesByType("navigation")[0].serverTiming
  .find((metric) => metric.name === "dev-build").description"""
# Resolves once the event stream says that the build `build` has ended.
BUILD_ENDED = """(build) => new Promise((ended) => {
  const events = new EventSource("/__dev/events");
  events.addEventListener("build", (event) => {
    const state = JSON.parse(event.data);
    if (state.build === build && state.building === null) { events.close(); ended(); }
  });
})"""


def overlay_of(html: str) -> BeautifulSoup | None:
    return BeautifulSoup(html, "html.parser").find(id=OVERLAY.removeprefix("#"))


def test_the_open_tab_follows_edits_and_shows_a_failed_build_until_it_is_fixed(tmp_path):
    site = dev_site(tmp_path)
    member = site.network / "amara-okafor.yaml"
    with running_dev(site) as dev, chromium() as browser:
        tab = browser.new_page()
        alerts: list[str] = []
        tab.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
        blocked: list[str] = []  # what the page's CSP refused: the script must need nothing more
        tab.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else 0)
        tab.goto(f"{dev.url}posts/hello-network/")
        tab.wait_for_function("() => document.readyState === 'complete'")

        edit(site.posts / "hello-network.md", "A first post of the fixture site.", NEW_TEXT)
        tab.get_by_text(NEW_TEXT).wait_for(timeout=WAIT_MS)

        edit(member, "since: 2019-04", f'since: "{HOSTILE}"')
        tab.wait_for_selector(OVERLAY, timeout=WAIT_MS)
        overlay = overlay_of(tab.content())
        assert overlay is not None
        [problem] = overlay.select(".dev-build-problem")
        text = problem.get_text()
        assert "amara-okafor.yaml:5: since:" in text
        assert HOSTILE in text  # shown as the text it is...
        assert overlay.find("img") is None  # ...and never made into markup
        assert NEW_TEXT in tab.inner_text("main")  # the last good build stays under it

        edit(member, f'since: "{HOSTILE}"', "since: 2019-04")
        tab.wait_for_selector(OVERLAY, state="detached", timeout=WAIT_MS)
        tab.wait_for_function("() => document.readyState === 'complete'")
        assert overlay_of(tab.content()) is None
        assert NEW_TEXT in tab.inner_text("main")
        assert alerts == [] and blocked == []
        assert "Traceback" not in dev.stderr  # reloads drop connections: nothing to report


def test_an_edited_post_shows_once_its_page_is_written_and_is_not_reloaded_again(tmp_path):
    """At 500 members the directory and the river take most of a build: the tab that shows the
    edited post reloads once the post's page is written (the rest of the build is held here),
    and not again when that build ends."""
    site, held = held_dev_site(tmp_path)
    with running_dev(site) as dev, chromium() as browser:
        tab = browser.new_page()
        loads: list[str] = []
        tab.on("load", lambda loaded: loads.append(loaded.url))
        tab.goto(f"{dev.url}posts/hello-network/")
        tab.wait_for_function("() => document.readyState === 'complete'")
        first_build = tab.evaluate(SERVED_BUILD)

        held.hold()
        edit(site.posts / "hello-network.md", "A first post of the fixture site.", NEW_TEXT)
        tab.get_by_text(NEW_TEXT).wait_for(timeout=WAIT_MS)
        assert dev.stdout.count("Built;") == 1  # shown while the build is still held
        early_build = tab.evaluate(SERVED_BUILD)
        assert early_build != first_build

        held.release()
        # The page's own stream says when its build has ended; the reload script hears it too.
        tab.evaluate(BUILD_ENDED, early_build)
        tab.wait_for_timeout(500)  # a reload would have begun by now
        assert len(loads) == 2 and NEW_TEXT in tab.inner_text("main")
        assert dev.stdout.count("Built;") == 2
