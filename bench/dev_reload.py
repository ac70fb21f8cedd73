"""Edit to browser with `invoke dev`: the time from saving a post (or a member file) to its new
text in the open tab's page, in headless Chromium.

    python -m bench.dev_reload [--edits 10] [--members 500]

Without --members: copies content/ into a temporary folder and fills its store as `invoke demo`
does (the example site). With --members N: a site made by bench/bigsite.py (N members, 40
entries each, 200 posts), the size the writer's-loop goals are set at; then member edits are
timed too (a member's `why`, on their page). Starts `invoke dev` there on a free port, opens
the page in Chromium (Debian's `chromium`, driven by playwright), then saves the file again and
again with a new sentence, each time waiting for the sentence in the page's DOM. Prints each
edit's time and their median. What a save costs is a build of what changed (Pelican, the
plugins; the search index comes after the reload) plus the reload.

With --settle, each save waits for the build of the one before to end and for its search
index (`invoke dev` makes it in the background after each build, and it shares the two cores
with the next build), as a writer who reads the page before saving again; without it, the saves
follow each other as fast as the page shows them, which is before their build has ended: the
next build then waits for it.

The time is the page's own: from the write to the moment the reloaded page's DOM was parsed
(its navigation entry's domInteractive, on the wall clock that the browser's timeOrigin counts
from too). Playwright only says that the sentence is there: it looks again at growing intervals,
up to half a second apart, so the moment it notices is not the moment the page had it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from .paths import PROJECT

POST = Path("posts") / "how-i-read-feeds.md"
POST_URL = "posts/how-i-read-feeds/"
# How one save adds a sentence to a file: (path, its text as it was, the sentence).
Edit = Callable[[Path, str, str], None]

BIG_POST, BIG_POST_URL = Path("posts") / "post-0000.md", "posts/post-0000/"
BIG_MEMBER, BIG_MEMBER_URL = Path("network") / "member-0000.yaml", "network/member-0000/"
START_SECONDS = 180
EDIT_SECONDS = 120
# When the page in the tab had its DOM parsed, in seconds since the epoch.
PARSED_AT = """() => {
  const navigation = performance.getEntriesByType("navigation")[0];
  return (performance.timeOrigin + navigation.domInteractive) / 1000;
}"""


def prepare_site(root: Path) -> Path:
    """The example site in `root` with its store filled by the demo path; its settings file."""
    from pln_site.commands import build as site
    from pln_site.commands.demo import run_demo
    from pln_site.commands.settings import load_settings

    shutil.copytree(PROJECT / "content", root / "content")
    settings_file = write_settings(root, root / "cache" / "planet.sqlite3")
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        if run_demo(load_settings(settings_file), build=site.build) != 0:
            raise SystemExit(f"the demo did not build:\n{printed.getvalue()}")
    return settings_file


def prepare_big_site(root: Path, members: int) -> Path:
    """A bigsite.py site of `members` members in `root`; its settings file."""
    from .bigsite import make_site

    make_site(root, members=members, entries=40 * members, posts=200)
    return write_settings(root, root / "store.sqlite3")  # where bigsite.py puts the store


def write_settings(root: Path, store: Path) -> Path:
    """sitesettings.py in `root`: the project's pelicanconf, with the site's folders under `root`
    and its store at `store`."""
    values = {
        "PATH": str(root / "content"),
        "OUTPUT_PATH": str(root / "output"),
        "THEME": str(PROJECT / "theme"),
        "PLANET_STORE_PATH": str(store),
        "CACHE_PATH": str(root / "cache" / "pelican"),
    }
    lines = ["import sys", f"sys.path.insert(0, {str(PROJECT)!r})", "from pelicanconf import *"]
    lines += [f"{name} = {value!r}" for name, value in values.items()]
    settings_file = root / "sitesettings.py"
    settings_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return settings_file


def append_to_post(path: Path, original: str, sentence: str) -> None:
    path.write_text(f"{original}\n{sentence}\n", encoding="utf-8")


def append_to_why(path: Path, original: str, sentence: str) -> None:
    import yaml

    data = yaml.safe_load(original)
    data["why"] = f"{data['why']} {sentence}"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_server(url: str, dev: subprocess.Popen) -> None:
    import httpx

    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if dev.poll() is not None:
            raise SystemExit(f"invoke dev ended with {dev.returncode}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"invoke dev did not serve {url}")


def measure(
    root: Path,
    settings_file: Path,
    edits: int,
    targets: list[tuple[Path, str, Edit]],
    settle: bool = False,
) -> dict[str, list[float]]:
    """For each (file under content/, page URL, how to add a sentence): `edits` saves, each
    timed from the write to the sentence in the open page's DOM; seconds by file name.
    `settle`: before each save, wait for the search index of the build before."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("needs Chromium: apt-get install chromium")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log_file = root / "dev-output.txt"
    log = log_file.open("wb")
    dev = subprocess.Popen(
        [sys.executable, "-m", "invoke", "--search-root", str(PROJECT), "dev",
         "-s", str(settings_file), "--port", str(port)],
        cwd=root, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    seconds: dict[str, list[float]] = {}
    try:
        wait_for_server(url, dev)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium)
            try:
                for file, page_url, add in targets:
                    path = root / "content" / file
                    original = path.read_text(encoding="utf-8")
                    tab = browser.new_page()
                    tab.goto(url + page_url)
                    timed = seconds[file.name] = []
                    for number in range(1, edits + 1):
                        if settle:
                            wait_for_index(log_file, dev)
                        sentence = f"Edit {number}: {uuid.uuid4().hex}."
                        start = time.time()  # the wall clock, as the browser's
                        add(path, original, sentence)
                        tab.get_by_text(sentence).wait_for(timeout=EDIT_SECONDS * 1000)
                        parsed_at = tab.evaluate(PARSED_AT)
                        if parsed_at < start:
                            raise SystemExit(f"the sentence came without a reload: {tab.url}")
                        timed.append(parsed_at - start)
                        print(f"{file.name}, edit {number}: {timed[-1]:.2f} s", flush=True)
                    tab.close()
            finally:
                browser.close()
    finally:
        dev.send_signal(signal.SIGINT)  # as the writer stops it
        try:
            dev.wait(timeout=30)
        except subprocess.TimeoutExpired:
            dev.kill()
            dev.wait()
        log.close()
    return seconds


def wait_for_index(log_file: Path, dev: subprocess.Popen) -> None:
    """Until the dev server has finished its last build and that build's search index: the
    page shows an edit before its build is done, so the build may still be running."""
    deadline, said = time.monotonic() + EDIT_SECONDS, ""
    while time.monotonic() < deadline and dev.poll() is None:
        said = log_file.read_text(encoding="utf-8", errors="replace")
        indexed = said.rfind("Search index updated.")
        if indexed > max(said.rfind(news) for news in ("Changed:", "Built;", "Build failed")):
            return
        time.sleep(0.05)
    raise SystemExit(f"no search index after the last build:\n{said[-2000:]}")


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--edits", type=int, default=10, help="how many saves (default 10)")
    options.add_argument(
        "--members", type=int, default=0,
        help="a bigsite.py site of this many members instead of the example site",
    )  # fmt: skip
    options.add_argument(
        "--settle", action="store_true",
        help="before each save, wait for the search index of the one before",
    )  # fmt: skip
    arguments = options.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dev-reload-") as folder:
        root = Path(folder)
        if arguments.members:
            settings_file = prepare_big_site(root, arguments.members)
            targets = [(BIG_POST, BIG_POST_URL, append_to_post),
                       (BIG_MEMBER, BIG_MEMBER_URL, append_to_why)]  # fmt: skip
            where = f"a site of {arguments.members} members"
        else:
            settings_file = prepare_site(root)
            targets = [(POST, POST_URL, append_to_post)]
            where = "the example site"
        seconds = measure(root, settings_file, arguments.edits, targets, arguments.settle)
    for name, timed in seconds.items():
        print(
            f"edit to browser, {len(timed)} saves of {name} on {where}"
            f"{' (each after the last one was indexed)' if arguments.settle else ''}: "
            f"median {statistics.median(timed):.2f} s (fastest {min(timed):.2f} s, "
            f"slowest {max(timed):.2f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
