"""Issue item 11: `kill -9` of a fetch at random moments. After every kill the store passes
`PRAGMA integrity_check`, every feed holds either its whole previous set of entries or its whole
new set (one transaction per feed: never a half-written feed, never a lost entry), and the next
fetch completes.

Each trial starts the planet's fetch command (pln_site.commands.fetch.run_fetch, what `invoke fetch` runs) in
a child process against a LocalFeedServer whose feeds answer after random delays, waits until the
fetch has begun (the server saw its first request), waits a random moment more and sends SIGKILL.
The seed is printed in every failure message so that a failing run can be replayed
(HOSTILE_KILL_SEED=...); HOSTILE_KILL_TRIALS sets how many trials.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import deque

import pytest

from pln_site.commands.fetch import run_fetch
from pln_site.devserver import LocalFeedServer, Route
from tests.support.hostile_sites import entry_keys, integrity, recent, rfc822, rss, rss_item
from tests.support.processes import go, start_fetch_child, write_fetch_site

pytestmark = pytest.mark.slow

# Twelve random kills a run (each run draws new moments); HOSTILE_KILL_TRIALS=100 for a long hunt.
TRIALS = int(os.environ.get("HOSTILE_KILL_TRIALS", 12))
GOOD_FEEDS = 12
FAILING_FEEDS = 4
ENTRIES_PER_TRIAL = 3


def feed_url(n: int) -> str:
    return f"http://f{n}.example/feed.xml"


def keys_up_to(n: int, trial: int) -> set[str]:
    return {f"f{n}-t{t}-e{e}" for t in range(trial + 1) for e in range(ENTRIES_PER_TRIAL)}


def body(n: int, trial: int) -> bytes:
    """Feed n as it stands in `trial`: every entry of the trials so far (newest first)."""
    items = []
    for t in range(trial, -1, -1):
        for e in range(ENTRIES_PER_TRIAL):
            items.append(
                rss_item(f"f{n}-t{t}-e{e}", f"Feed {n} trial {t} entry {e}",
                         description="<p>" + "text " * 30 + "</p>",
                         date=rfc822(recent(1 + (trial - t) + e / 10)))
            )  # fmt: skip
    return rss(items, title=f"Feed {n}")


def serve_trial(server: LocalFeedServer, trial: int, rng: random.Random | None) -> None:
    for n in range(GOOD_FEEDS):
        delay = rng.uniform(0.0, 0.5) if rng else 0.0
        server.route(f"/f{n}.xml", Route.feed(body(n, trial), delay=delay))
    for n in range(GOOD_FEEDS, GOOD_FEEDS + FAILING_FEEDS):
        if trial >= 0:  # good once (the baseline), failing ever after
            server.route(f"/f{n}.xml", Route(status=500, delay=rng.uniform(0, 0.5) if rng else 0))


def test_kill_minus_nine_at_random_moments(tmp_path, capsys):
    seed = int(os.environ.get("HOSTILE_KILL_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    with LocalFeedServer() as server:
        feeds = {
            f"m{n}": f"http://f{n}.example/f{n}.xml" for n in range(GOOD_FEEDS + FAILING_FEEDS)
        }
        resolve = {f"f{n}.example": server.address for n in range(GOOD_FEEDS + FAILING_FEEDS)}
        site = write_fetch_site(tmp_path, feeds, resolve,
                                PLANET_MAX_ENTRIES_PER_FEED=10_000, PLANET_MAX_AGE_DAYS=0)  # fmt: skip
        store_file = tmp_path / "cache" / "planet.sqlite3"
        # The baseline: every feed fetched once, the failing ones too (before they fail).
        for n in range(GOOD_FEEDS + FAILING_FEEDS):
            server.route(f"/f{n}.xml", Route.feed(body(n, 0)))
        assert start_fetch_child(site).wait(timeout=60) == 0
        baseline = entry_keys(store_file)
        url = {n: feeds[f"m{n}"] for n in range(GOOD_FEEDS + FAILING_FEEDS)}
        assert all(baseline[url[n]] == keys_up_to(n, 0) for n in url)

        settings = json.loads((site / "settings.json").read_text())
        # Each trial's child starts (and imports) two trials ahead, while the trials before it
        # are being checked: importing takes longer than checking one trial.
        ready = deque(start_fetch_child(site, on_go=True) for _ in range(min(2, TRIALS)))
        try:
            mid_run_kills = run_trials(
                server, site, store_file, settings, baseline, url, ready, rng, seed, capsys
            )
        finally:
            for spare in ready:  # only after a failure: each trial takes its child
                spare.kill()
                spare.communicate(timeout=30)
    # The kills must have landed while feeds were being written, not only before or after.
    print(f"kill -9: {TRIALS} trials (seed {seed}), {mid_run_kills} landed mid-run")
    assert mid_run_kills >= TRIALS // 4, f"seed {seed}: only {mid_run_kills} kills landed mid-run"


def run_trials(server, site, store_file, settings, baseline, url, ready, rng, seed, capsys) -> int:
    """Trials 1..TRIALS: a fetch killed at a random moment, the store checked, a fetch to finish.

    Takes each trial's child from `ready` and starts the ones after; returns how many kills
    landed while feeds were being written."""
    mid_run_kills = 0
    for trial in range(1, TRIALS + 1):
        context = f"seed {seed}, trial {trial}"
        child = ready.popleft()
        serve_trial(server, trial, rng)
        before = len(server.requests)
        go(child)
        deadline = time.monotonic() + 30
        while len(server.requests) == before and child.poll() is None:
            assert time.monotonic() < deadline, f"{context}: the fetch never began"
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.6))
        child.kill()  # SIGKILL: no cleanup of any kind
        child.communicate(timeout=30)
        if trial + len(ready) < TRIALS:
            ready.append(start_fetch_child(site, on_go=True))

        assert integrity(store_file) == "ok", context
        stored = entry_keys(store_file)
        updated = 0
        for n in range(GOOD_FEEDS):
            old, new = keys_up_to(n, trial - 1), keys_up_to(n, trial)
            assert stored[url[n]] in (old, new), f"{context}: feed {n} is half-written"
            updated += stored[url[n]] == new
        for n in range(GOOD_FEEDS, GOOD_FEEDS + FAILING_FEEDS):
            assert stored[url[n]] == baseline[url[n]], f"{context}: failing feed {n} lost entries"
        mid_run_kills += 0 < updated < GOOD_FEEDS

        # The next fetch (here, in this process) completes and brings every feed up to date.
        serve_trial(server, trial, None)
        assert run_fetch(settings, as_json=True) == 0, f"{context}: {capsys.readouterr().err}"
        assert integrity(store_file) == "ok", context
        stored = entry_keys(store_file)
        for n in range(GOOD_FEEDS):
            assert stored[url[n]] == keys_up_to(n, trial), f"{context}: feed {n}"
        for n in range(GOOD_FEEDS, GOOD_FEEDS + FAILING_FEEDS):
            assert stored[url[n]] == baseline[url[n]], context
    return mid_run_kills
