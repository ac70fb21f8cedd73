"""`invoke demo`: the example site with a real reading feed, on a machine without internet.

The example members' feeds live in `content/demo-feeds/<host>/<path>`. The demo serves that folder
from 127.0.0.1, points the members' `*.example` hosts at it with PLANET_RESOLVE (as `curl --resolve`
does), runs the real fetch into the store, stops the server and builds the site.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from pln_site.commands.examples import DEMO_FEEDS_FOLDER
from pln_site.commands.fetch import run_fetch
from pln_site.devserver import LocalFeedServer


def demo_hosts(feeds_root: Path) -> list[str]:
    """The host names the demo serves: one sub-folder of the demo feeds folder each."""
    return sorted(p.name for p in feeds_root.iterdir() if p.is_dir())


def run_demo(settings: dict, build: Callable[[dict], int]) -> int:
    """Serve the demo feeds, fetch them for real, then build with `build(settings)`."""
    feeds_root = Path(settings["PATH"]) / DEMO_FEEDS_FOLDER
    if not feeds_root.is_dir():
        print(f"No demo feeds in {feeds_root}: nothing to serve.", file=sys.stderr)
        return 2
    hosts = demo_hosts(feeds_root)
    with LocalFeedServer(feeds_root, by_host=True) as server:
        print(f"Serving the demo feeds of {len(hosts)} sites from {server.base_url}")
        fetch_settings = {
            **settings,
            "PLANET_ALLOW_PRIVATE_ADDRESSES": True,
            "PLANET_RESOLVE": {host: f"127.0.0.1:{server.port}" for host in hosts},
        }
        code = run_fetch(fetch_settings, explain_examples=False)
    if code != 0:
        return code
    return build(settings)
