"""`invoke dev` running in a child process on a copy of the fixture site, for the tests of the
writer's loop: its address, its terminal output, its event stream, and a stop by Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.processes import default_sigint, free_port
from tests.support.project import PROJECT
from tests.support.workflows import SITE_PLUGINS, Site

START_SECONDS = 120  # the first build, on a machine that runs other builds meanwhile
CHANGE_SECONDS = 60  # from a saved file to the page that shows it, on a busy machine


class DevProcess:
    """One `invoke dev`; `stop()` sends it SIGINT (Ctrl-C) and returns its exit code."""

    def __init__(self, site: Site, port: int) -> None:
        self.site = site
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"
        self.stdout_path = site.root / "dev-stdout.txt"
        self.stderr_path = site.root / "dev-stderr.txt"
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "invoke", "--search-root", str(PROJECT), "dev",
                 "-s", str(site.settings_file), "--port", str(port)],
                cwd=site.root, stdout=out, stderr=err, preexec_fn=default_sigint,
            )  # fmt: skip

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"invoke dev ended ({self.process.returncode}): {self.stderr}")
            try:
                if httpx.get(self.url, timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"invoke dev did not serve {self.url}: {self.stderr}")

    def stop(self) -> int:
        """Ctrl-C, as the writer presses it; killed after a long wait if it does not end."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


@contextmanager
def running_dev(site: Site) -> Iterator[DevProcess]:
    """`invoke dev` on `site` (its settings written already), serving; stopped afterwards."""
    dev = DevProcess(site, free_port())
    try:
        dev.wait_until_serving()
        yield dev
    finally:
        dev.stop()


def dev_events(dev: DevProcess) -> Iterator[tuple[str, dict]]:
    """The events of the stream, one after another, as (kind, data): "build" for a build's
    state (the current one first), "page" for a page that the build under way has written."""
    timeout = httpx.Timeout(5, read=CHANGE_SECONDS)
    with httpx.stream("GET", f"{dev.url}__dev/events", timeout=timeout) as response:
        assert response.headers["content-type"] == "text/event-stream"
        event = ""
        for line in response.iter_lines():
            if line.startswith("event:"):
                event = line.removeprefix("event:").strip()
            elif line.startswith("data:"):
                yield event, json.loads(line.removeprefix("data:"))


def build_events(dev: DevProcess) -> Iterator[dict]:
    """The states the event stream announces, one after another, the current one first."""
    return (data for kind, data in dev_events(dev) if kind == "build")


def next_build(events: Iterator[dict], after: dict) -> dict:
    """The first state announced after `after`, i.e. the next build's."""
    for state in events:
        if state["build"] != after["build"]:
            return state
    raise AssertionError("the event stream ended")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} does not say {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def dev_site(root: Path) -> Site:
    """The fixture site in `root`, with its settings written."""
    site = Site(root)
    site.write_settings()
    return site


HOLD_PLUGIN = '''"""Holds each build once Pelican has written the posts, while the file `hold` is beside
this plugin: the rest of a big site's build, made to last until the test says."""

import time
from pathlib import Path

from pelican import signals

HOLD = Path(__file__).with_name("hold")


def _wait(_generator, writer=None):
    deadline = time.monotonic() + 120
    while HOLD.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def register():
    signals.article_writer_finalized.connect(_wait)
'''


class HeldBuilds:
    """A plugin of the site's own that holds each build after its posts' pages are written,
    between `hold()` and `release()`."""

    def __init__(self, site: Site) -> None:
        self.folder = site.root / "test-plugins"
        self.folder.mkdir()
        (self.folder / "hold_build.py").write_text(HOLD_PLUGIN, encoding="utf-8")

    def settings(self, plugins: list[str]) -> dict:
        return {"PLUGIN_PATHS": [str(self.folder)], "PLUGINS": [*plugins, "hold_build"]}

    def hold(self) -> None:
        (self.folder / "hold").touch()

    def release(self) -> None:
        (self.folder / "hold").unlink()


def held_dev_site(root: Path) -> tuple[Site, HeldBuilds]:
    """The fixture site in `root` with the plugin that holds its builds, settings written."""
    site = Site(root)
    held = HeldBuilds(site)
    site.write_settings(**held.settings(SITE_PLUGINS))
    return site, held
