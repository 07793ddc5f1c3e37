"""Decimal arithmetic shared by the stages: the context, exact allocation, and number formatting."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Context, Decimal, InvalidOperation, localcontext
from functools import lru_cache, wraps
from typing import Any, TypeVar

ZERO = Decimal(0)
ONE = Decimal(1)
# 60 significant digits: every product of a quantity and a price below is exact.
ARITHMETIC = Context(prec=60, rounding=ROUND_HALF_EVEN)
# Quantities are carried to 18 decimal places, so that shares of a total add up to it exactly.
QUANTUM = Decimal("1E-18")
# Unit prices are shown to 10 significant digits: AWS's are exact at 7, a scaled private table's may have 60.
_PRICE_DIGITS = Context(prec=10, rounding=ROUND_HALF_EVEN)


# No value of a workload comes near this many digits (counts stop at 10^18), yet a number read with a huge
# exponent (1e999999999) would hang int() or overflow a Decimal context, and Python refuses to read an int of
# more than 4,300 digits: a number this long is refused as it is read.
MAX_DIGITS = 4000

_Result = TypeVar("_Result")

# A comma only groups thousands: 1,5 (one and a half, as many locales write it) would otherwise read as 15.
# A pattern, not a compiled regex: only a number with a comma needs it, and re compiles it then (and caches it).
GROUPED = r"^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$"


def too_large(number: Decimal) -> bool:
    """Whether a number has MAX_DIGITS or more digits before its point."""
    return number.is_finite() and number != 0 and number.adjusted() >= MAX_DIGITS


def dollars(text: str) -> Decimal | None:
    """A non-negative amount as written on the command line (250, 99.50, $1,200), or None if it is not one."""
    cleaned = text.strip().removeprefix("$")
    if "," in cleaned and not re.match(GROUPED, cleaned):
        return None
    try:
        value = Decimal(cleaned.replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


def too_large_message(text: str) -> str:
    """What to say of such a number, shown cut short (it may be thousands of characters)."""
    shown = text if len(text) <= 24 else text[:20] + "…"
    return f"{shown!r} is too large: no value of a workload comes near {MAX_DIGITS:,} digits"


MILLION = Decimal(1_000_000)


@lru_cache(maxsize=256)
def per_one(per_million: Decimal) -> Decimal:
    """The price of one unit (a request, a message, an operation) from a price per million, at the working precision;
    made once per rate, so that a large workload holds one object, not one per function."""
    return ARITHMETIC.divide(per_million, MILLION)

def exact(function: Callable[..., _Result]) -> Callable[..., _Result]:
    """Run a stage in the working decimal context, whatever context its caller is in."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> _Result:
        with localcontext(ARITHMETIC):
            return function(*args, **kwargs)

    return wrapper


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """Add up at the working precision, whatever context the caller is in (the context's own add, in order, as
    sum() would: switching the thread's context costs more than adding the few figures of a line)."""
    add = ARITHMETIC.add
    total = ZERO
    for value in values:
        total = add(total, value)
    return total


def quantize(value: Decimal) -> Decimal:
    """Round a quantity to the working quantum (far below anything that shows in cents).

    Zero is the one ZERO: most quantities of most functions are zero (no cold starts, no logs...), and a large
    workload would otherwise hold hundreds of thousands of zero objects, each as large as any other Decimal.
    """
    rounded = value.quantize(QUANTUM, rounding=ROUND_HALF_EVEN, context=ARITHMETIC)
    return rounded if rounded else ZERO


def held(value: Decimal, *others: Decimal) -> Decimal:
    """`value`, or an equal object already held: ZERO for any zero, else the first of `others` it equals.

    A large workload keeps hundreds of thousands of usages, each figure a Decimal as large as any other; where two
    figures of one function are equal (a source's attempts and its volume, a billed and a written duration) one
    object serves both. Equal Decimals may differ in exponent only, which no output shows (every figure is
    written through plain(), readable() or money(), which normalise it).
    """
    if not value:
        return ZERO
    for other in others:
        if other == value:
            return other
    return value


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Share `amount` (a multiple of QUANTUM) out in proportion to `weights`, summing to it exactly.

    Largest-remainder method: each share is its exact proportion rounded down to the quantum, and the
    quanta left over go one each to the largest remainders (ties to the earlier weight). No share exceeds
    its proportion by more than one quantum, so a share of an amount no larger than the weights' total is
    never larger than its own weight.
    """
    with localcontext(ARITHMETIC):
        return _allocate(amount, weights)


def _allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    if not weights:
        return []
    total = sum(weights, ZERO)
    if total == 0:
        if amount != 0:
            raise ValueError("cannot share a non-zero amount by zero weights")
        return [ZERO] * len(weights)
    if not amount:  # the tiers above the first are empty for most workloads: nothing to work out
        return [ZERO] * len(weights)
    in_quanta = _in_quanta([amount, *weights])
    if in_quanta is not None:
        return _allocate_quanta(in_quanta[0], in_quanta[1:])
    floors: list[Decimal] = []
    remainders: list[Decimal] = []
    for weight in weights:
        if not weight:
            floors.append(ZERO)
            remainders.append(ZERO)
            continue
        exact = ARITHMETIC.divide(ARITHMETIC.multiply(amount, weight), total)
        floor = exact.quantize(QUANTUM, rounding=ROUND_DOWN, context=ARITHMETIC)
        floors.append(floor)
        remainders.append(exact - floor)
    left = int(ARITHMETIC.divide(amount - sum(floors, ZERO), QUANTUM))
    for index in _largest(remainders, left):
        floors[index] += QUANTUM
    return floors


def _largest(remainders: Sequence[Decimal] | Sequence[int], count: int) -> list[int]:
    """Where the `count` largest remainders are, ties to the earlier one (a reversed sort keeps equal keys in
    their order)."""
    if not count:
        return []
    return sorted(range(len(remainders)), key=remainders.__getitem__, reverse=True)[:count]


_QUANTUM_EXPONENT = -QUANTUM.adjusted()  # 18: QUANTUM is 1E-18


def _in_quanta(values: list[Decimal]) -> list[int] | None:
    """Each value as a whole number of quanta, or None if one is not (then allocate works in decimals)."""
    counts = []
    for value in values:
        scaled = value.scaleb(_QUANTUM_EXPONENT, ARITHMETIC)
        count = int(scaled)
        if count != scaled:
            return None
        counts.append(count)
    return counts


def _allocate_quanta(amount: int, weights: list[int]) -> list[Decimal]:
    """The largest-remainder method in whole quanta, with integers: exact, and several times faster than decimals
    on the hundreds of thousands of shares of a large workload."""
    total = sum(weights)
    floors: list[int] = []
    remainders: list[int] = []  # of amount × weight / total, in units of 1/total of a quantum
    for weight in weights:
        floor, remainder = divmod(amount * weight, total)
        floors.append(floor)
        remainders.append(remainder)
    for index in _largest(remainders, amount - sum(floors)):
        floors[index] += 1
    return [Decimal(floor).scaleb(-_QUANTUM_EXPONENT, ARITHMETIC) if floor else ZERO for floor in floors]


def plain(value: Decimal) -> str:
    """An exact decimal string without exponent or trailing zeros: the JSON form of money and quantities."""
    if not value:
        return "0"
    # str() is format(value, "f") unless it needs an exponent, and several times faster: a large estimate's JSON
    # writes a few dozen figures a function.
    text = str(value)
    if "E" in text:
        text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def readable(value: Decimal, places: int = 10) -> str:
    """A number for people: thousands separators, at most `places` decimals, trailing zeros dropped."""
    if value == value.to_integral_value():
        return unsigned_zero(f"{value:,.0f}")
    shown = f"{value:,.{places}f}"
    # Only decimals have trailing zeros to drop: with no places, 10.4 shows as 10, not 1.
    return unsigned_zero(shown.rstrip("0").rstrip(".") if places > 0 else shown)


def counted(count: Decimal | int, singular: str, plural: str | None = None, places: int = 2) -> str:
    """A count and its noun, singular for exactly one: 1 combination, 2 combinations, 1.5 batches."""
    noun = singular if count == 1 else plural or f"{singular}s"
    return f"{readable(Decimal(count), places)} {noun}"


def significant(value: Decimal, digits: int = 10) -> str:
    """A derived ratio written for a file: `digits` significant digits, half-even, no exponent (a percentage
    computed exactly has sixty digits, fifty of them noise)."""
    return plain(Context(prec=digits, rounding=ROUND_HALF_EVEN).plus(value))


def unsigned_zero(shown: str) -> str:
    """A figure rounded for display to zero has no sign: a credit too small to show is 0, not -0 (nor +0)."""
    return shown[1:] if shown.startswith(("-", "+")) and not shown.strip("+-0.,") else shown


def price(value: Decimal, min_places: int = 0) -> str:
    """A unit price for people: to 10 significant digits, half-even, trailing zeros dropped down to `min_places`
    decimals (display only)."""
    rounded = format(_PRICE_DIGITS.plus(value), "f")
    whole, _, decimals = rounded.partition(".")
    decimals = decimals.rstrip("0").ljust(min_places, "0")
    return f"{whole}.{decimals}" if decimals else whole


def money(value: Decimal, places: int = 2) -> str:
    """Dollars for display, rounded half-even to `places` (only display ever rounds)."""
    shown = f"{abs(value):,.{places}f}"
    # A credit smaller than the last place shown is $0.00, not -$0.00.
    sign = "-" if value < 0 and shown.strip("0.,") else ""
    return f"{sign}${shown}"


def percent(value: Decimal) -> str:
    """A share for people: 0.17 -> 17%, -0.17 -> -17% (display only)."""
    return readable(value * 100, 4) + "%"
