"""`invoke build`, `serve`, `regenerate` and `clean`: Pelican runs, with the member check first."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from pelican import Pelican
from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

from mentions.check import UnknownMentions
from network.check import check_members


def build(settings: dict) -> int:
    """Check the member files, then build the site; nothing is written when a check fails."""
    if check_members(settings, out=sys.stderr) != 0:
        print("Build stopped before writing anything: fix the member files above.", file=sys.stderr)
        return 1
    try:
        Pelican(settings).run()
    except UnknownMentions as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def regenerate(settings_file: str) -> None:
    """Rebuild whenever content, theme or settings change (Pelican's own watcher)."""
    from pelican import main as pelican_main

    pelican_main(["-r", "-s", settings_file])


def serve(settings: dict, port: int = 8000) -> None:
    """Serve the output folder on 127.0.0.1 only, with Pelican's handler (clean URLs work)."""
    output = settings["OUTPUT_PATH"]
    server = RootedHTTPServer(output, ("127.0.0.1", port), ComplexHTTPRequestHandler)
    print(f"Serving {output} at http://127.0.0.1:{port}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def clean(settings: dict) -> Path:
    """Remove the output folder (the fetched store under cache/ stays)."""
    output = Path(settings["OUTPUT_PATH"])
    if output.is_dir():
        shutil.rmtree(output)
    return output
