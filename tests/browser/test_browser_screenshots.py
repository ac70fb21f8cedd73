"""`invoke screenshots`: a PNG of each page type at each width, in a folder of the build."""

from __future__ import annotations

import struct
from concurrent.futures import ThreadPoolExecutor

import pytest

from pln_site.commands.screenshots import ScreenshotError, take_screenshots
from tests.browser.test_browser_pages import PAGE_TYPES

pytestmark = pytest.mark.browser


def png_size(path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


@pytest.mark.slow  # every page type at two widths, full-page
def test_screenshots_of_every_page_type_at_both_widths(example_settings, tmp_path):
    # A thread of its own, as `invoke screenshots` runs: the session's browser keeps an event
    # loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        written = pool.submit(
            take_screenshots, example_settings, widths=(375, 1280), folder=tmp_path
        ).result()
    assert sorted(p.name for p in written) == sorted(
        f"{name}-{width}.png" for name in PAGE_TYPES for width in (375, 1280)
    )
    for path in written:
        width, height = png_size(path)
        assert width == int(path.stem.rsplit("-", 1)[1]) and height >= 600


def test_without_a_build_it_says_so(tmp_path):
    with pytest.raises(ScreenshotError, match="build it first"):
        take_screenshots({"OUTPUT_PATH": str(tmp_path)})
