"""CloudFormation Conditions evaluated offline: a resource whose condition is false with the parameters' defaults
does not exist, so it is not drafted."""

from __future__ import annotations

from typing import Any

# Conditions can name each other; a chain this deep is not a template anyone writes, and it stops cycles.
_MAX_DEPTH = 50


class Conditions:
    """A template's Conditions, with the parameters' defaults as the values (pseudo parameters are unknown)."""

    def __init__(self, conditions: Any, parameters: Any) -> None:
        self._conditions: dict[str, Any] = conditions if isinstance(conditions, dict) else {}
        given = parameters if isinstance(parameters, dict) else {}
        self._defaults: dict[str, Any] = {
            name: parameter["Default"] for name, parameter in given.items()
            if isinstance(parameter, dict) and "Default" in parameter
        }

    def holds(self, name: Any) -> bool | None:
        """True or False when the condition can be evaluated offline; None when it depends on deploy time."""
        return self._condition(name, 0)

    def _condition(self, name: Any, depth: int) -> bool | None:
        if not isinstance(name, str) or name not in self._conditions or depth > _MAX_DEPTH:
            return None
        return self._truth(self._conditions[name], depth + 1)

    def _truth(self, expression: Any, depth: int) -> bool | None:
        if isinstance(expression, bool):
            return expression
        if not isinstance(expression, dict) or len(expression) != 1 or depth > _MAX_DEPTH:
            return None
        ((function, argument),) = expression.items()
        if function == "Condition":
            return self._condition(argument, depth)
        if function == "Fn::Not" and isinstance(argument, list) and len(argument) == 1:
            inner = self._truth(argument[0], depth + 1)
            return None if inner is None else not inner
        if function in ("Fn::And", "Fn::Or") and isinstance(argument, list) and argument:
            values = [self._truth(item, depth + 1) for item in argument]
            if function == "Fn::And":
                return False if False in values else None if None in values else True
            return True if True in values else None if None in values else False
        if function == "Fn::Equals" and isinstance(argument, list) and len(argument) == 2:
            left, right = (self._value(item) for item in argument)
            if left is _UNKNOWN or right is _UNKNOWN:
                return None
            return str(left) == str(right)
        return None

    def _value(self, item: Any) -> Any:
        """A literal or a parameter's default; anything else is known only at deploy time."""
        if isinstance(item, (str, int, float, bool)):
            return str(item).lower() if isinstance(item, bool) else item
        if isinstance(item, dict) and len(item) == 1 and isinstance(item.get("Ref"), str):
            return self._defaults.get(item["Ref"], _UNKNOWN)
        return _UNKNOWN


_UNKNOWN = object()
