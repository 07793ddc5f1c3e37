"""A large workload read by a second process (stages/readahead.py): the same estimate and refusals, no child left."""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import ROOT
from hypothesis import given

from lambda_cost.errors import InputError, LoadError
from lambda_cost.stages import estimate_source, readahead
from lambda_cost.stages.load import Source

sys.path.insert(0, str(ROOT / "tests" / "fuzz"))
from fuzz_kit import EXAMPLES, FUZZ, mutated_yaml

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the file is read ahead on Linux only"),
    # Python 3.12+ warns of a fork beside native threads, which the test process may hold (see spy).
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]

FUNCTION = """\
  - name: fn-{n}
    memory_mb: {memory}
    duration_ms: 120
    invocations:
      - type: sync
        per_month: 1000000
"""


def workload(count: int, *, top: str = "version: 1\nregion: us-east-1\n", memory: Any = 512,
             bad: dict[int, str] | None = None, tail: str = "") -> str:
    """`count` functions after `top`; `bad` replaces the memory of some of them."""
    bad = bad or {}
    items = "".join(FUNCTION.format(n=n, memory=bad.get(n, memory)) for n in range(count))
    return f"{top}functions:\n{items}{tail}"


def generate_workload(size: int) -> str:
    """bench/run.py's workload of `size` functions (every invocation type, both architectures, three regions)."""
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.setdefault("bench_run", importlib.util.module_from_spec(spec))
    if not hasattr(module, "generate_workload"):
        spec.loader.exec_module(module)
    text: str = module.generate_workload(size)
    return text


def outcome(text: str) -> Any:
    """The estimate of `text`, or the refusal's message and problems."""
    try:
        return estimate_source(Source("w.yaml", text))
    except InputError as error:
        return type(error).__name__, error.message, error.problems


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Reads ahead every file; records what each reader did: "read ahead", "whole", "read again".

    The test process may hold native threads (DuckDB's pool, from the bill tests), beside which lambda-cost does not
    fork: here it forks anyway, as it does in a command's single-threaded process (the child only reads YAML).
    """
    monkeypatch.setattr(readahead, "STREAM_FROM", 0)
    monkeypatch.setattr(readahead, "_threads", lambda: 1)
    seen: list[str] = []
    start, functions = readahead.read_ahead, readahead.ReadAhead.functions

    def read_ahead(source: Source) -> readahead.ReadAhead | None:
        reader = start(source)
        if reader is not None:
            seen.append("whole" if reader.whole is not None else "read ahead")
        return reader

    def streamed(self: readahead.ReadAhead) -> Iterator[Any]:
        try:
            yield from functions(self)
        except readahead.ReadAgain:
            seen.append("read again")
            raise

    monkeypatch.setattr(readahead, "read_ahead", read_ahead)
    monkeypatch.setattr(readahead.ReadAhead, "functions", streamed)
    yield seen
    with pytest.raises(ChildProcessError):  # every child was reaped
        os.waitpid(-1, os.WNOHANG)


def in_one_process(text: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as patched:
        patched.setattr(readahead, "STREAM_FROM", sys.maxsize)
        return outcome(text)


def test_a_large_generated_workload_is_estimated_the_same(spy: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    text = generate_workload(700)  # three batches and part of a fourth
    assert outcome(text) == in_one_process(text, monkeypatch)
    assert spy == ["read ahead"]


def test_problems_in_several_batches_are_all_found_and_located(spy: list[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    text = workload(600, bad={0: "99999", 300: "'lots'", 599: "64"})
    read = outcome(text)
    assert read == in_one_process(text, monkeypatch)
    assert read[0] == "WorkloadError"
    assert [(problem.path[:3], problem.line) for problem in read[2]] == [
        (("functions", 0, "memory_mb"), 5), (("functions", 300, "memory_mb"), 1805),
        (("functions", 599, "memory_mb"), 3599)]
    assert spy == ["read ahead"]


def test_a_yaml_error_after_streamed_functions_refuses_the_file_alone(spy: list[str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # functions[0] is invalid too, and was validated before the child reached the error: only the error is told.
    text = workload(400, bad={0: "99999"}) + "  - name: [unclosed\n"
    read = outcome(text)
    assert read == in_one_process(text, monkeypatch)
    assert read[0] == "LoadError" and len(read[2]) == 1 and read[2][0].line > 2400  # after every function
    assert spy == ["read ahead"]


def test_a_duplicate_name_across_batches_and_a_budget_naming_functions(spy: list[str],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    text = workload(300).replace("name: fn-299", "name: fn-3")
    text = text.replace("functions:\n", "budget:\n  functions:\n    fn-3: 5\n    nowhere: 5\nfunctions:\n")
    read = outcome(text)
    assert read == in_one_process(text, monkeypatch)
    assert {problem.path for problem in read[2]} == {("functions", 299, "name"), ("budget", "functions", "nowhere")}


def test_anchors_aliases_and_merge_keys_across_functions(spy: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "version: 1\nregion: us-east-1\nfunctions:\n"
        "  - &base\n    name: a\n    memory_mb: 256\n    duration_ms: 50\n"
        "    invocations: &sources\n      - type: sync\n        per_month: 5000000\n"
        "  - <<: *base\n    name: b\n    memory_mb: 2048\n"
        "  - name: c\n    memory_mb: 128\n    duration_ms: 10\n    invocations: *sources\n"
    )
    assert outcome(text) == in_one_process(text, monkeypatch)
    assert spy == ["read ahead"]


@pytest.mark.parametrize(("text", "read"), [
    ("version: 1\nregion: us-east-1\nfunctions:\n  []\n", "whole"),  # nothing to stream
    ("version: 1\nfunctions:\n  &all [{name: a}]\n", "whole"),  # an anchored list is not streamed
    ("version: 1\nfunctions:\n  name: a\n", "whole"),  # a mapping
    ("functions:\n- name: a\n  memory_mb: 128\n  duration_ms: 1\n  invocations: [{type: sync, per_month: 1}]\n",
     "read ahead"),
])
def test_files_with_or_without_a_list_to_stream(text: str, read: str, spy: list[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert outcome(text) == in_one_process(text, monkeypatch)
    assert spy == [read]


_FLOW_FUNCTION = "[{name: a, memory_mb: 128, duration_ms: 1, invocations: [{type: sync, per_month: 1}]}]"


@pytest.mark.parametrize(("text", "region"), [
    # A flow mapping can hold a key after `functions` on an indented line, which the look at the text misses.
    (f"{{version: 1,\nfunctions:\n  {_FLOW_FUNCTION},\n  region: eu-west-1}}\n", "eu-west-1"),
    # The merge gives eu-west-1 before the list and the key after it overrides that: the same keys, another value.
    (f"{{<<: {{region: eu-west-1}}, version: 1,\nfunctions:\n  {_FLOW_FUNCTION},\n  region: us-west-2}}\n",
     "us-west-2"),
])
def test_a_top_level_key_after_the_list_reads_the_file_again(text: str, region: str, spy: list[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    read = outcome(text)
    assert read == in_one_process(text, monkeypatch)
    assert read.functions[0].usage.region == region
    assert spy == ["read ahead", "read again"]


def test_a_child_that_fails_leaves_the_reading_to_this_process(spy: list[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("the child fails")

    text = workload(3)
    expected = outcome(text)
    assert spy == ["read ahead"]  # the file is read ahead while the child is well
    monkeypatch.setattr(readahead, "parse", broken)  # in the child only: the runner imports load.parse itself
    assert outcome(text) == expected == in_one_process(text, monkeypatch)
    assert spy == ["read ahead"]  # no reader the second time: the file was read in this process


def test_without_a_process_to_spare_the_file_is_read_in_this_one(spy: list[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    text = workload(3)
    expected = in_one_process(text, monkeypatch)
    open_before = len(os.listdir("/proc/self/fd"))
    monkeypatch.setattr(os, "fork", no_fork)
    assert outcome(text) == expected
    assert spy == [] and len(os.listdir("/proc/self/fd")) == open_before  # the pipe was closed


def test_with_sigchld_ignored_the_child_is_reaped_by_the_system(spy: list[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    text = workload(300)
    expected = in_one_process(text, monkeypatch)
    before = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        assert outcome(text) == expected
    finally:
        signal.signal(signal.SIGCHLD, before)
    assert spy == ["read ahead"]


def test_a_yaml_error_before_the_list_is_the_same_refusal(spy: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    text = "version: 1\nregion: [us-east-1\nfunctions:\n  - name: a\n"
    read = outcome(text)
    assert read == in_one_process(text, monkeypatch)
    assert read[0] == LoadError.__name__
    assert spy == []  # refused while the reader started


@pytest.mark.parametrize(("text", "last"), [
    ("version: 1\nfunctions:\n  - name: a\n", True),
    ("functions:  # the list\n- name: a\n# a comment\n", True),
    ("version: 1\nfunctions:\n  - name: a\nregion: x\n", False),
    ("version: 1\nfunctions:\n  - name: a\n...\n", False),
    ("version: 1\n  functions:\n", False),
    ("version: 1\n", False),
])
def test_which_files_are_read_ahead(text: str, last: bool) -> None:
    assert readahead._functions_last(text) is last


def test_no_fork_beside_another_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readahead, "STREAM_FROM", 0)
    before = readahead._threads()
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert readahead._threads() == before + 1  # counted by the system, native threads too
        assert readahead.read_ahead(Source("w.yaml", workload(2))) is None
    finally:
        release.set()
        other.join()
    monkeypatch.setattr(readahead, "_threads", lambda: 1)
    reader = readahead.read_ahead(Source("w.yaml", workload(2)))
    assert reader is not None
    reader.close()


@FUZZ
@given(mutated_yaml([path for path in EXAMPLES if readahead._functions_last(path.read_text())]))
def test_any_workload_is_read_the_same_either_way(raw: bytes) -> None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return  # refused before it is parsed, in either way
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(readahead, "STREAM_FROM", 0)
        patched.setattr(readahead, "_threads", lambda: 1)  # as in a command's process (see spy)
        read = outcome(text)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(readahead, "STREAM_FROM", sys.maxsize)
        assert read == outcome(text)
