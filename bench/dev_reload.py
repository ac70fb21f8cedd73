"""Edit to browser with `invoke dev`: the time from saving a post to its new text in the open
tab's page, on the example site (the demo's content and store), in headless Chromium.

    python -m bench.dev_reload [--edits 10]

Copies content/ into a temporary folder, fills its store as `invoke demo` does, starts `invoke
dev` there on a free port, opens the post in Chromium (Debian's `chromium`, driven by
playwright), then saves the post again and again with a new sentence, each time waiting for the
sentence in the page's DOM. Prints each edit's time and their median. What a save costs is a
whole build of the site (Pelican, the plugins, the search index) plus the reload.
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
from pathlib import Path

from .paths import PROJECT

POST = Path("posts") / "how-i-read-feeds.md"
POST_URL = "posts/how-i-read-feeds/"
START_SECONDS = 180
EDIT_SECONDS = 120


def prepare_site(root: Path) -> Path:
    """The example site in `root` with its store filled by the demo path; its settings file."""
    from pln_site.commands import build as site
    from pln_site.commands.demo import run_demo
    from pln_site.commands.settings import load_settings

    shutil.copytree(PROJECT / "content", root / "content")
    settings_file = root / "sitesettings.py"
    values = {
        "PATH": str(root / "content"),
        "OUTPUT_PATH": str(root / "output"),
        "THEME": str(PROJECT / "theme"),
        "PLANET_STORE_PATH": str(root / "cache" / "planet.sqlite3"),
        "CACHE_PATH": str(root / "cache" / "pelican"),
    }
    lines = ["import sys", f"sys.path.insert(0, {str(PROJECT)!r})", "from pelicanconf import *"]
    lines += [f"{name} = {value!r}" for name, value in values.items()]
    settings_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        if run_demo(load_settings(settings_file), build=site.build) != 0:
            raise SystemExit(f"the demo did not build:\n{printed.getvalue()}")
    return settings_file


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


def measure(root: Path, settings_file: Path, edits: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("needs Chromium: apt-get install chromium")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = (root / "dev-output.txt").open("wb")
    dev = subprocess.Popen(
        [sys.executable, "-m", "invoke", "--search-root", str(PROJECT), "dev",
         "-s", str(settings_file), "--port", str(port)],
        cwd=root, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    post = root / "content" / POST
    original = post.read_text(encoding="utf-8")
    seconds: list[float] = []
    try:
        wait_for_server(url, dev)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium)
            try:
                tab = browser.new_page()
                tab.goto(url + POST_URL)
                for number in range(1, edits + 1):
                    sentence = f"Edit {number}: {uuid.uuid4().hex}."
                    start = time.perf_counter()
                    post.write_text(f"{original}\n{sentence}\n", encoding="utf-8")
                    tab.get_by_text(sentence).wait_for(timeout=EDIT_SECONDS * 1000)
                    seconds.append(time.perf_counter() - start)
                    print(f"edit {number}: {seconds[-1]:.2f} s", flush=True)
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


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--edits", type=int, default=10, help="how many saves (default 10)")
    arguments = options.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dev-reload-") as folder:
        root = Path(folder)
        settings_file = prepare_site(root)
        seconds = measure(root, settings_file, arguments.edits)
    print(
        f"edit to browser, {len(seconds)} saves of a post on the example site: "
        f"median {statistics.median(seconds):.2f} s (fastest {min(seconds):.2f} s, "
        f"slowest {max(seconds):.2f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
