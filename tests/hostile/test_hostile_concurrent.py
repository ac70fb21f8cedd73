"""Issue item 12: two fetches at once. The second waits for the first and then runs, or, when
the first takes too long, stops with a clear message naming the process that holds the store;
the store is never corrupted. A fetch killed while holding the lock does not leave it stuck.

Already proven in-process in tests/planet/test_store.py
(test_a_second_fetch_waits_then_stops_with_a_clear_message) and tests/planet/test_cli.py
(test_fetch_while_another_runs_exits_1, with a stand-in lock). Here both fetches are real
processes: the planet's fetch command in a child, and `invoke fetch` as a user types it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pln_site.devserver import LocalFeedServer, Route
from pln_site.store.lock import LOCK_WAIT_SECONDS
from tests.support.hostile_sites import entry_keys, integrity, recent, rfc822, rss, rss_item
from tests.support.processes import go, invoke, start_fetch_child, write_fetch_site

pytestmark = pytest.mark.slow  # waits for the lock on purpose

FEEDS = 6


def feed(n: int) -> bytes:
    return rss([rss_item(f"f{n}-e{e}", f"Feed {n} entry {e}", date=rfc822(recent(e + 1)))
                for e in range(3)])  # fmt: skip


@pytest.fixture(params=[2], ids=["timeout-2s"])
def slow_site(tmp_path, request):
    """A site of FEEDS members and the server of their feeds; the fetch deadline is the param."""
    with LocalFeedServer() as server:
        feeds = {f"m{n}": f"http://f{n}.example/f{n}.xml" for n in range(FEEDS)}
        site = write_fetch_site(
            tmp_path,
            feeds,
            {f"f{n}.example": server.address for n in range(FEEDS)},
            PLANET_TIMEOUT=request.param,
        )
        yield site, server


def wait_for_first_request(server, child, before: int = 0) -> None:
    deadline = time.monotonic() + 30
    while len(server.requests) <= before:
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the first fetch never began"
        time.sleep(0.01)


def holds_open(pid: int, path: Path) -> bool:
    """Whether process `pid` has `path` open (Linux: its /proc/PID/fd links)."""
    try:
        return any(Path(link).resolve() == path for link in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see the waiting")
def test_the_second_fetch_waits_for_the_first_then_runs(slow_site):
    site, server = slow_site
    for n in range(FEEDS):  # the first fetch hangs on every feed until its deadline (2 s)
        server.route(f"/f{n}.xml", Route(hang=True))
    first = start_fetch_child(site, on_go=True)
    second = start_fetch_child(site, on_go=True)
    go(first)
    wait_for_first_request(server, first)
    go(second)
    lock = (site / "cache" / "planet.sqlite3.lock").resolve()
    deadline = time.monotonic() + 10
    while not holds_open(second.pid, lock):
        assert time.monotonic() < deadline, "the second fetch never reached the lock"
        time.sleep(0.01)
    assert first.poll() is None, "the first fetch was still running: the second had to wait"
    for n in range(FEEDS):  # what the second fetch will find
        server.route(f"/f{n}.xml", Route.feed(feed(n)))
    _, first_err = first.communicate(timeout=60)
    _, second_err = second.communicate(timeout=60)
    assert (first.returncode, second.returncode) == (0, 0), first_err + second_err
    assert "Traceback" not in first_err + second_err
    assert integrity(site / "cache" / "planet.sqlite3") == "ok"
    stored = entry_keys(site / "cache" / "planet.sqlite3")
    assert all(len(stored[f"http://f{n}.example/f{n}.xml"]) == 3 for n in range(FEEDS))


@pytest.mark.parametrize("slow_site", [60], ids=["timeout-60s"], indirect=True)
def test_the_second_fetch_stops_with_a_clear_message_and_a_killed_one_frees_the_lock(slow_site):
    site, server = slow_site
    for n in range(FEEDS):
        server.route(f"/f{n}.xml", Route(hang=True))  # the first fetch holds on (until killed)
    first = start_fetch_child(site, on_go=True)
    go(first)
    wait_for_first_request(server, first)
    started = time.monotonic()
    second = invoke(site, "fetch")
    waited = time.monotonic() - started
    assert second.returncode == 1, second.stdout + second.stderr
    message = " ".join(second.stderr.split())
    assert f"Not fetching: another fetch is running (pid {first.pid})" in message
    assert "try again when it has finished" in message
    assert "Traceback" not in second.stderr
    assert waited >= LOCK_WAIT_SECONDS, "it waited for the lock before giving up"
    first.kill()
    first.communicate(timeout=30)
    # The lock dies with its process: the next fetch runs at once.
    for n in range(FEEDS):
        server.route(f"/f{n}.xml", Route.feed(feed(n)))
    third = start_fetch_child(site)
    out, err = third.communicate(timeout=60)
    assert third.returncode == 0, err
    assert integrity(site / "cache" / "planet.sqlite3") == "ok"
    stored = entry_keys(site / "cache" / "planet.sqlite3")
    assert all(len(stored[f"http://f{n}.example/f{n}.xml"]) == 3 for n in range(FEEDS))
