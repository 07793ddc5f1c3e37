"""Human units in workload values: counts (3M), rates (50/s), sizes (1.5 GB), durations (120ms), exact."""

from __future__ import annotations

import difflib
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, Union

from pydantic import BeforeValidator, Field, GetJsonSchemaHandler, PlainSerializer, PlainValidator, WithJsonSchema
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from lambda_cost.model.value import Value
from lambda_cost.numbers import GROUPED, too_large, too_large_message

# What `init` writes where a template cannot know a value: YAML keeps it as a string, validation refuses it.
PLACEHOLDER = "FILL-ME"

# Case matters: `M` is a million and `m` would be milli or minutes, so lower-case `m` is refused.
COUNT_SUFFIXES = {"": Decimal(1), "k": Decimal(10**3), "K": Decimal(10**3), "M": Decimal(10**6), "B": Decimal(10**9)}
# Far beyond any real workload (a billion billion), and small enough that every product stays exact in
# the 60-digit arithmetic; larger numbers would overflow it.
MAX_COUNT = 10**18
COUNT_SPELLINGS = "a number (1e12 too), or one with k or K (thousand), M (million), B (billion): 3M, 200k, 1.5B"
# AWS Lambda's memory and storage "MB" are mebibytes and 1 GB is 1024 MB; MiB and GiB say the same.
SIZE_UNITS = {"": Decimal(1), "MB": Decimal(1), "MiB": Decimal(1), "GB": Decimal(1024), "GiB": Decimal(1024)}
SIZE_SPELLINGS = "a number of MB, or one with MB, MiB, GB or GiB (1 GB = 1024 MB, as AWS Lambda counts): 512 MB, 1.5 GB"
KILOBYTE_UNITS = {"": Decimal(1), "KB": Decimal(1), "KiB": Decimal(1), "MB": Decimal(1024), "MiB": Decimal(1024)}
KILOBYTE_SPELLINGS = "a number of KB, or one with KB, KiB, MB or MiB (1 MB = 1024 KB): 256 KB, 1 MB"
DURATION_MS = {"": Decimal(1), "ms": Decimal(1), "s": Decimal(1000), "sec": Decimal(1000), "min": Decimal(60_000)}
DURATION_SPELLINGS = "a number, or one with ms, s, sec or min: 120ms, 1.2s, 2min"
# A month is 730 hours (8,760 hours a year / 12), as AWS's own calculator assumes: the one place it is said.
HOURS_PER_MONTH = Decimal(730)
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
# Seconds in each period a rate may be given per.
RATE_PERIODS: dict[str, tuple[str, Decimal]] = {
    "s": ("second", Decimal(1)), "sec": ("second", Decimal(1)), "second": ("second", Decimal(1)),
    "min": ("minute", Decimal(60)), "minute": ("minute", Decimal(60)),
    "h": ("hour", Decimal(3600)), "hr": ("hour", Decimal(3600)), "hour": ("hour", Decimal(3600)),
    "d": ("day", Decimal(86_400)), "day": ("day", Decimal(86_400)),
    "mo": ("month", SECONDS_PER_MONTH), "month": ("month", SECONDS_PER_MONTH),
}
SHARE_SPELLINGS = "a share from 0 to 1 (0.05), or a percentage (5%)"
RATE_SPELLINGS = "COUNT/PERIOD with PERIOD s, min, h, day or month (also sec, second, minute, hr, hour, d, mo): " \
    "50/s, 200k/day, 3M/month"

# YAML reads 1e12 (no dot) as text, not a number: an exponent is accepted here too.
_NUMBER = r"(?:[0-9][0-9_,]*(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_COUNT = re.compile(rf"^\s*({_NUMBER})\s*([A-Za-z]*)\s*$")


def _error(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def _number(text: str, spellings: str) -> Decimal:
    """A plain decimal number; `_` and `,` group thousands (1,000,000 and 1_000_000 are one million)."""
    cleaned = text.replace("_", "").replace(",", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise _error("unit", f"{text!r} is not a number; write {spellings}") from None
    if not number.is_finite():
        raise _error("unit", f"{text!r} is not a finite number")
    if too_large(number):
        raise _error("unit", too_large_message(text))
    return number


def _whole(number: Decimal) -> Decimal:
    """1.5 × 10^9 is written 1500000000, not 1500000000.0: the same value, the exponent people expect."""
    whole = number == number.to_integral_value() and number.adjusted() < 27  # quantize keeps 28 digits
    return number.quantize(Decimal(1)) if whole else number


def _placeholder(value: str) -> None:
    if value.strip().startswith(PLACEHOLDER):
        raise _error("placeholder", "placeholder not filled")


def _split(value: str, spellings: str) -> tuple[Decimal, str]:
    _placeholder(value)
    match = _COUNT.match(value)
    if not match:
        raise _error("unit", f"cannot read {value!r}; write {spellings}")
    if "," in match.group(1) and not re.match(GROUPED, match.group(1)):
        raise _error("unit", f"{value!r}: a comma groups thousands (1,000,000); a decimal is written with a point "
                     "(1.5)")
    return _number(match.group(1), spellings), match.group(2)


def _scaled(value: str, units: dict[str, Decimal], spellings: str, what: str = "unit") -> Decimal:
    """A number times the factor of its unit (a bare number has factor 1)."""
    number, unit = _split(value, spellings)
    if unit not in units:
        raise _error("unit", f"{value!r}: unknown or ambiguous {what} {unit!r}; write {spellings}")
    return _whole(number * units[unit])


def parse_count(value: Any) -> Any:
    """`3M` → 3000000, `200k` → 200000, `1.5B` → 1500000000, exactly; other values pass to the field's type."""
    return _scaled(value, COUNT_SUFFIXES, COUNT_SPELLINGS, "suffix") if isinstance(value, str) else value


def parse_megabytes(value: Any) -> Any:
    """`1.5 GB` → 1536, `512 MB` → 512 (AWS's 1024-based MB and GB); a whole number of MB."""
    if not isinstance(value, str):
        return value
    megabytes = _scaled(value, SIZE_UNITS, SIZE_SPELLINGS)
    if megabytes != megabytes.to_integral_value():
        raise _error("unit", f"{value!r} is {megabytes} MB, not a whole number of MB")
    return int(megabytes)


def parse_kilobytes(value: Any) -> Any:
    """`256 KB` → 256, `1 MB` → 1024 (1024-based), for payload sizes."""
    return _scaled(value, KILOBYTE_UNITS, KILOBYTE_SPELLINGS) if isinstance(value, str) else value


def _duration_ms(value: str) -> Decimal:
    return _scaled(value, DURATION_MS, DURATION_SPELLINGS)


def parse_milliseconds(value: Any) -> Any:
    """`120ms` → 120, `1.2s` → 1200, `2min` → 120000; a bare number is milliseconds."""
    if not isinstance(value, str):
        return value
    return _duration_ms(value)


def parse_seconds(value: Any) -> Any:
    """`30s` → 30, `2min` → 120, `1500ms` → refused (not whole seconds); a bare number is seconds."""
    if not isinstance(value, str):
        return value
    number, unit = _split(value, DURATION_SPELLINGS)
    if unit == "":
        return number
    seconds = _duration_ms(value) / 1000
    if seconds != seconds.to_integral_value():
        raise _error("unit", f"{value!r} is {seconds} s, not a whole number of seconds")
    return int(seconds)


def parse_share(value: Any) -> Any:
    """`5%` → 0.05 exactly (a share asked as 0..1 may be written as a percentage); other values pass on."""
    if not isinstance(value, str) or not value.strip().endswith("%"):
        return value
    _placeholder(value)
    return _number(value.strip()[:-1].strip(), SHARE_SPELLINGS).scaleb(-2)


EXHAUSTED = "exhausted"
USED_SPELLINGS = f"{EXHAUSTED}, or {COUNT_SPELLINGS}"


def meant_exhausted(value: str) -> str:
    """` (did you mean 'exhausted'?)` for a misspelling of it, else nothing."""
    near = difflib.get_close_matches(value.strip().lower(), [EXHAUSTED], n=1, cutoff=0.6)
    return f" (did you mean {EXHAUSTED!r}?)" if near else ""


def parse_used(value: Any) -> Decimal | str:
    """How much of a free allowance other usage takes: `exhausted` (all of it), or a count (250k), exactly."""
    if isinstance(value, str) and value.strip() == EXHAUSTED:
        return EXHAUSTED
    if isinstance(value, str):
        if not _COUNT.match(value) and not value.strip().startswith(PLACEHOLDER):
            raise _error("unit", f"cannot read {value!r}{meant_exhausted(value)}; write {USED_SPELLINGS}")
        number = parse_count(value)
    elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        number = Decimal(value)
    else:
        kind = {list: "a list", dict: "a mapping", bool: "true or false"}.get(type(value), "nothing")
        raise _error("unit", f"found {kind}; write {USED_SPELLINGS}")
    if not number.is_finite() or number < 0:
        raise _error("unit", f"{value!r} is not a count of 0 or more; write {USED_SPELLINGS}")
    if number > MAX_COUNT:
        raise _error("unit", too_large_message(str(value)))
    return _whole(number)


class RateValue(Value):
    """`50/s`: a count per period, kept as written so that the monthly volume is computed exactly once."""

    __slots__ = ("count", "period", "text")

    def __init__(self, count: Decimal, period: str, text: str) -> None:
        self.count = count
        self.period = period  # second, minute, hour, day or month
        self.text = text

    @property
    def per_month(self) -> Decimal:
        """count × (seconds in 730 hours) / (seconds in the period): 200k/day → 200000 × 730 / 24."""
        seconds = next(s for name, s in RATE_PERIODS.values() if name == self.period)
        return self.count * SECONDS_PER_MONTH / seconds

    def __str__(self) -> str:
        return self.text


def parse_rate(value: Any) -> RateValue:
    """`50/s`, `200k/day`, `3M/month`; `/m` is refused (minute or month?)."""
    if isinstance(value, RateValue):
        return value
    if not isinstance(value, str):
        found = f"the number {value}" if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else (
            "true or false" if isinstance(value, bool) else "a list" if isinstance(value, list) else "a mapping"
            if isinstance(value, dict) else "nothing")
        raise _error("unit", f"a rate is written COUNT/PERIOD, not as {found}; write {RATE_SPELLINGS} (a number "
                     "alone goes in per_month, per_day, per_hour or per_second)")
    _placeholder(value)
    count_text, slash, period = value.partition("/")
    if not slash:
        raise _error("unit", f"{value!r} has no period; write {RATE_SPELLINGS}")
    try:
        count = parse_count(count_text)
    except PydanticCustomError as error:
        if error.type == "placeholder":
            raise
        raise _error("unit", f"{value!r}: {error.message()}; a rate is {RATE_SPELLINGS}") from None
    period = period.strip()
    if period not in RATE_PERIODS:
        raise _error("unit", f"{value!r}: unknown or ambiguous period {period!r}; write {RATE_SPELLINGS}")
    if count < 0:
        raise _error("unit", f"{value!r}: a rate cannot be negative")
    if count > MAX_COUNT:
        raise _error("unit", f"{value!r}: a count is at most {MAX_COUNT:,}")
    return RateValue(Decimal(count), RATE_PERIODS[period][0], value.strip())


class HumanSpelling(Value):
    """Adds the accepted string spellings to a field's JSON Schema, beside its numeric range."""

    __slots__ = ("description", "pattern")

    def __init__(self, pattern: str, description: str) -> None:
        self.pattern = pattern
        self.description = description

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        inner = handler(schema)
        # A Decimal's schema already allows a numeric string; keep only its number branch and range.
        if "anyOf" in inner:
            numbers = [branch for branch in inner["anyOf"] if branch.get("type") != "string"]
            inner = numbers[0] if len(numbers) == 1 else {"anyOf": numbers}
        spelled = {"type": "string", "pattern": self.pattern, "description": self.description}
        return {"anyOf": [inner, spelled]}


# _NUMBER as the JSON Schema writes it, with what _number accepts: commas between groups of three digits only.
_NUMBER_PATTERN = r"(([0-9]{1,3}(,[0-9]{3})+|[0-9][0-9_]*)(\.[0-9]+)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
_COUNT_PATTERN = rf"^\s*{_NUMBER_PATTERN}\s*[kKMB]?\s*$"
_SIZE_PATTERN = rf"^\s*{_NUMBER_PATTERN}\s*(MB|MiB|GB|GiB)?\s*$"
_KB_PATTERN = rf"^\s*{_NUMBER_PATTERN}\s*(KB|KiB|MB|MiB)?\s*$"
_DURATION_PATTERN = rf"^\s*{_NUMBER_PATTERN}\s*(ms|s|sec|min)?\s*$"
_SHARE_PATTERN = rf"^\s*{_NUMBER_PATTERN}\s*%\s*$"
RATE_PATTERN = rf"^\s*{_NUMBER_PATTERN}\s*[kKMB]?\s*/\s*(s|sec|second|min|minute|h|hr|hour|d|day|mo|month)\s*$"

# Reusable field types: a number, or a string in human units, validated to the same exact value.
# Constraints written inside an alias come before its validator, so the schema shows them as a range.
Count = Annotated[
    Decimal, Field(ge=0, le=MAX_COUNT, allow_inf_nan=False), BeforeValidator(parse_count),
    HumanSpelling(_COUNT_PATTERN, COUNT_SPELLINGS),
]
Megabytes = Annotated[int, BeforeValidator(parse_megabytes), HumanSpelling(_SIZE_PATTERN, SIZE_SPELLINGS)]
Kilobytes = Annotated[
    Decimal, Field(ge=0, allow_inf_nan=False), BeforeValidator(parse_kilobytes),
    HumanSpelling(_KB_PATTERN, KILOBYTE_SPELLINGS),
]
# A Lambda attempt runs at most 15 minutes (900,000 ms).
DurationMs = Annotated[
    Decimal, Field(gt=0, le=900_000, allow_inf_nan=False), BeforeValidator(parse_milliseconds),
    HumanSpelling(_DURATION_PATTERN, DURATION_SPELLINGS),
]
# Shares (0..1) that may be written as percentages: an error rate, a discount, where a budget warns.
Probability = Annotated[
    Decimal, Field(ge=0, le=1, allow_inf_nan=False), BeforeValidator(parse_share),
    HumanSpelling(_SHARE_PATTERN, SHARE_SPELLINGS),
]
Discount = Annotated[
    Decimal, Field(ge=0, lt=1, allow_inf_nan=False), BeforeValidator(parse_share),
    HumanSpelling(_SHARE_PATTERN, SHARE_SPELLINGS),
]
PositiveShare = Annotated[
    Decimal, Field(gt=0, le=1, allow_inf_nan=False), BeforeValidator(parse_share),
    HumanSpelling(_SHARE_PATTERN, SHARE_SPELLINGS),
]
Seconds = Annotated[int, BeforeValidator(parse_seconds), HumanSpelling(_DURATION_PATTERN, DURATION_SPELLINGS)]
Rate = Annotated[
    RateValue,
    PlainValidator(parse_rate, json_schema_input_type=str),
    WithJsonSchema({"type": "string", "pattern": RATE_PATTERN, "description": RATE_SPELLINGS}),
]
# A count of a free allowance already used elsewhere, or `exhausted`.
UsedAmount = Annotated[
    Union[Literal["exhausted"], Decimal],
    PlainValidator(parse_used),
    # As written: `exhausted`, or the number as text (the schema's default, a dump): never a type guessed at.
    PlainSerializer(lambda value: value if value == EXHAUSTED else str(value), return_type=str),
    WithJsonSchema({"anyOf": [
        {"const": EXHAUSTED},
        {"type": "number", "minimum": 0, "maximum": MAX_COUNT},
        {"type": "string", "pattern": _COUNT_PATTERN, "description": COUNT_SPELLINGS},
    ]}),
]
