"""Feed dates as aware UTC datetimes, or None when a feed gives none worth believing.

Feeds write dates in many ways: RFC 822 (RSS) and RFC 3339 (Atom, JSON Feed) with their common
errors, `2020/1/10 14:33:00`, zone names (`PST`, `CEST`), and day and month names in the site's
language (`Seg, 24 Set 2018`). `parse_date` reads those itself, with the small tables below, in
English, Portuguese, Spanish, French, German, Italian and Dutch: a table costs some microseconds
a date (measured on the corpus: see tests/feeds/test_dates.py), where a general library such as
dateparser costs milliseconds and a second of import in every parse worker.

feedparser also parses dates, with fallbacks of its own; those sometimes return a wrong date
rather than none (`2020/1/10` came out as 2020-12-01). Its result is used only for a string
this module cannot read, and only when its year, month and day are numbers the string wrote
(`trusted_struct_time`). A date before 1990 or more than a day in the future is a placeholder
or a mistake, never a post's date: it is read as no date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import time
import unicodedata

EARLIEST_YEAR = 1990
LATEST_YEAR = 9000  # past this, a year is a placeholder (9999) or garbage, whatever "now" is
# A date this far past the parse is not believed (a day covers any time zone's error).
FUTURE_SLACK = dt.timedelta(days=1)

_MONTH_NAMES = {
    1: "jan january janeiro jan. enero ene janvier janv januar jänner januari gennaio gen",
    2: "feb february fevereiro fev febrero février févr fevr februar februari febbraio",
    3: "mar march março marco marzo mars märz maerz maart",
    4: "apr april abril abr avril avr aprile",
    5: "may maio mai mayo may mei maggio mag",
    6: "jun june junho junio juin juni giugno giu",
    7: "jul july julho julio juillet juil juli luglio lug",
    8: "aug august agosto ago août aout augustus",
    9: "sep sept september setembro set septiembre septembre septembre september settembre",
    10: "oct october outubro out octubre octobre oktober okt ottobre ott",
    11: "nov november novembro noviembre novembre november novembre",
    12: "dec december dezembro dez diciembre dic décembre déc dezember december dicembre",
}
MONTHS: dict[str, int] = {
    name.rstrip("."): number for number, names in _MONTH_NAMES.items() for name in names.split()
}
# Day names, and the little words between parts ("24 de setembro de 2018", "le", "à", "um").
_IGNORED_WORDS = frozenset(
    """
    mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat saturday
    sun sunday seg segunda ter terça terca qua quarta qui quinta sex sexta sáb sab sábado sabado
    dom domingo feira lun lunes mar martes mié mie miércoles miercoles jue jueves vie viernes
    lundi mardi mercredi jeudi vendredi samedi dimanche mer jeu ven sam dim mo montag di
    dienstag mi mittwoch do donnerstag fr freitag sa samstag so sonntag lunedì lunedi martedì
    martedi mercoledì mercoledi giovedì giovedi venerdì venerdi sabato domenica gio ma maandag
    dinsdag wo woensdag donderdag vr vrijdag za zaterdag zo zondag de del le à a um at om alle mar
    às as h t
    """.split()
)
# Hours east of UTC. RFC 822's US names as it defines them; the others as feeds use them.
ZONES: dict[str, float] = {
    "z": 0, "ut": 0, "utc": 0, "gmt": 0, "wet": 0, "bst": 1, "west": 1, "cet": 1, "met": 1,
    "mez": 1, "wat": 1, "cest": 2, "mest": 2, "mesz": 2, "eet": 2, "cat": 2, "sast": 2,
    "eest": 3, "msk": 3,
    "eat": 3, "ist": 5.5, "ict": 7, "wib": 7, "hkt": 8, "sgt": 8, "awst": 8, "jst": 9, "kst": 9,
    "acst": 9.5, "aest": 10, "aedt": 11, "nzst": 12, "nzdt": 13, "est": -5, "edt": -4,
    "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7, "akst": -9, "akdt": -8,
    "hst": -10, "ast": -4, "adt": -3, "nst": -3.5, "ndt": -2.5, "brt": -3, "art": -3,
}  # fmt: skip

# Year first, in numbers: RFC 3339 and its variants (space for T, no seconds, "+0000", a zone
# name) and `2020/1/10 14:33:00`.
_NUMERIC = re.compile(
    r"""^(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})
    (?:(?:[Tt]|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?)?
    \s*(?P<zone>[Zz]|[+-]\d{1,2}(?::?\d{2})?|[A-Za-z]{1,5})?$""",
    re.VERBOSE,
)
_TOKEN = re.compile(
    r"(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)"
    r"|(?P<offset>(?<![\w])[+-]\d{2}:?\d{2}(?!\d))"
    r"|(?P<number>\d+)"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<other>[^\s,./\-()]+)"
)
_DIGITS = re.compile(r"\d+")


def parse_date(text: str | None, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """The moment a feed's date string names, in UTC; None when it names none we can trust.

    A date without a time zone is taken as UTC; one without a time, as midnight.
    """
    if not text or not isinstance(text, str):
        return None
    text = unicodedata.normalize("NFC", text.strip())[:100]
    if not text:
        return None
    parsed = _numeric_date(text) or _worded_date(text)
    return sane_utc(parsed, now=now)


def from_struct_time(
    value: time.struct_time | None, raw: str | None = None, *, now: dt.datetime | None = None
) -> dt.datetime | None:
    """feedparser's `*_parsed` (a UTC struct_time) as an aware UTC datetime, when it is sane
    and, given the `raw` string it came from, agrees with the numbers that string wrote."""
    if value is None or not EARLIEST_YEAR <= value.tm_year <= LATEST_YEAR:
        return None
    if raw is not None and not trusted_struct_time(value, raw):
        return None
    try:
        moment = dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return sane_utc(moment, now=now)


def feed_date(
    raw: str | None, fallback: time.struct_time | None, *, now: dt.datetime | None = None
) -> dt.datetime | None:
    """An XML feed's date: `raw` read here, else feedparser's reading of it if trusted."""
    return parse_date(raw, now=now) or from_struct_time(fallback, raw, now=now)


def trusted_struct_time(value: time.struct_time, raw: str) -> bool:
    """Whether feedparser's reading of `raw` keeps the year, month and day that `raw` wrote.

    The reading is in UTC and the string in its own zone, so the day (and with it the month and
    the year) may move by one; anything further is a parse that invented digits.
    """
    numbers = {int(digits) for digits in _DIGITS.findall(raw)}
    try:
        moment = dt.date(value.tm_year, value.tm_mon, value.tm_mday)
    except ValueError:
        return False
    words = {word.lower().rstrip(".") for word in re.findall(r"[^\W\d_]+", raw)}
    named_months = {MONTHS[word] for word in words if word in MONTHS}
    for shift in (0, -1, 1):
        try:
            local = moment + dt.timedelta(days=shift)
        except OverflowError:
            continue
        year_written = local.year in numbers or (local.year % 100 in numbers and local.year > 1999)
        month_written = local.month in (named_months or numbers)
        if year_written and month_written and local.day in numbers:
            return True
    return False


def sane_utc(value: dt.datetime | None, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """`value` in UTC (naive means UTC), or None when it is before 1990 or more than a day
    after `now` (by default, this moment)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        value = value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None
    if value.year < EARLIEST_YEAR:
        return None
    if value > (now or dt.datetime.now(dt.UTC)) + FUTURE_SLACK:
        return None
    return value


def _numeric_date(text: str) -> dt.datetime | None:
    match = _NUMERIC.match(text)
    if not match:
        return None
    zone = _zone(match.group("zone"))
    if zone is None:
        return None
    return _moment(
        int(match.group("year")),
        int(match.group("month")),
        int(match.group("day")),
        (match.group("hour"), match.group("minute"), match.group("second")),
        zone,
    )


def _worded_date(text: str) -> dt.datetime | None:
    """RFC 822 and its relatives: a day, a month name, a year, a time and a zone, in any order
    that feeds use ("Seg, 24 Set 2018 10:00:00 -0300", "September 24, 2018 10am PST",
    asctime's "Mon Sep 24 10:00:00 2018")."""
    day = month = year = None
    clock: tuple[str | None, str | None, str | None] = (None, None, None)
    zone: dt.timezone | None = None
    afternoon: bool | None = None
    month_is_a_day_name = False
    for token in _TOKEN.finditer(text.lower()):
        kind, value = token.lastgroup, token.group()
        if kind == "time":
            hour, minute, *second = value.replace(",", ".").split(".")[0].split(":")
            clock = (hour, minute, second[0] if second else None)
        elif kind == "offset":
            zone = _zone(value)
        elif kind == "number":
            number = int(value)
            if len(value) == 4 and year is None:
                year = number
            elif len(value) <= 2 and day is None and 1 <= number <= 31:
                day = number
            elif len(value) <= 2 and year is None and day is not None and month is not None:
                year = 2000 + number if number < 70 else 1900 + number  # RFC 822's two digits
            else:
                return None
        elif kind == "word":
            if value in MONTHS and (month is None or month_is_a_day_name):
                # "mar" is March, and Tuesday in Spanish and French: a later month wins.
                month, month_is_a_day_name = MONTHS[value], value in _IGNORED_WORDS
            elif value in ZONES or _zone(value) is not None:
                zone = _zone(value)
            elif value in ("am", "pm"):
                afternoon = value == "pm"
            elif value not in _IGNORED_WORDS:
                return None  # a word we do not know: better no date than a guessed one
        elif value not in ("'",):
            return None
    if day is None or month is None or year is None:
        return None
    if afternoon is not None and clock[0] is not None:
        clock = (str(int(clock[0]) % 12 + (12 if afternoon else 0)), clock[1], clock[2])
    return _moment(year, month, day, clock, zone or dt.UTC)


def _zone(text: str | None) -> dt.timezone | None:
    """A zone as feeds write it: none (UTC), Z, +02:00, +0200, +2, GMT, CEST, "GMT+2"."""
    if not text:
        return dt.UTC
    name = text.strip().lower()
    if name in ZONES:
        return dt.timezone(dt.timedelta(hours=ZONES[name]))
    match = re.fullmatch(r"(?:gmt|utc)?([+-])(\d{1,2}):?(\d{2})?", name)
    if not match:
        return None
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None
    offset = dt.timedelta(hours=hours, minutes=minutes)
    return dt.timezone(-offset if match.group(1) == "-" else offset)


def _moment(
    year: int,
    month: int,
    day: int,
    clock: tuple[str | None, str | None, str | None],
    zone: dt.timezone,
) -> dt.datetime | None:
    hour, minute, second = (int(part) if part else 0 for part in clock)
    if hour == 24 and minute == 0 and second == 0:  # "24:00" is the end of the day
        hour, day_after = 0, dt.timedelta(days=1)
    else:
        day_after = dt.timedelta()
    second = min(second, 59)  # a leap second
    try:
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=zone) + day_after
    except (ValueError, OverflowError):
        return None
