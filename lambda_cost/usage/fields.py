"""Reading a REPORT line by its field names, whatever separates them: the slow path, and shared helpers."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from lambda_cost.usage.tally import Invocation

# A field name and its value; longer names first, so that "Billed Restore Duration" is not read as another.
FIELD = re.compile(
    r"(?:^|(?<=[\s:]))(RequestId|Billed Restore Duration|Restore Duration|Billed Duration|Init Duration|Duration"
    r"|Memory Size|Max Memory Used|Status|Error Type):[ \t]*([^\s]+)"
)
FIELD_LINE = re.compile(r"^\s*(?:Billed Restore Duration|Restore Duration|Billed Duration|Init Duration|Duration"
                        r"|Memory Size|Max Memory Used|Status|Error Type|XRAY TraceId)\b")
LOG_GROUP = re.compile(r"/aws/lambda/([A-Za-z0-9_.-]+)")
ISO_TIME = re.compile(r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d(?:\.\d+)?)\s?(Z|[+-]\d\d:?\d\d)?")
EPOCH_MS = re.compile(r"(?<![\d.])(1\d{12})(?![\d.])")  # milliseconds since 1970, 2001..2286
REQUIRED = ("Billed Duration", "Memory Size")


class Malformed(ValueError):
    """A REPORT-looking line whose fields cannot be read: counted and reported, never priced."""


def parse_time(text: str) -> dt.datetime | None:
    """An ISO 8601 timestamp (Z, an offset, or none: UTC) as an aware datetime, or None."""
    match = ISO_TIME.search(text)
    if match is None:
        return None
    day, clock, zone = match.groups()
    zone = "+00:00" if zone in (None, "Z") else zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
    clock = clock if "." not in clock else clock.split(".")[0] + "." + clock.split(".")[1][:6].ljust(6, "0")
    try:
        return dt.datetime.fromisoformat(f"{day}T{clock}{zone}").astimezone(dt.timezone.utc)
    except ValueError:
        return None


def epoch_ms(value: int | float | str | Decimal) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(Decimal(str(value))) / 1000, tz=dt.timezone.utc)


def line_time(line: str, report_at: int) -> dt.datetime | None:
    """The time of a log line: an ISO timestamp before the REPORT text, else a milliseconds timestamp (the last
    one: `filter-log-events --output text` prints the ingestion time before the message, the event's after)."""
    stamp = parse_time(line[:report_at]) if report_at > 0 else None
    if stamp is not None:
        return stamp
    stamps = EPOCH_MS.findall(line)
    return epoch_ms(stamps[-1]) if stamps else None


def read_fields(text: str) -> dict[str, str]:
    return {name: value for name, value in FIELD.findall(text)}


def _number(fields: dict[str, str], name: str) -> Decimal | None:
    value = fields.get(name)
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise Malformed(f"{name} {value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise Malformed(f"{name} {value!r} is not a duration or size")
    return number


def _whole(fields: dict[str, str], name: str) -> int | None:
    number = _number(fields, name)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise Malformed(f"{name} {fields[name]!r} is not a whole number")
    return int(number)


def invocation(fields: dict[str, str], timestamp: dt.datetime | None) -> Invocation:
    """One invocation from the fields of a REPORT line (or of several lines, one field each)."""
    missing = [name for name in REQUIRED if name not in fields]
    if missing:
        raise Malformed(f"no {' or '.join(missing)} (expected `Billed Duration: N ms` and `Memory Size: N MB`)")
    billed = _whole(fields, "Billed Duration")
    memory = _whole(fields, "Memory Size")
    assert billed is not None and memory is not None
    if memory == 0:
        raise Malformed("Memory Size 0 MB")
    if billed == 0:  # Lambda bills every invocation at least 1 ms
        raise Malformed("Billed Duration 0 ms (Lambda bills at least 1 ms)")
    status = fields.get("Status")
    return Invocation(
        billed_ms=billed,
        memory_mb=memory,
        max_used_mb=_whole(fields, "Max Memory Used"),
        duration_ms=_number(fields, "Duration"),
        init_ms=_number(fields, "Init Duration"),
        restore_ms=_number(fields, "Restore Duration"),
        billed_restore_ms=_whole(fields, "Billed Restore Duration"),
        # A text REPORT line says its status only when the attempt failed (error, timeout).
        status=status.lower() if status else None,
        timestamp=timestamp,
        request_id=fields.get("RequestId"),
    )
