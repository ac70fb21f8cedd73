"""Helpers for the workflow tests: a copy of the fixture site with its own settings file, small
websites served from 127.0.0.1 under made-up host names (PLANET_RESOLVE), `invoke` in a shell."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from PIL import Image

from pln_site.commands.settings import load_settings
from pln_site.devserver import LocalFeedServer, Route
from tests.support.project import FIXTURE_SITE, run_invoke, site_paths, write_site_settings

SITE_PLUGINS = ["pln_site.site.network", "pln_site.site.reading", "pln_site.site.mentions"]


class Web:
    """One local server per made-up host: `site("ada.example", {"/": Route(...)})`."""

    def __init__(self) -> None:
        self.servers: dict[str, LocalFeedServer] = {}

    def site(self, host: str, routes: dict[str, Route]) -> str:
        server = LocalFeedServer(routes=routes).start()
        self.servers[host] = server
        return f"http://{host}/"

    @property
    def resolve(self) -> dict[str, str]:
        return {host: server.address for host, server in self.servers.items()}

    def hits(self, host: str, path: str) -> int:
        return self.servers[host].hits(path)

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()


class Site:
    """A copy of the fixture site in a temporary folder, with a settings file of its own."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        shutil.copytree(FIXTURE_SITE / "content", self.content)
        self.network = self.content / "network"
        self.avatars = self.content / "images" / "avatars"
        self.posts = self.content / "posts"
        self.store = root / "cache" / "planet.sqlite3"
        self.settings_file = root / "sitesettings.py"

    def write_settings(self, resolve: dict[str, str] | None = None, **extra) -> Path:
        defaults = {
            **site_paths(self.root, self.content),
            "PLUGINS": SITE_PLUGINS,
            "PLANET_ALLOW_PRIVATE_ADDRESSES": True,
            "PLANET_TIMEOUT": 5,
            "PLANET_CONNECT_TIMEOUT": 2,
            "PLANET_RESOLVE": dict(resolve or {}),
            "PLANET_IMAGES": False,  # pictures named in feeds are on hosts that are not ours
            "CACHE_CONTENT": False,
            "LOAD_CONTENT_CACHE": False,
        }
        return write_site_settings(self.settings_file, **{**defaults, **extra})

    def settings(self, resolve: dict[str, str] | None = None, **extra) -> dict:
        """The settings as the tasks read them (plugin defaults filled in)."""
        return load_settings(self.write_settings(resolve, **extra))

    def member_files(self) -> set[str]:
        return {path.name for path in self.network.glob("*.yaml")}


invoke = run_invoke  # `invoke TASK ...` as a user runs it, from the project's folder


def html_page(head: str = "", body: str = "", title: str = "Home") -> Route:
    text = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body>{body}</body></html>"
    )
    return Route(body=text.encode("utf-8"), content_type="text/html; charset=utf-8")


def jpeg_with_metadata(size: tuple[int, int] = (900, 600)) -> bytes:
    """A photo as cameras write them: EXIF with the camera's name and a GPS position."""
    image = Image.new("RGB", size, (200, 40, 40))
    exif = image.getexif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "PhotoTool 9"  # Software
    gps = exif.get_ifd(0x8825)
    gps[2] = (52.0, 31.0, 12.0)  # GPSLatitude
    gps[1] = "N"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"taken at home")
    return out.getvalue()


def image_route(data: bytes, content_type: str = "image/jpeg") -> Route:
    return Route(body=data, content_type=content_type)
