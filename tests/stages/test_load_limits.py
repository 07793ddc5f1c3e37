"""The load stage on hostile YAML: scalars that resolve but do not build, caps on bytes, values, depth and aliases."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from lambda_cost.errors import LoadError
from lambda_cost.stages import load
from lambda_cost.stages.load import Source, parse, read_source


def refusal(text: str) -> str:
    """The one located problem a document gets, rendered."""
    with pytest.raises(LoadError) as caught:
        parse(Source("w.yaml", text))
    (problem,) = caught.value.problems
    assert problem.line is not None, problem
    return problem.render()


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("0b_", "'0b_' is not a number"),
        ("0x_", "'0x_' is not a number"),
        ("2024-02-30", "'2024-02-30' is not a date: February 2024 has 29 days"),
        ("2024-13-01", "'2024-13-01' is not a date: a month is 1 to 12"),
        ("0000-01-01", "'0000-01-01' is not a date: years start at 1"),
        ("2024-01-01 25:00:00", "'2024-01-01 25:00:00' is not a date and time: an hour is 0 to 23"),
        ("!!timestamp '2024-01-01 25:00:00'", "is not a date and time: an hour is 0 to 23"),
        ("!!int ''", "'' is tagged !!int but is not an integer"),
        ("!!int 1.5", "'1.5' is tagged !!int but is not an integer"),
        ("!!bool maybe", "'maybe' is tagged !!bool but is not true or false"),
        ("!!timestamp x", "'x' is tagged !!timestamp but is not a date (YYYY-MM-DD)"),
        ("!!float x", "'x' is tagged !!float but is not a number"),
        ("!!null x", "'x' is tagged !!null but is not empty (null)"),
        ("!!merge x", "is tagged !!merge"),
    ],
)
def test_a_scalar_that_resolves_but_does_not_build_is_refused_where_it_is(value: str, said: str) -> None:
    rendered = refusal(f"version: 1\nper_month: {value}\n")
    assert rendered.startswith("w.yaml:2:12: "), rendered
    assert said in rendered


def test_sexagesimal_and_octal_numbers_still_read() -> None:
    assert parse(Source("w.yaml", "a: 1:30\nb: 010\nc: !!int '0x1F'\n")) == {"a": 90, "b": 8, "c": 31}


def test_a_file_over_the_cap_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:  # sparse: no disk used
        handle.truncate(load.MAX_BYTES + 1)

    def never(*args: object) -> bytes:
        raise AssertionError("read")

    monkeypatch.setattr(load, "_read_limited", never)
    started = time.perf_counter()
    with pytest.raises(LoadError) as caught:
        read_source(str(big))
    assert time.perf_counter() - started < 1
    assert "larger than 256 MiB" in caught.value.message


def test_standard_input_over_the_cap_is_read_no_further(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "MAX_BYTES", 1000)
    read: list[int] = []

    class Endless:
        def read(self, size: int) -> bytes:
            read.append(size)
            return b"a" * size

    class Stdin:
        buffer = Endless()

    monkeypatch.setattr("sys.stdin", Stdin())
    with pytest.raises(LoadError, match="larger than"):
        read_source("-")
    assert sum(read) == 1001


def test_a_fifo_is_still_read_as_a_workload(tmp_path: Path) -> None:
    fifo = tmp_path / "w.yaml"
    os.mkfifo(fifo)
    # The writer is a thread, not a forked process: the test process may hold native threads (DuckDB's), beside
    # which a fork is unsafe (and Python 3.12+ warns of it).
    writer = threading.Thread(target=fifo.write_text, args=("version: 1\n",))
    writer.start()
    assert read_source(str(fifo)).text == "version: 1\n"
    writer.join()


def test_a_merge_key_bomb_is_refused_while_it_is_built() -> None:
    lines = ["a0: &a0 {k: 1, j: 2}"]
    for level in range(1, 40):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} {{<<: [{previous}], x: [{previous}, {previous}, {previous}]}}")
    text = "\n".join(lines) + "\n"
    assert len(text) < 5000
    started = time.perf_counter()
    rendered = refusal(text)
    assert time.perf_counter() - started < 5
    assert "aliases expand to more than 5,000,000 values" in rendered


def test_a_list_of_too_many_values_is_refused_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "MAX_NODES", 1000)
    rendered = refusal("x: [" + "1, " * 2000 + "1]\n")
    assert rendered.startswith("w.yaml:1:")
    assert "more than 1,000 values" in rendered


def test_a_recursive_alias_is_refused() -> None:
    assert "inside its own anchor" in refusal("a: &x [1, *x]\n")


@pytest.mark.parametrize("opening", ["[", "{a: ", "- "])
def test_deep_nesting_is_refused_where_it_gets_too_deep(opening: str) -> None:
    text = "".join("  " * depth + "-\n" for depth in range(5000)) if opening == "- " else opening * 100_000
    rendered = refusal(text)
    assert f"nested more than {load.MAX_DEPTH} levels deep" in rendered


def test_a_non_utf8_file_name_is_reported_in_text(tmp_path: Path) -> None:
    name = os.fsdecode(bytes(tmp_path) + b"/w\xff.yaml")
    Path(name).write_text("version: 1\n")
    source = read_source(name)
    assert source.name.endswith("w\\xff.yaml")
    source.name.encode("utf-8")  # no lone surrogate left
    with pytest.raises(LoadError) as caught:
        read_source(name + ".missing")
    caught.value.message.encode("utf-8")
