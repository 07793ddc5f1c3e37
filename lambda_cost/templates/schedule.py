"""How often a schedule runs a month: EventBridge's rate() and cron() expressions, for `init --from`."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from lambda_cost.model.units import SECONDS_PER_MONTH

_RATE = re.compile(r"^rate\(\s*(\d{1,9})\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_PERIOD_SECONDS = {"minute": 60, "hour": 3600, "day": 86_400}
_MONTHS = {name: number for number, name in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1)}
# EventBridge numbers the days of the week 1-7 from Sunday.
_DAYS = {name: number for number, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}
# A year without a leap day, to count cron runs over: its 365 days / 12 are the 730-hour month.
_REFERENCE_YEAR = 2027


class UnsupportedCron(ValueError):
    """A cron field lambda-cost does not count (L, W, #): the user counts its runs."""


def runs_per_month(expression: str) -> tuple[Decimal, str] | None:
    """rate(5 minutes) → 8,760 a month (730 h × 60 / 5); cron(0 12 * * ? *) → 30.4166… (365 runs a year / 12).

    Returns the runs and how they were counted, or None when the expression is not one lambda-cost can count.
    """
    text = expression.strip()
    rate = _RATE.match(text)
    if rate:
        every, period = int(rate.group(1)), rate.group(2).rstrip("s")
        if every <= 0:
            return None
        volume = SECONDS_PER_MONTH / (every * _PERIOD_SECONDS[period])
        return volume, f"{expression}: 730 h / {every} {period}{'s' if every != 1 else ''}"
    cron = _CRON.match(text)
    if not cron:
        return None
    try:
        per_year = _cron_runs_a_year(cron.group(1).split())
    except UnsupportedCron:
        return None
    # Shown to the cent: 365 runs a year is 30.4166… a month, and the draft is a starting point to edit.
    volume = (Decimal(per_year) / 12).quantize(Decimal("0.01")).normalize()
    return volume, f"{expression}: {per_year:,} runs in the 365-day year {_REFERENCE_YEAR} / 12"


def _cron_runs_a_year(fields: list[str]) -> int:
    if len(fields) != 6:
        raise UnsupportedCron("six fields")
    minute, hour, day_of_month, month, day_of_week, year = fields
    if year not in ("*", "?"):
        raise UnsupportedCron("a schedule limited to some years runs a different number of times each year")
    minutes = _values(minute, 0, 59, {})
    hours = _values(hour, 0, 23, {})
    months = _values(month, 1, 12, _MONTHS)
    days = 0
    day = dt.date(_REFERENCE_YEAR, 1, 1)
    any_date = day_of_month in ("*", "?")
    any_weekday = day_of_week in ("*", "?")
    dates = None if any_date else _values(day_of_month, 1, 31, {})
    weekdays = None if any_weekday else _values(day_of_week, 1, 7, _DAYS)
    while day.year == _REFERENCE_YEAR:
        weekday = day.isoweekday() % 7 + 1  # Sunday is 1
        if day.month in months and (dates is None or day.day in dates) and (weekdays is None or weekday in weekdays):
            days += 1
        day += dt.timedelta(days=1)
    return days * len(hours) * len(minutes)


def _values(field: str, low: int, high: int, names: dict[str, int]) -> set[int]:
    """The values a cron field allows: *, numbers, names, ranges a-b, lists a,b and steps */n or a/n."""
    if any(mark in field.upper() for mark in ("L", "W", "#")) and not any(name in field.upper() for name in names):
        raise UnsupportedCron(field)
    found: set[int] = set()
    for part in field.split(","):
        step = 1
        if "/" in part:
            part, _, step_text = part.partition("/")
            step = _number(step_text, names)
            if step <= 0:
                raise UnsupportedCron(field)
        if part in ("*", "?"):
            first, last = low, high
        elif "-" in part:
            start, _, end = part.partition("-")
            first, last = _number(start, names), _number(end, names)
        else:
            first = _number(part, names)
            last = high if step != 1 else first
        if not low <= first <= last <= high:
            raise UnsupportedCron(field)
        found.update(range(first, last + 1, step))
    return found


def _number(text: str, names: dict[str, int]) -> int:
    key = text.strip().upper()
    if key in names:
        return names[key]
    if not key.isdigit():
        raise UnsupportedCron(text)
    return int(key)
