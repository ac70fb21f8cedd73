"""Fetch one feed over HTTP: conditional, redirects followed by hand, a deadline, a size cap.

`fetch_feed` never raises for a feed's own trouble: everything that can go wrong with a feed comes
back as a `FetchResult` whose `error` says what happened in words.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import logging
import re
import ssl
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from pln_site.feeds.http.guard import (
    KEPT_LOCATION,
    AddressRefused,
    NameNotResolved,
    NotAURL,
    SchemeRefused,
    check_url,
)

log = logging.getLogger(__name__)

UTC = dt.UTC
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
PERMANENT_REDIRECTS = (301, 308)
LONGEST_WAIT = dt.timedelta(days=7)  # a Retry-After further away than this is not believed
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
# What a validator may hold to be sent back: httpx encodes request headers as ASCII, and a
# stored "café" ETag would fail every later fetch of the feed.
_SENDABLE = re.compile(r"[\t\x20-\x7e]+")


def sendable_validator(value: str | None) -> str | None:
    """An ETag or Last-Modified that can be sent back as it came, else None (dropped: the feed
    is then fetched in full, and an unchanged body is still known by its hash)."""
    return value if value and _SENDABLE.fullmatch(value) else None


@dataclass(frozen=True)
class Conditions:
    """What the store remembers from the last good answer, sent back as a conditional request."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        # A store written before validators were checked may hold one that cannot be sent.
        if etag := sendable_validator(self.etag):
            headers["If-None-Match"] = etag
        if last_modified := sendable_validator(self.last_modified):
            headers["If-Modified-Since"] = last_modified
        return headers


@dataclass
class FetchResult:
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int | None = None
    body: bytes | None = None  # set for a 200 that was read in full
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    moved_to: str | None = None  # where permanent redirects from `url` lead
    retry_after: dt.datetime | None = None
    gone: bool = False
    error: str | None = None  # None: `body` is set, or the answer was 304

    @property
    def not_modified(self) -> bool:
        return self.status == 304 and self.error is None


@dataclass(frozen=True)
class Limits:
    connect_timeout: float
    timeout: float  # total per feed
    max_redirects: int
    max_bytes: int


class BodyTooLarge(Exception):
    pass


class FetchProblem(Exception):
    """A feed-level problem already worded for the report."""


async def fetch_feed(
    client: httpx.AsyncClient, url: str, conditions: Conditions, limits: Limits
) -> FetchResult:
    """Fetch `url` within the limits; every failure is reported in `error`, never raised."""
    result = FetchResult(url=url, final_url=url)
    try:
        async with asyncio.timeout(limits.timeout):
            await _follow(client, result, conditions, limits)
    except TimeoutError:
        result.error = f"timed out after {_seconds(limits.timeout)}"
    except Exception as error:  # noqa: BLE001 - one feed's trouble must never stop the run
        result.error = describe_error(error, limits)
        if result.error.startswith("unexpected error"):
            log.warning("fetching %s: %s", url, result.error, exc_info=error)
    if result.error:
        result.body = None
    return result


async def _follow(
    client: httpx.AsyncClient, result: FetchResult, conditions: Conditions, limits: Limits
) -> None:
    url = result.url
    visited = {url}
    still_permanent = True
    for _hop in range(limits.max_redirects + 1):
        check_url(url)  # every hop: a redirect to file:, ftp: or data: is refused here
        result.final_url = url
        request = client.build_request("GET", url, headers=conditions.headers())
        response = await client.send(request, stream=True)
        try:
            result.status = response.status_code
            if response.status_code not in REDIRECT_STATUSES:
                await _read_answer(response, result, limits)
                return
            location = response.headers.get(KEPT_LOCATION) or response.headers.get("Location")
            if not location:
                raise FetchProblem(f"HTTP {response.status_code} redirect without a Location")
            next_url = redirect_target(response.url, location)
        finally:
            await response.aclose()
        if still_permanent and response.status_code in PERMANENT_REDIRECTS:
            result.moved_to = next_url
        else:
            still_permanent = False
        if next_url in visited:
            raise FetchProblem(f"redirect loop: {next_url} redirects back to itself")
        visited.add(next_url)
        url = next_url
    raise FetchProblem(f"more than {limits.max_redirects} redirects")


def redirect_target(base: httpx.URL, location: str) -> str:
    """Where a Location header leads from `base`; a target that is no http(s) URL is refused
    here, by scheme when it has one, since httpx cannot even represent some (data:, javascript:)."""
    try:
        return str(base.join(location).copy_with(fragment=None))
    except httpx.InvalidURL:
        pass
    try:
        target = urljoin(str(base), location.strip())
    except ValueError:
        target = None
    if target is not None:
        check_url(target)  # names the scheme it refuses
    raise FetchProblem(f"redirect to something that is not a URL: {location[:200]!r}")


async def _read_answer(response: httpx.Response, result: FetchResult, limits: Limits) -> None:
    status = response.status_code
    if status == 304:
        # A 304 has no body; reading its end keeps the connection alive for the host's next feed.
        async for _ in response.aiter_raw():
            pass
        return
    if status == 410:
        result.gone = True
        result.error = "HTTP 410 Gone"
        return
    if status in (429, 503):
        result.retry_after = parse_retry_after(response.headers.get("Retry-After"), _now())
    if status != 200:
        result.error = f"HTTP {status} {response.reason_phrase}".strip()
        return
    result.content_type = response.headers.get("Content-Type")
    result.etag = sendable_validator(response.headers.get("ETag"))
    result.last_modified = sendable_validator(response.headers.get("Last-Modified"))
    result.body = await read_capped(response, limits.max_bytes)


async def read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """The decompressed body, refusing to hold more than `max_bytes` of it (gzip bombs too)."""
    declared = response.headers.get("Content-Length", "")
    encoding = response.headers.get("Content-Encoding", "identity")
    decoder = BoundedDecoder(encoding, max_bytes)
    if declared.isdigit() and decoder.identity and int(declared) > max_bytes:
        raise BodyTooLarge
    parts = []
    async for chunk in response.aiter_raw():
        parts.append(decoder.feed(chunk))
    parts.append(decoder.flush())
    return b"".join(parts)


class BoundedDecoder:
    """Undo Content-Encoding (gzip, deflate) without ever producing more than `limit` bytes.

    httpx's own decoders inflate a whole network chunk at once, which a gzip bomb turns into
    hundreds of megabytes; here every step asks zlib for at most what is left of the budget.
    """

    def __init__(self, content_encoding: str, limit: int):
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        self.limit = limit
        self.total = 0
        self.identity = not codings
        self._inflate = None
        self._deflate_guess = False
        if len(codings) > 1:
            raise FetchProblem(f"unsupported content encoding {content_encoding!r}")
        if codings and codings[0] in ("gzip", "x-gzip"):
            self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif codings and codings[0] == "deflate":
            self._inflate = zlib.decompressobj()
            self._deflate_guess = True  # some servers send raw deflate without the zlib header
        elif codings:
            raise FetchProblem(f"unsupported content encoding {codings[0]!r}")

    def _count(self, data: bytes) -> bytes:
        self.total += len(data)
        if self.total > self.limit:
            raise BodyTooLarge
        return data

    def feed(self, data: bytes) -> bytes:
        if self._inflate is None:
            return self._count(data)
        out = []
        pending = data
        while pending:
            try:
                piece = self._inflate.decompress(pending, self.limit - self.total + 1)
            except zlib.error:
                if not self._deflate_guess:
                    raise FetchProblem("the compressed body is damaged") from None
                self._deflate_guess = False
                self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._deflate_guess = False
            out.append(self._count(piece))
            pending = self._inflate.unconsumed_tail
            if not piece and pending:  # pragma: no cover - zlib made no progress
                break
        return b"".join(out)

    def flush(self) -> bytes:
        if self._inflate is None:
            return b""
        return self._count(self._inflate.flush())


def parse_retry_after(value: str | None, now: dt.datetime) -> dt.datetime | None:
    """Retry-After as a moment: seconds or an HTTP date; at most LONGEST_WAIT ahead."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        moment = now + dt.timedelta(seconds=int(text))
    else:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
    if moment <= now:
        return None
    return min(moment, now + LONGEST_WAIT)


def describe_error(error: BaseException, limits: Limits) -> str:
    """What went wrong, in the words the report shows."""
    if isinstance(error, BodyTooLarge):
        return f"body larger than {_size(limits.max_bytes)}, cut"
    if isinstance(error, FetchProblem | AddressRefused | NameNotResolved | SchemeRefused | NotAURL):
        return str(error)
    if isinstance(error, httpx.ConnectTimeout):
        return f"connection timed out after {_seconds(limits.connect_timeout)}"
    if isinstance(error, httpx.TimeoutException):
        return f"timed out after {_seconds(limits.timeout)}"
    if isinstance(error, httpx.ConnectError):
        return _connect_error(error)
    if isinstance(error, httpx.RemoteProtocolError):
        text = str(error)
        if "incomplete" in text or "closed" in text:
            return "the server closed the connection before the whole feed arrived"
        return f"the server broke the HTTP protocol: {text}"
    if isinstance(error, httpx.ReadError | httpx.WriteError):
        return f"connection lost: {error or type(error).__name__}"
    if isinstance(error, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return f"not a URL the fetcher can use: {error}"
    return f"unexpected error: {type(error).__name__}: {error}"


def _connect_error(error: httpx.ConnectError) -> str:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate not trusted ({cause.verify_message})"
        if isinstance(cause, ssl.SSLError):
            return f"TLS handshake failed ({cause.reason or cause})"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        cause = cause.__cause__ or cause.__context__
    text = str(error)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "TLS certificate not trusted"
    if "refused" in text.lower():
        return "connection refused"
    if "unreachable" in text.lower():
        return "network unreachable"
    return f"could not connect: {text or type(error).__name__}"


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _size(value: int) -> str:
    if value % (1024 * 1024) == 0:
        return f"{value // (1024 * 1024)} MiB"
    if value % 1024 == 0:
        return f"{value // 1024} KiB"
    return f"{value} bytes"


def _now() -> dt.datetime:
    return dt.datetime.now(UTC)
