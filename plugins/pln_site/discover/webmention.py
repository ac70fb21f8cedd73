"""Webmention (W3C Recommendation), the sending half: find a page's endpoint, notify it.

Discovery fetches the target through the guarded client (redirects followed by hand, each hop
checked; the body capped), then takes the first `rel="webmention"` of the HTTP Link header,
else the first `<link>` or `<a>` with it in the HTML, in document order. A relative endpoint
is resolved against the target's final URL; its query string is kept. Sending POSTs the
form-encoded `source` and `target`; any 2xx is accepted. Every failure comes back in words,
never raised: one target's trouble must not stop the others.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx

from pln_site.feeds.http.fetch import (
    REDIRECT_STATUSES,
    FetchProblem,
    Limits,
    describe_error,
    read_capped,
    redirect_target,
)
from pln_site.feeds.http.guard import KEPT_LOCATION, check_url

HTML_TYPES = ("text/html", "application/xhtml+xml")
# What a receiver's answer to the POST may say that is worth reading: only its start.
ANSWER_BYTES = 64 * 1024


@dataclass(frozen=True)
class Discovery:
    """Where a target takes Webmentions: `endpoint`, or None (none found, or `error`)."""

    target: str
    endpoint: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Delivery:
    """What the endpoint answered: `status` (a 2xx is `accepted`), or `error` in words."""

    endpoint: str
    status: int | None = None
    error: str | None = None

    @property
    def accepted(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300


async def discover_endpoint(client: httpx.AsyncClient, target: str, limits: Limits) -> Discovery:
    """The Webmention endpoint of `target`, found as the spec says."""
    try:
        async with asyncio.timeout(limits.timeout):
            return await _discover(client, target, limits)
    except TimeoutError:
        return Discovery(target, error=f"timed out after {limits.timeout:g} s")
    except Exception as error:  # noqa: BLE001 - one target's trouble must never stop the run
        return Discovery(target, error=describe_error(error, limits))


async def _discover(client: httpx.AsyncClient, target: str, limits: Limits) -> Discovery:
    url, visited = target, {target}
    for _hop in range(limits.max_redirects + 1):
        check_url(url)
        request = client.build_request("GET", url, headers={"Accept": "text/html, */*;q=0.5"})
        response = await client.send(request, stream=True)
        try:
            if response.status_code in REDIRECT_STATUSES:
                location = response.headers.get(KEPT_LOCATION) or response.headers.get("Location")
                if not location:
                    raise FetchProblem(f"HTTP {response.status_code} redirect without a Location")
                next_url = redirect_target(response.url, location)
            else:
                if not 200 <= response.status_code < 300:
                    status = f"HTTP {response.status_code} {response.reason_phrase}".strip()
                    return Discovery(target, error=f"the page answered {status}")
                found = link_header_endpoint(response.headers.get_list("Link"))
                if found is None and _is_html(response.headers.get("Content-Type")):
                    body = await read_capped(response, limits.max_bytes)
                    found = html_endpoint(body.decode(response.encoding or "utf-8", "replace"))
                if found is None:
                    return Discovery(target)
                return Discovery(target, endpoint=urljoin(url, found))
        finally:
            await response.aclose()
        if next_url in visited:
            raise FetchProblem(f"redirect loop: {next_url} redirects back to itself")
        visited.add(next_url)
        url = next_url
    raise FetchProblem(f"more than {limits.max_redirects} redirects")


async def send_webmention(
    client: httpx.AsyncClient, endpoint: str, source: str, target: str, limits: Limits
) -> Delivery:
    """POST `source` and `target` to `endpoint`; redirects are not followed (a 3xx fails)."""
    try:
        async with asyncio.timeout(limits.timeout):
            check_url(endpoint)
            request = client.build_request(
                "POST", endpoint, data={"source": source, "target": target}
            )
            response = await client.send(request, stream=True)
            try:
                await read_capped(response, ANSWER_BYTES)  # read, so the connection is reusable
            except Exception:  # noqa: BLE001, S110 - the answer's body says nothing we need
                pass
            finally:
                await response.aclose()
    except TimeoutError:
        return Delivery(endpoint, error=f"timed out after {limits.timeout:g} s")
    except Exception as error:  # noqa: BLE001 - one target's trouble must never stop the run
        return Delivery(endpoint, error=describe_error(error, limits))
    if 200 <= response.status_code < 300:
        return Delivery(endpoint, status=response.status_code)
    status = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    return Delivery(endpoint, status=response.status_code, error=f"the endpoint answered {status}")


# One link-value of a Link header: <uri> then its parameters, up to the next comma outside <>.
_LINK_VALUE = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]*)*)")
_REL = re.compile(r"""(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.IGNORECASE)


def link_header_endpoint(values: list[str]) -> str | None:
    """The URI of the first link-value whose rel names webmention, in the Link headers."""
    for value in values:
        for match in _LINK_VALUE.finditer(value):
            rel = _REL.search(match.group(2))
            if rel and _names_webmention(rel.group(1) or rel.group(2)):
                return match.group(1).strip()
    return None


def html_endpoint(html: str) -> str | None:
    """The href of the first <link> or <a> with rel webmention and an href, in document order
    (an empty href is the page itself)."""
    finder = _EndpointFinder()
    finder.feed(html)
    finder.close()
    return finder.found


class _EndpointFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found is not None or tag not in ("link", "a"):
            return
        values = dict(attrs)
        href = values.get("href")
        if href is not None and _names_webmention(values.get("rel")):
            self.found = href.strip()

    handle_startendtag = handle_starttag


def _names_webmention(rel: str | None) -> bool:
    return "webmention" in (rel or "").lower().split()


def _is_html(content_type: str | None) -> bool:
    kind = (content_type or "text/html").split(";")[0].strip().lower()
    return kind in HTML_TYPES
