"""One measurement in a fresh process: `python -m bench.child '<json spec>'`.

Each tool's scenario runs in its own process so that peak memory (ru_maxrss) belongs to that run
alone. Prints one JSON line: wall and CPU seconds of the measured work (imports and set-up
excluded), peak RSS in MB, and what the tool reported.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

from .paths import PROJECT

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


class PeakMemory(threading.Thread):
    """The largest resident memory of this process and its descendants (parse workers, a search
    indexer), sampled from /proc every 50 ms.

    ru_maxrss alone will not do: a process started by fork and exec keeps its parent's high-water
    mark, so every figure would be at least the benchmark runner's own size.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in _tree(os.getpid())))

    def stop(self) -> float:
        """Stop sampling; the peak in MB (this process's own high-water mark at least)."""
        self.done.set()
        self.join()
        return max(self.peak_kb, _status_kb(os.getpid(), "VmHWM")) / 1024


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:  # gone already, or no /proc (then the peak stays 0)
        pass
    return 0


def _rss_kb(pid: int) -> int:
    # statm's second field: resident pages. Cheaper for the kernel than status, whose every
    # read slowed the measured processes noticeably at 20 reads a second.
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def _tree(pid: int, depth: int = 3) -> list[int]:
    found = [pid]
    if depth == 0:
        return found
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                kids = [int(child) for child in children.read().split()]
        except OSError:
            continue
        for kid in kids:
            found.extend(_tree(kid, depth - 1))
    return found


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


# -- fetch tools -------------------------------------------------------------------------------


def fetch_ours(spec: dict) -> dict:
    """`invoke fetch`'s code path: fetch_all with worker processes for parsing."""
    from pln_site.entries import FeedSource
    from pln_site.feeds.update import fetch_all
    from pln_site.store import Store

    settings = {
        "PLANET_ALLOW_PRIVATE_ADDRESSES": True,  # the farm listens on 127.0.0.1
        "PLANET_CONCURRENCY": spec["workers"],
        "PLANET_STORE_PATH": spec["state"],
    }
    sources = [FeedSource(f"m{i}", url) for i, url in enumerate(spec["urls"])]
    with Store(spec["state"]) as store:
        start, cpu = time.perf_counter(), _cpu()
        report = fetch_all(sources, store, settings, parse_processes=True)
        wall, cpu = time.perf_counter() - start, _cpu() - cpu
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "parsed": report.parsed,
        "ok": report.counts["ok"],
        "not_modified": report.counts["not modified"],
        "failed": report.counts["failed"],
    }


def fetch_feedparser(spec: dict) -> dict:
    """What most planet plugins do: feedparser.parse(url), one feed after another."""
    import feedparser

    start, cpu = time.perf_counter(), _cpu()
    entries = failed = 0
    for url in spec["urls"]:
        result = feedparser.parse(url)
        entries += len(result.entries)
        failed += result.get("status") != 200
    wall, cpu = time.perf_counter() - start, _cpu() - cpu
    return {"wall_s": wall, "cpu_s": cpu, "entries": entries, "failed": failed}


def fetch_webring(spec: dict) -> dict:
    """pelican-webring's fetching: its own get_feed_html + get_feed_articles in its thread pool.

    Its fetch_feeds() stops at the first feed that is not UTF-8 (the exception escapes
    future.result()), so the same pool and functions run here with that one exception caught.
    """
    import concurrent.futures

    from pelican.plugins.webring import webring

    webring.initialized(None)
    webring.settings[webring.WEBRING_FEED_URLS_STR] = spec["urls"]

    def fetch(url: str):
        html = webring.get_feed_html(url)
        return webring.get_feed_articles(html, url) if html else None

    start, cpu = time.perf_counter(), _cpu()
    articles = failed = 0
    with concurrent.futures.ThreadPoolExecutor() as executor:
        futures = [executor.submit(fetch, url) for url in spec["urls"]]
        for future in concurrent.futures.as_completed(futures):
            try:
                found = future.result()
            except Exception:  # noqa: BLE001 - count it, as the plugin would have crashed
                failed += 1
                continue
            articles += len(found or [])
    wall, cpu = time.perf_counter() - start, _cpu() - cpu
    return {"wall_s": wall, "cpu_s": cpu, "articles": articles, "failed": failed}


def fetch_reader(spec: dict) -> dict:
    """lemon24/reader: add every feed, then update_feeds(workers=N)."""
    import logging

    from reader import make_reader

    logging.getLogger("reader").setLevel(logging.CRITICAL)  # it logs every broken feed
    reader = make_reader(spec["state"])
    start, cpu = time.perf_counter(), _cpu()
    for url in spec["urls"]:
        reader.add_feed(url, exist_ok=True)
    # scheduled=False: every feed, every time (by default reader waits an hour between updates
    # of a feed, and the warm rounds would measure nothing).
    reader.update_feeds(workers=spec["workers"], scheduled=False)
    wall, cpu = time.perf_counter() - start, _cpu() - cpu
    counts = reader.get_entry_counts()
    reader.close()
    return {"wall_s": wall, "cpu_s": cpu, "entries": counts.total}


# -- build tools -------------------------------------------------------------------------------


def _settings(spec: dict, **overrides) -> dict:
    from pelican.settings import read_settings

    root = Path(spec["site"])
    return read_settings(
        str(PROJECT / "pelicanconf.py"),
        override={
            "PATH": str(root / "content"),
            "OUTPUT_PATH": str(root / spec["output"]),
            "THEME": str(PROJECT / "theme"),
            "PLANET_STORE_PATH": str(root / "store.sqlite3"),
            "CACHE_PATH": str(root / ("cache-" + spec["output"])),
            **overrides,
        },
    )


def _pages(output: Path) -> int:
    return sum(1 for _ in output.rglob("*.html"))


def build_ours(spec: dict) -> dict:
    """`invoke build`: the member check, then Pelican with the project's settings and plugins."""
    import logging

    from pln_site.commands.build import build

    logging.disable(logging.WARNING)
    settings = _settings(spec)
    start, cpu = time.perf_counter(), _cpu()
    code = build(settings)
    wall, cpu = time.perf_counter() - start, _cpu() - cpu
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "exit": code,
        "pages": _pages(Path(settings["OUTPUT_PATH"])),
    }


def build_pelican(spec: dict) -> dict:
    """Bare Pelican on the same posts and theme, without the project's plugins."""
    import logging

    from pelican import Pelican

    logging.disable(logging.WARNING)
    settings = _settings(spec, PLUGINS=[])
    start, cpu = time.perf_counter(), _cpu()
    Pelican(settings).run()
    wall, cpu = time.perf_counter() - start, _cpu() - cpu
    return {"wall_s": wall, "cpu_s": cpu, "pages": _pages(Path(settings["OUTPUT_PATH"]))}


TOOLS = {
    ("fetch", "ours"): fetch_ours,
    ("fetch", "feedparser-loop"): fetch_feedparser,
    ("fetch", "pelican-webring"): fetch_webring,
    ("fetch", "reader"): fetch_reader,
    ("build", "ours"): build_ours,
    ("build", "pelican"): build_pelican,
}


def main(argv: list[str]) -> int:
    spec = json.loads(argv[0])
    memory = PeakMemory()
    memory.start()
    result = TOOLS[(spec["kind"], spec["tool"])](spec)
    result["peak_rss_mb"] = memory.stop()
    sys.stdout.flush()
    print("BENCH-RESULT " + json.dumps(result), flush=True)
    os._exit(0)  # skip slow interpreter teardown of big object graphs; results are out
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
