"""The stylesheet: readable colours in both schemes and nothing fetched from elsewhere."""

from __future__ import annotations

import re

import pytest

from tests.support.project import PROJECT

CSS = (PROJECT / "theme" / "static" / "css" / "site.css").read_text(encoding="utf-8")

# (foreground, background, minimum ratio): WCAG AA asks 4.5 for text, 3 for UI parts and graphics.
PAIRS = [
    ("--color-text", "--color-bg", 4.5),
    ("--color-text", "--color-surface", 4.5),
    ("--color-muted", "--color-bg", 4.5),
    ("--color-muted", "--color-surface", 4.5),
    ("--color-link", "--color-bg", 4.5),
    ("--color-link", "--color-surface", 4.5),
    ("--color-link-visited", "--color-bg", 4.5),
    ("--color-link-visited", "--color-surface", 4.5),
    ("--color-muted", "--color-tag-bg", 4.5),
    ("--color-tag-text", "--color-tag-bg", 4.5),
    ("--color-link", "--color-tag-bg", 4.5),
    ("--color-notice-text", "--color-notice-bg", 4.5),
    ("--color-bg", "--color-text", 4.5),  # the current page in the pagination
    ("--color-chart-bar", "--color-bg", 3.0),
    ("--color-chart-bar", "--color-surface", 3.0),
    ("--color-focus", "--color-bg", 3.0),
    ("--color-focus", "--color-surface", 3.0),
]


def custom_properties(block: str) -> dict[str, str]:
    return dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", block))


def root_block(css: str) -> str:
    return re.search(r"^:root\s*\{([^}]*)\}", css, re.MULTILINE).group(1)


def dark_root_block(css: str) -> str:
    media = re.search(r"@media\s*\(prefers-color-scheme:\s*dark\)\s*\{\s*:root\s*\{([^}]*)\}", css)
    return media.group(1)


def luminance(hex_colour: str) -> float:
    value = hex_colour.strip().lstrip("#")
    assert re.fullmatch(r"[0-9a-fA-F]{6}", value), f"colour {hex_colour!r} is not #rrggbb"
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_helper_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("foreground", "background", "minimum"), PAIRS)
def test_colour_pairs_meet_wcag_aa(scheme, foreground, background, minimum):
    colours = custom_properties(root_block(CSS))
    if scheme == "dark":
        colours |= custom_properties(dark_root_block(CSS))
    ratio = contrast(colours[foreground], colours[background])
    assert ratio >= minimum, f"{scheme}: {foreground} on {background} is {ratio:.2f}:1"


def test_dark_scheme_redefines_every_colour():
    light = {k for k in custom_properties(root_block(CSS)) if k.startswith("--color-")}
    dark = set(custom_properties(dark_root_block(CSS)))
    assert light and light == dark


def test_stylesheet_fetches_nothing_from_elsewhere():
    assert "@import" not in CSS
    assert "@font-face" not in CSS
    urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", CSS)
    assert all(not re.match(r"(?i)(https?:)?//", url) for url in urls)


def test_theme_ships_no_files_from_other_sites():
    static = PROJECT / "theme" / "static"
    for path in static.rglob("*"):
        if path.suffix in {".css", ".js", ".html"}:
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"(?i)(src|href)\s*=\s*['\"](https?:)?//", text), path
