"""What a site's Pagefind index holds, read back from its files as the search page reads them."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path


def indexed_words(output: Path, bundle: str = "pagefind") -> dict[str, list[str]]:
    """URL -> the words Pagefind indexed for that page, read from the fragment files of every
    bundle of the site (one per part: `bundle`, `bundle`-network, `bundle`-reading)."""
    indexed = {}
    for fragment in output.glob(f"{bundle}*/fragment/*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        page = json.loads(data)
        indexed[page["url"]] = words(page["content"])
    return indexed


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def pages_with_word(output: Path, word: str) -> list[str]:
    """The URLs of the indexed pages whose text holds `word`: what a search for it finds."""
    return sorted(url for url, found in indexed_words(output).items() if word.lower() in found)
