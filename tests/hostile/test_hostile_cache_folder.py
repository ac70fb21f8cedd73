"""Issue item 13: a read-only or full cache folder (and a damaged store) ends the real commands
with a clear message, without a traceback; what can still work (status, build) works.

The commands run as a user runs them: `invoke fetch|status|build -s settings` in a subprocess.
- Read-only: the cache folder (and store) are chmod'ed read-only. When the tests run as root,
  permissions do not bind root, so the child starts without the capabilities that override them
  (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER): the kernel then refuses its writes
  exactly as it refuses an ordinary user's.
- Full: a small tmpfs needs privileges the tests should not need, so the child runs under
  RLIMIT_FSIZE (with SIGXFSZ ignored): the kernel refuses any write that grows a file past the
  limit (EFBIG), which reaches SQLite as a failed write just as ENOSPC on a full disk does.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pln_site.commands.fetch import run_fetch, run_status
from pln_site.devserver import LocalFeedServer, Route
from tests.support.hostile_sites import recent, rfc822, rss, rss_item
from tests.support.processes import (
    invoke,
    permissions_apply_to_children,
    with_file_size_limit,
    without_file_capabilities,
    write_fetch_site,
)

FEED = rss([rss_item(f"e{n}", f"Entry {n}", description="<p>" + "words " * 400 + "</p>",
                     date=rfc822(recent(n + 1))) for n in range(40)])  # fmt: skip


@pytest.fixture
def site(tmp_path):
    with LocalFeedServer() as server:
        server.route("/feed.xml", Route.feed(FEED))
        yield write_fetch_site(
            tmp_path, {"ada": "http://ada.example/feed.xml"}, {"ada.example": server.address}
        )


pytestmark = pytest.mark.slow  # each case starts the real command: about a second apiece


def cache(site: Path) -> Path:
    return site / "cache"


def fetch_here(site: Path) -> int:
    """A good fetch in this process: the setting-up, not the case on trial."""
    return run_fetch(json.loads((site / "settings.json").read_text()), as_json=True)


def status_here(site: Path) -> int:
    return run_status(json.loads((site / "settings.json").read_text()), as_json=True)


def assert_clear(result, *words: str, code: int = 3) -> str:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == code, output
    for word in words:
        assert word in output.replace("\n", " ").replace("  ", " "), output
    return output


needs_permissions = pytest.mark.skipif(
    not permissions_apply_to_children(),
    reason="running as root without the right to drop capabilities: permissions cannot bind",
)


@pytest.fixture
def read_only(site):
    folder = cache(site)
    folder.mkdir(exist_ok=True)
    yield folder
    for path in [folder, *folder.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)


@needs_permissions
def test_fetch_into_a_read_only_folder_without_a_store(site, read_only):
    read_only.chmod(0o555)
    result = invoke(site, "fetch", preexec_fn=without_file_capabilities)
    assert_clear(result, "Fetch stopped: the store", "planet.sqlite3 cannot be opened", "hint:")


@needs_permissions
def test_a_read_only_store_stops_fetch_but_status_and_build_still_work(site, read_only):
    assert fetch_here(site) == 0
    for path in read_only.iterdir():
        path.chmod(0o444)
    read_only.chmod(0o555)
    fetch = invoke(site, "fetch", preexec_fn=without_file_capabilities)
    assert_clear(fetch, "Fetch stopped:", "cannot be opened", "readonly", "writable")
    status = invoke(site, "status", preexec_fn=without_file_capabilities)
    output = assert_clear(status, "ada", code=0)
    assert "40" in output  # the entry count, read from the read-only store
    build = invoke(site, "build", preexec_fn=without_file_capabilities)
    assert_clear(build, code=0)
    assert (site / "output" / "reading" / "index.html").is_file()


def test_a_cache_path_that_is_a_file(site):
    cache(site).write_text("not a folder")
    assert_clear(invoke(site, "fetch"), "Fetch stopped:", "cannot be opened", "must be a folder")


def test_a_store_path_that_is_a_folder(site):
    (cache(site) / "planet.sqlite3").mkdir(parents=True)
    assert_clear(invoke(site, "fetch"), "Fetch stopped:", "cannot be opened")
    assert_clear(invoke(site, "status"), "No status:", "cannot be opened")


def test_a_full_disk_before_the_store_exists(site):
    result = invoke(site, "fetch", preexec_fn=with_file_size_limit(8 * 1024))
    assert_clear(result, "Fetch stopped: the store", "is the disk full?")


def test_a_disk_that_fills_up_during_the_fetch(site):
    # Room for the schema (all its migrations) and the first feed's state, not for 40 long
    # entries: the write fails halfway, its transaction rolls back, and the command says so.
    # A new migration may need more room here: at 48 KiB, schema 4 no longer fitted.
    result = invoke(site, "fetch", preexec_fn=with_file_size_limit(96 * 1024))
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 3, output
    assert "cannot be written" in output and "is the disk full?" in output
    assert status_here(site) == 0  # the store is still whole


DAMAGE = {
    "garbage": lambda path: path.write_bytes(b"this is not a database\n" * 200),
    "truncated": lambda path: path.write_bytes(path.read_bytes()[: 4096 + 100]),
    "zeroed-header": lambda path: path.write_bytes(b"\0" * 100 + path.read_bytes()[100:]),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_store_is_named_and_the_build_carries_on(site, damage, capsys):
    assert fetch_here(site) == 0
    store = cache(site) / "planet.sqlite3"
    for extra in cache(site).glob("planet.sqlite3-*"):
        extra.unlink()
    DAMAGE[damage](store)
    fetch = invoke(site, "fetch")
    output = fetch.stdout + fetch.stderr
    assert "Traceback" not in output, output
    assert fetch.returncode == 3, output
    assert "planet.sqlite3 cannot be" in output
    assert status_here(site) == 3
    assert "No status:" in capsys.readouterr().err
    if damage == "garbage":  # the build and status commands, once
        assert_clear(invoke(site, "status"), "No status:", "damaged")
        assert_clear(invoke(site, "build"), code=0)
    shutil.rmtree(cache(site))  # the hint's remedy: move it away and fetch again
    assert fetch_here(site) == 0
