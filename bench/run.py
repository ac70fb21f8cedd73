"""Run the scenarios with every tool, print measured / lower bound / ratio, write the results.

Fetch scenarios (the farm answers after DELAY seconds, as a distant server would):
  cold fetch of N feeds; warm fetch, nothing changed; warm fetch, 10% changed.
Build scenarios (a site of M members, P posts, a store of E entries):
  full build; build with nothing changed; build after one post edited (ours and bare Pelican);
  build after one member file edited; build after a fetch that gave 10% of the feeds a new
  entry (ours).

Lower bounds:
  fetch: DELAY x ceil(N / concurrency of the tool), plus the CPU our parser needs for the feeds
         that changed, divided by the cores.
  build: bare Pelican's cost per page (same posts, same theme, same run) x the pages written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .bigsite import edit_member, edit_post, fetch_new_entries, make_site
from .farm import FarmProcess
from .feeds import change_share, write_feeds
from .paths import PROJECT, RESULTS

DELAY = 0.1


def _our_concurrency() -> int:
    from pln_site.settings import DEFAULTS

    return int(DEFAULTS["PLANET_CONCURRENCY"])


WORKERS = _our_concurrency()  # `invoke fetch`'s default, and as many workers for reader
FETCH_SIZES = (50, 200, 500)
BUILD_SIZES = ((100, 4000), (250, 10000), (500, 20000))  # (members, entries)
POSTS = 200
CHANGED_SHARE = 0.10
FETCH_TOOLS = ("ours", "reader", "pelican-webring", "feedparser-loop")
CORES = os.cpu_count() or 1


def concurrency(tool: str) -> int:
    if tool == "feedparser-loop":
        return 1
    if tool == "pelican-webring":
        return min(32, CORES + 4)  # ThreadPoolExecutor()'s default, which the plugin uses
    return WORKERS


def measure(spec: dict) -> dict:
    """Run one tool's scenario in a fresh process; its JSON result line."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.child", json.dumps(spec)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH-RESULT "):
            return json.loads(line.removeprefix("BENCH-RESULT "))
    raise RuntimeError(f"{spec['kind']} with {spec['tool']} failed:\n{completed.stderr[-3000:]}")


def parse_cpu(folder: Path, names: list[str]) -> float:
    """CPU seconds our parser (parse + clean) needs for these feeds: the unavoidable work."""
    from pln_site.entries import FeedParseError
    from pln_site.feeds.parse.feed import parse_feed

    bodies = [(folder / name).read_bytes() for name in names]
    start = time.process_time()
    for body in bodies:
        try:
            parse_feed(body, url="http://127.0.0.1/feed.xml")
        except FeedParseError:
            pass
    return time.process_time() - start


def row(scenario: str, size: str, tool: str, result: dict, bound: float) -> dict:
    data = {
        "scenario": scenario,
        "size": size,
        "tool": tool,
        "wall_s": round(result["wall_s"], 3),
        "cpu_s": round(result["cpu_s"], 3),
        "peak_rss_mb": round(result["peak_rss_mb"], 1),
        "bound_s": round(bound, 3),
    }
    if "pages" in result:
        data["_pages"] = result["pages"]  # for the goals; not part of the results file
    print(_format_row(data), flush=True)
    return data


def fetch_scenarios(work: Path, sizes: tuple[int, ...], tools: tuple[str, ...]) -> list[dict]:
    rows = []
    for count in sizes:
        folder = work / f"feeds-{count}"
        names, origin = write_feeds(folder, count)
        print(f"# fetch, N={count}: {origin}", flush=True)
        originals = {name: (folder / name).read_bytes() for name in names}
        cold_cpu = parse_cpu(folder, names)
        size = f"N={count}"
        with FarmProcess(folder, delay=DELAY) as farm:
            urls = [farm.url(name) for name in names]
            for tool in tools:
                for name, body in originals.items():  # every tool starts from the same feeds
                    (folder / name).write_bytes(body)
                state = work / f"state-{tool}-{count}.sqlite"
                state.unlink(missing_ok=True)
                spec = {
                    "kind": "fetch",
                    "tool": tool,
                    "urls": urls,
                    "workers": WORKERS,
                    "state": str(state),
                }
                rounds = math.ceil(count / concurrency(tool)) * DELAY
                cold = measure(spec)
                rows.append(row("cold fetch", size, tool, cold, rounds + cold_cpu / CORES))
                warm = measure(spec)
                rows.append(row("warm fetch, unchanged", size, tool, warm, rounds))
                changed = change_share(folder, names, CHANGED_SHARE, f"round-{tool}")
                changed_cpu = parse_cpu(folder, changed)
                warm10 = measure(spec)
                rows.append(
                    row("warm fetch, 10% changed", size, tool, warm10, rounds + changed_cpu / CORES)
                )
    return rows


BUILD_STEPS = {
    "full": "full build",
    "again": "build, nothing changed",
    "post": "build, one post edited",
    "member": "build, one member edited",
    "fetch": "build, 10% feeds new",
}


def build_scenarios(work: Path, sizes: tuple[tuple[int, int], ...]) -> list[dict]:
    rows = []
    for members, entries in sizes:
        site = work / f"site-{members}"
        make_site(site, members=members, entries=entries, posts=POSTS)
        _fetched_a_while_ago(site)
        size = f"M={members},E={entries},P={POSTS}"
        print(f"# build, {size}", flush=True)
        results = {}
        for tool in ("pelican", "ours"):
            spec = {"kind": "build", "tool": tool, "site": str(site), "output": f"out-{tool}"}
            results[(tool, "full")] = measure(spec)
            results[(tool, "again")] = measure(spec)
        per_page = results[("pelican", "full")]["wall_s"] / results[("pelican", "full")]["pages"]
        # The writer's loop: one edit, then a build that may reuse the last one's pages.
        edit_post(site)
        for tool in ("pelican", "ours"):
            spec = {"kind": "build", "tool": tool, "site": str(site), "output": f"out-{tool}"}
            results[(tool, "post")] = measure(spec)
        ours = {"kind": "build", "tool": "ours", "site": str(site), "output": "out-ours"}
        edit_member(site)
        results[("ours", "member")] = measure(ours)
        fetch_new_entries(site, 0.1)
        results[("ours", "fetch")] = measure(ours)
        for (tool, key), result in results.items():
            scenario = BUILD_STEPS[key]
            rows.append(row(scenario, size, tool, result, per_page * result["pages"]))
        shutil.rmtree(site, ignore_errors=True)
    return rows


def _fetched_a_while_ago(site: Path) -> None:
    """The store as a fetch an hour ago left it. A file written within the last two seconds is
    never trusted to be unchanged (fingerprint.stat_key), so a store made just before the first
    build would make the next one shape every entry again, as after a fetch, depending on how
    long the builds before it took."""
    an_hour_ago = time.time() - 3600
    for path in site.glob("store.sqlite3*"):
        os.utime(path, (an_hour_ago, an_hour_ago))


# -- reporting ---------------------------------------------------------------------------------

HEADER = (
    f"{'scenario':<26}{'size':<24}{'tool':<17}{'wall s':>8}{'cpu s':>8}{'RSS MB':>8}"
    f"{'bound s':>9}{'ratio':>7}"
)


def _format_row(data: dict) -> str:
    ratio = data["wall_s"] / data["bound_s"] if data["bound_s"] else float("nan")
    return (
        f"{data['scenario']:<26}{data['size']:<24}{data['tool']:<17}{data['wall_s']:>8.2f}"
        f"{data['cpu_s']:>8.2f}{data['peak_rss_mb']:>8.0f}{data['bound_s']:>9.2f}{ratio:>7.2f}"
    )


def table(rows: list[dict]) -> str:
    return "\n".join([HEADER, "-" * len(HEADER)] + [_format_row(r) for r in rows])


def markdown_table(rows: list[dict]) -> str:
    lines = [
        "| scenario | size | tool | wall s | CPU s | peak RSS MB | bound s | ratio |",
        "|---|---|---|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        ratio = r["wall_s"] / r["bound_s"] if r["bound_s"] else float("nan")
        lines.append(
            f"| {r['scenario']} | {r['size']} | {r['tool']} | {r['wall_s']:.2f} | "
            f"{r['cpu_s']:.2f} | {r['peak_rss_mb']:.0f} | {r['bound_s']:.2f} | {ratio:.2f} |"
        )
    return "\n".join(lines)


def _find(rows, scenario, tool, size=None):
    found = [
        r
        for r in rows
        if r["scenario"] == scenario and r["tool"] == tool and (size is None or r["size"] == size)
    ]
    return found[-1] if found else None  # the largest size comes last


def _growth(rows, scenario, tool) -> str:
    found = [r for r in rows if r["scenario"] == scenario and r["tool"] == tool]
    if len(found) < 2:
        return "n/a (one size)"
    first, last = found[0], found[-1]
    scale = _size_number(last["size"]) / _size_number(first["size"])
    exponent = math.log(last["wall_s"] / first["wall_s"]) / math.log(scale)
    return (
        f"x{last['wall_s'] / first['wall_s']:.1f} time for x{scale:.0f} size "
        f"(exponent {exponent:.2f}; 1 is linear)"
    )


def _size_number(size: str) -> float:
    first = size.split(",")[0]
    return float(first.split("=")[1])


def goals(rows: list[dict]) -> list[str]:
    """Where each goal of the benchmark stands, in words."""
    lines = []
    cold = _find(rows, "cold fetch", "ours")
    if cold:
        reader = _find(rows, "cold fetch", "reader", cold["size"])
        lines.append(
            f"cold fetch {cold['size']}: {cold['wall_s'] / cold['bound_s']:.2f}x the bound "
            f"(goal <= 1.5)"
            + (
                f"; reader takes {reader['wall_s'] / cold['wall_s']:.1f}x as long (goal >= 5)"
                if reader
                else ""
            )
        )
        warm = _find(rows, "warm fetch, unchanged", "ours", cold["size"])
        if warm:
            lines.append(
                f"warm fetch, unchanged {cold['size']}: {warm['wall_s'] / cold['wall_s']:.0%} "
                f"of the cold fetch (goal <= 10%; its bound alone is "
                f"{warm['bound_s'] / cold['wall_s']:.0%})"
            )
        lines.append(
            f"peak memory, cold fetch {cold['size']}: {cold['peak_rss_mb']:.0f} MB (goal < 300)"
        )
    full = _find(rows, "full build", "ours")
    bare = _find(rows, "full build", "pelican", full["size"] if full else None)
    if full and bare:
        extra_pages = full["_pages"] - bare["_pages"]
        for measure in ("wall_s", "cpu_s"):
            pelican_page = bare[measure] / bare["_pages"]
            extra_cost = (full[measure] - bare[measure]) / extra_pages if extra_pages else 0.0
            lines.append(
                f"build {full['size']} ({measure[:-2]}): each of our {extra_pages} extra pages "
                f"(network, reading) costs {extra_cost * 1000:.1f} ms against "
                f"{pelican_page * 1000:.1f} ms for a page of bare Pelican (goal: no more)"
            )
        again = _find(rows, "build, nothing changed", "ours", full["size"])
        if again:
            lines.append(
                f"build with nothing changed: {again['wall_s'] / full['wall_s']:.0%} of a "
                f"full build's wall time, {again['cpu_s'] / full['cpu_s']:.0%} of its CPU "
                f"(goal <= 50%)"
            )
        lines.append(
            f"peak memory, full build {full['size']}: {full['peak_rss_mb']:.0f} MB (goal < 300)"
        )
    lines += incremental_goals(rows)
    for scenario in ("cold fetch", "warm fetch, 10% changed", "full build"):
        lines.append(f"growth, {scenario} (ours): {_growth(rows, scenario, 'ours')}")
    return lines


def incremental_goals(rows: list[dict]) -> list[str]:
    """The writer's loop: our build after one edit against bare Pelican's after the same post
    edit, at each size."""
    lines = []
    for bare in (r for r in rows if r["scenario"] == "build, one post edited"):
        if bare["tool"] != "pelican":
            continue
        for scenario, goal in (
            ("build, one post edited", 1.2),
            ("build, one member edited", 2.0),
            ("build, 10% feeds new", None),
        ):
            ours = _find(rows, scenario, "ours", bare["size"])
            if ours:
                ratio = ours["wall_s"] / bare["wall_s"]
                target = f" (goal <= {goal})" if goal else ""
                lines.append(
                    f"{scenario} {bare['size']}: {ours['wall_s']:.2f} s, {ratio:.2f}x bare "
                    f"Pelican's rebuild after the post edit{target}; peak "
                    f"{ours['peak_rss_mb']:.0f} MB"
                )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="only the smallest size of each scenario (a few minutes)",
    )
    parser.add_argument("--only", choices=("fetch", "build"), help="one kind of scenario")
    parser.add_argument("--feeds", type=int, nargs="+", help="fetch sizes N instead of the usual")
    parser.add_argument("--members", type=int, nargs="+", help="build sizes M (E = 40 x M)")
    parser.add_argument("--tools", nargs="+", choices=FETCH_TOOLS, help="fetch tools to run")
    args = parser.parse_args(argv)
    fetch_sizes = tuple(args.feeds or (FETCH_SIZES[:1] if args.quick else FETCH_SIZES))
    build_sizes = tuple((m, 40 * m) for m in args.members or ()) or (
        BUILD_SIZES[:1] if args.quick else BUILD_SIZES
    )
    tools = tuple(args.tools or FETCH_TOOLS)
    print(
        f"{CORES} cores; farm delay {DELAY * 1000:.0f} ms; {WORKERS} workers for ours and reader",
        flush=True,
    )
    print(HEADER, flush=True)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="pln-bench-") as temp:
        work = Path(temp)
        if args.only in (None, "fetch"):
            rows += fetch_scenarios(work, fetch_sizes, tools)
        if args.only in (None, "build"):
            rows += build_scenarios(work, build_sizes)
    print("\n" + table(rows) + "\n")
    for line in goals(rows):
        print("- " + line)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{dt.date.today().isoformat()}{'-quick' if args.quick else ''}.json"
    public = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    path.write_text(json.dumps(public, indent=2) + "\n")
    # The same as a Markdown table, ready for the README's Performance section.
    summary = "\n".join(f"- {line}" for line in goals(rows))
    path.with_suffix(".md").write_text(markdown_table(rows) + "\n\n" + summary + "\n")
    print(f"\nWrote {path.relative_to(PROJECT)} and its .md table")
    return 0
