"""Plain-text REPORT lines, streamed in chunks: one compiled regex reads a chunk of well-formed lines in C, and
chunks holding anything else (variants, timeouts, several functions, malformed lines) are read line by line.

Memory stays constant: a chunk at a time, and per function only counters, a histogram of Max Memory Used (at
most 10,240 entries) and a count per day.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from operator import itemgetter
from typing import TextIO

from lambda_cost.usage.fields import FIELD_LINE, LOG_GROUP, Malformed, invocation, line_time, parse_time, read_fields
from lambda_cost.usage.inputs import READ_ERRORS, read_failure
from lambda_cost.usage.json_logs import add_event, loads
from lambda_cost.usage.tally import Invocation, SourceSummary, Tallies, Tally

CHUNK_CHARS = 1 << 22
# A well-formed REPORT line, tab or space separated, optionally after an ISO UTC timestamp (and a stream name,
# as `aws logs tail` prints them). Two branches: a line that ends after Max Memory Used (groups: the timestamp,
# Billed Duration, Max Memory Used), and one with more (Init Duration, Restore Duration, Status, XRAY), which also
# gives Duration and the rest, read field by field. Groups a line does not reach are the shared empty string, so
# the common line costs three strings. Memory Size has no group: a chunk is read here only when every line has
# the first line's.
_PREFIX = (r"(?:(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)(?:Z|\+00:00)[\t ]+(?:\d{4}/\d\d/\d\d/\S*[\t ]+)?)?"
           r"REPORT RequestId: ?[^\t ]+[\t ]+Duration: ")
# Billed Duration is at least 1 ms: a 0 is not a line to sum, and leaves the fast path to be refused line by line.
FAST = re.compile(
    rf"^(?:{_PREFIX}\d+\.\d\d ms[\t ]+Billed Duration: ([1-9]\d*) ms[\t ]*Memory Size: \d+ MB[\t ]+"
    r"Max Memory Used: (\d+) MB[\t \r]*$"
    rf"|{_PREFIX}(\d+\.\d\d) ms[\t ]+Billed Duration: ([1-9]\d*) ms[\t ]*Memory Size: \d+ MB[\t ]+"
    r"Max Memory Used: (\d+) MB[\t \r]*(\S.*)$)",
    re.M,
)
_MEMORY = re.compile(r"Memory Size: (\d+) MB")
_TIMED_OUT = "Task timed out after"
_REQUEST_ID = re.compile(r"\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s+Task timed out")
# FAST's groups: the plain line's, then the one with a tail's.
_STAMP, _BILLED, _USED, _TAIL_STAMP, _TAIL_DURATION, _TAIL_BILLED, _TAIL_USED, _TAIL = (itemgetter(i) for i in range(8))


def _days(tally: Tally, stamps: list[str]) -> None:
    """Invocations per UTC day and the first and last time, from ISO timestamps: sorted (in order already, as a
    log usually is, this is one pass), each day is counted by bisection, not line by line."""
    stamps.sort()
    at = 0
    while at < len(stamps):
        day = stamps[at][:10]
        end = bisect_right(stamps, day + "~", at)  # "~" sorts after every character of a timestamp
        tally.days[day] += end - at
        at = end
    first, last = parse_time(stamps[0]), parse_time(stamps[-1])
    if first is not None and last is not None:
        tally.stretch(first, last)


def chunks_of(head: str, handle: TextIO, name: str, counted: list[int]) -> Iterator[str]:
    """The text in chunks that end at a line's end (a read, completed to its line); `counted[0]` is kept at the
    lines yielded so far, so that a read that fails (a truncated gzip) says after which line."""
    rest = head
    while True:
        try:
            chunk = rest + handle.read(CHUNK_CHARS)
            if chunk and not chunk.endswith("\n"):
                chunk += handle.readline()
        except READ_ERRORS as error:
            raise read_failure(name, counted[0] + rest.count("\n") + 1, error) from None
        rest = ""
        if not chunk:
            return
        yield chunk if chunk.endswith("\n") else chunk + "\n"
        counted[0] += chunk.count("\n")


def lines_of(head: str, handle: TextIO, name: str) -> Iterator[str]:
    for chunk in chunks_of(head, handle, name, [0]):
        yield from chunk.splitlines()


class TextReader:
    """Counts the REPORT lines of one input into the tallies; `default` names the function of lines that do not
    name their log group ("" when unknown: the command then needs --function)."""

    def __init__(self, name: str, default: str, tallies: Tallies, summary: SourceSummary) -> None:
        self.name = name
        self.default = default
        self.tallies = tallies
        self.summary = summary
        self.pending: tuple[int, dict[str, str], dt.datetime | None, str] | None = None  # a REPORT split over lines
        self.timed_out: dict[str, str] = {}  # request id -> function, from "Task timed out" lines

    def read(self, head: str, handle: TextIO) -> None:
        counted = [0]
        for chunk in chunks_of(head, handle, self.name, counted):
            first = counted[0] + 1
            if not self._fast(chunk):
                for offset, line in enumerate(chunk.splitlines()):
                    self.line(line, first + offset)
        self.finish()

    def _fast(self, chunk: str) -> bool:
        """A chunk whose every REPORT line is well formed, read in C: one regex pass, then sums over its columns;
        False: read it line by line instead."""
        if self.pending is not None or self.timed_out:
            return False
        matches = FAST.findall(chunk)
        count, lines = len(matches), chunk.count("\n")
        if count != lines and (_TIMED_OUT in chunk or '"platform.' in chunk
                               or count != chunk.count("REPORT") - chunk.count("INIT_REPORT")):
            return False
        size = _MEMORY.search(chunk) if count else None
        if size is not None and chunk.count(f"Memory Size: {size.group(1)} MB") != count:
            return False  # the memory setting changed within the chunk
        summary = self.summary
        summary.lines += lines
        summary.skipped += lines - count
        if size is None:
            return True
        summary.reports += count
        tally = self.tallies.of(self.default)
        tally.note_source(self.name, "report-lines")
        # Column by column, in C: no per-line Python and no transposed copy of the matches.
        total = sum(map(int, filter(None, map(_BILLED, matches))))
        used = Counter(filter(None, map(_USED, matches)))
        stamps = list(filter(None, map(_STAMP, matches)))
        tails = list(filter(_TAIL, matches))
        for match in tails:
            total += int(match[5])
            used[match[6]] += 1
            if match[3]:
                stamps.append(match[3])
            self._tail(tally, match[7], int(match[5]), Decimal(match[4]))
        tally.invocations += count
        tally.billed_ms += total
        tally.count_memory(int(size.group(1)), count, total)
        for mb, times in used.items():
            tally.max_used[int(mb)] += times
        if stamps:
            _days(tally, stamps)
        return True

    @staticmethod
    def _tail(tally: Tally, tail: str, billed_ms: int, duration_ms: Decimal) -> None:
        """What follows Max Memory Used on a well-formed line (the line itself is counted already)."""
        fields = read_fields(tail)
        try:
            extra = invocation({**fields, "Billed Duration": str(billed_ms), "Memory Size": "1"}, None)
        except Malformed:
            return  # the line's own figures are good; an unreadable extra (an X-Ray id) adds nothing
        extra.duration_ms = duration_ms
        tally.add_extras(extra)

    def line(self, text: str, number: int) -> None:
        """One line, read by its field names (the slow path)."""
        self.summary.lines += 1
        if self.pending is not None:
            if FIELD_LINE.match(text) and "REPORT" not in text:
                self.pending[1].update(read_fields(text))
                return
            self._settle()
        at = text.find("REPORT")
        if at >= 0 and not text.startswith("INIT_REPORT", at - 5 if at >= 5 else 0):
            group = LOG_GROUP.search(text)
            fields = read_fields(text[at:])
            if not fields and text[at:].strip() != "REPORT":
                self.summary.skipped += 1  # the word in a function's own output, not a REPORT record
                return
            when = line_time(text, at)
            self.pending = (number, fields, when, group.group(1) if group else self.default)
            if "Billed Duration" not in fields or "Memory Size" not in fields:
                return  # perhaps a record with one field a line: the next lines complete it
            self._settle()
        elif _TIMED_OUT in text:
            self.summary.skipped += 1
            match = _REQUEST_ID.search(text)
            group = LOG_GROUP.search(text)
            function = group.group(1) if group else self.default
            if match:
                self.timed_out[match.group(1)] = function
            else:
                self.summary.timeouts_without_report += 1
        elif '"platform.' in text and "{" in text:
            try:
                event = loads(text[text.index("{"):])
            except ValueError:
                self.summary.skipped += 1
                return
            self.summary.lines -= 1  # add_event counts the record as a line
            group = LOG_GROUP.search(text[:text.index("{")])
            add_event(event, group.group(1) if group else self.default, number, self.tallies, self.summary)
        else:
            self.summary.skipped += 1

    def event(self, message: str, number: int, when: dt.datetime | None, group: str | None) -> None:
        """A log event from a JSON export: its message is a line; its timestamp is the event's."""
        default = self.default
        if group:
            found = LOG_GROUP.search(group)
            self.default = found.group(1) if found else default
        if when is not None and "REPORT" in message and parse_time(message[:message.find("REPORT")]) is None:
            message = f"{when.isoformat()} {message}"
        self.line(message, number)
        self._settle()
        self.default = default

    def _settle(self) -> None:
        """Count the REPORT record read so far (one line, or several), or report it as malformed."""
        if self.pending is None:
            return
        number, fields, when, function = self.pending
        self.pending = None
        try:
            record = invocation(fields, when)
        except Malformed as problem:
            self.summary.malformed_line(number, f"REPORT line not counted: {problem}")
            return
        self._count(record, function)

    def _count(self, record: Invocation, function: str) -> None:
        if record.request_id is not None and record.request_id in self.timed_out:
            del self.timed_out[record.request_id]
            if record.status is None:
                record.status = "timeout"
        tally = self.tallies.of(function)
        tally.add(record)
        tally.note_source(self.name, "report-lines")
        self.summary.reports += 1

    def finish(self) -> None:
        self._settle()
        # A timeout whose REPORT line is not in this input: it was billed, but its line is elsewhere.
        self.summary.timeouts_without_report += len(self.timed_out)
        self.timed_out.clear()
