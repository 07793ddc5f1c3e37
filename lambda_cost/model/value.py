"""Value: the base of the core types, plain slotted classes that cost nothing at start-up."""

from __future__ import annotations

from typing import Any, TypeVar

V = TypeVar("V", bound="Value")


class Value:
    """Equality, hashing, repr and replace() from `__slots__`, as a frozen dataclass has them.

    `@dataclass` writes each class's methods as source text and execs it, about 5 M instructions a class, and a
    run of `estimate` loads some thirty such classes. A subclass instead lists its fields in `__slots__` and
    writes its `__init__`; these methods read the fields from `__slots__`. A value is never changed
    once made: replace() makes a changed copy.
    """

    __slots__: tuple[str, ...] = ()

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Value) or type(other) is not type(self):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"

    def replace(self: V, **changes: Any) -> V:
        """A copy with some fields changed, like dataclasses.replace."""
        unknown = changes.keys() - set(self.__slots__)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(sorted(unknown))}")
        copy = object.__new__(type(self))
        for name in self.__slots__:
            setattr(copy, name, changes[name] if name in changes else getattr(self, name))
        return copy
