"""Helpers for the tests that run the real fetch in another process: a site on disk whose
members' feeds are served on 127.0.0.1, and ways to run a command as a constrained user would."""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from tests.support.hostile_sites import member_file, write_site
from tests.support.project import run_invoke, site_paths, write_site_settings

# Runs the fetch command (pln_site.commands.fetch.run_fetch, what `invoke fetch` calls) with the
# settings in a JSON file; quicker to start than invoke, which matters for many trials.
# With a second argument "--on-go", it imports everything, says "ready" and waits for a line on
# stdin before fetching: the caller can start it early and decide the moment the fetch begins.
FETCH_CHILD = """
import json, sys
from pln_site.commands.fetch import run_fetch
if sys.argv[2:] == ["--on-go"]:
    print("ready", flush=True)
    sys.stdin.readline()
sys.exit(run_fetch(json.load(open(sys.argv[1])), as_json=True))
"""


def write_fetch_site(
    root: Path, feeds: Mapping[str, str], resolve: Mapping[str, str], **settings
) -> Path:
    """A site under `root` (member id -> feed URL) and its settings, as a .py file for invoke and
    a .json file for the quick child; returns the folder."""
    write_site(
        root / "content", {mid: member_file(mid, [(url, None)]) for mid, url in feeds.items()}
    )
    values = {
        **site_paths(root),
        "PLANET_ALLOW_PRIVATE_ADDRESSES": True,
        "PLANET_RESOLVE": dict(resolve),
        "PLANET_IMAGES": False,  # pictures named in feeds are on hosts that are not ours
        "PLANET_TIMEOUT": 10,
        "PLANET_CONNECT_TIMEOUT": 2,
        "NETWORK_PATH": "network",
        "NETWORK_AVATARS_PATH": "images/avatars",
        **settings,
    }
    (root / "settings.json").write_text(json.dumps(values), encoding="utf-8")
    write_site_settings(root / "sitesettings.py", **values)
    return root


def start_fetch_child(site: Path, *, on_go: bool = False, **popen) -> subprocess.Popen:
    """The fetch command in a child process; with `on_go`, it waits for `go(child)`."""
    code = FETCH_CHILD
    return subprocess.Popen(
        [sys.executable, "-c", code, str(site / "settings.json"), *(["--on-go"] if on_go else [])],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen,
    )  # fmt: skip


def go(child: subprocess.Popen) -> None:
    """Let a child started with `on_go` begin its fetch, once it has imported everything."""
    assert child.stdout is not None and child.stdin is not None
    line = child.stdout.readline()
    assert line.strip() == "ready", f"the fetch child did not start: {line!r}"
    child.stdin.write("go\n")
    child.stdin.flush()


def invoke(site: Path, *args: str, preexec_fn: Callable[[], None] | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess:  # fmt: skip
    """`invoke TASK -s sitesettings.py`, as a user runs it."""
    return run_invoke(
        *args, "-s", str(site / "sitesettings.py"), cwd=site, timeout=timeout,
        preexec_fn=preexec_fn,
    )  # fmt: skip


# -- a child that file permissions apply to, even when the tests run as root ------------------

_PR_CAPBSET_DROP = 24
_FILE_CAPABILITIES = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER


def permissions_apply_to_children() -> bool:
    """Whether a read-only folder stops a child process: always for ordinary users; for root
    only if the child can be started without the capabilities that bypass permissions."""
    if os.geteuid() != 0:
        return True
    probe = subprocess.run(
        [sys.executable, "-c", "import os, sys; sys.exit(0 if os.access('/', os.W_OK) else 3)"],
        preexec_fn=without_file_capabilities, capture_output=True,
    )  # fmt: skip
    return probe.returncode in (0, 3)


def default_sigint() -> None:
    """preexec_fn: Ctrl-C as a terminal delivers it. A suite started in the background by a
    shell without job control (`pytest &`) ignores SIGINT, and every child would inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def without_file_capabilities() -> None:
    """preexec_fn: as root, drop the capabilities that override file permissions (from the
    bounding set, so the program about to start never gets them); nothing for other users."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in _FILE_CAPABILITIES:
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def with_file_size_limit(max_bytes: int) -> Callable[[], None]:
    """preexec_fn: the kernel refuses writes that would grow any file past `max_bytes` (EFBIG),
    as a full disk refuses them (ENOSPC); SQLite reports both as "database or disk is full"."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return limit


def free_port() -> int:
    """A port on 127.0.0.1 that was free a moment ago and has no listener now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
