"""Locating problems in one pass over the events gives the positions the node tree gives, whatever the document."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_cost.stages.load import Source, locate, locate_all, node_tree

KEYS = st.sampled_from(["name", "memory_mb", "invocations", "type", "a", "b", "1", "true", "x y"])
SCALARS = st.one_of(st.integers(-5, 5), st.booleans(), st.none(), st.sampled_from(["text", "", "3M", "a: b"]))
DOCUMENTS = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=4)),
    max_leaves=25,
)
PARTS = st.one_of(KEYS, st.integers(-1, 5))


def _on_tree(text: str, paths: list[tuple[Any, ...]]) -> list[tuple[int, int] | None]:
    tree = node_tree(Source("w.yaml", text))
    return [locate(tree, path) for path in paths]


@settings(max_examples=400, deadline=None)
@given(document=DOCUMENTS, flow=st.sampled_from([False, True, None]), paths=st.lists(st.lists(PARTS, max_size=4),
                                                                                     max_size=6))
def test_the_event_walk_finds_what_the_node_tree_finds(document: Any, flow: bool | None,
                                                         paths: list[list[Any]]) -> None:
    text = yaml.safe_dump(document, default_flow_style=flow, sort_keys=False)
    wanted = [tuple(path) for path in paths] + [()]
    assert locate_all(Source("w.yaml", text), wanted) == _on_tree(text, wanted)


def test_duplicate_keys_comments_and_empty_documents_are_located_as_on_the_tree() -> None:
    cases = {
        "a: 1\na: {b: 2}\nc: [x, {d: 3}]\n": [("a",), ("a", "b"), ("c", 1, "d"), ("c", 5), ("z",)],
        "# only a comment\n": [(), ("a",)],
        "---\n": [(), ("a",)],
        "? [complex, key]\n: value\nplain: 1\n": [("plain",), ("complex",)],
        "- a\n- b: [1, 2]\n": [(1, "b", 1), (0,), (2,)],
        "a: 1\n---\nb: 2\n": [("a",), ()],  # two documents: the tree is refused
        "a: *missing\n": [("a",), ()],  # an alias without its anchor: the tree is refused
        "a: &one {b: 1}\nc: *one\n": [("c", "b"), ("a", "b")],  # anchors: located on the tree itself
    }
    for text, paths in cases.items():
        assert locate_all(Source("w.yaml", text), paths) == _on_tree(text, paths), text
