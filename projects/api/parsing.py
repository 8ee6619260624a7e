"""Request bodies: JSON nested deeper than any resource needs is refused before it reaches Python's recursion limit."""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# The deepest body a resource takes is an object holding a list of ids; this leaves room for clients' extras.
MAX_DEPTH = 32


def nesting(data) -> int:
    """How deeply lists and objects nest in `data`, counted without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is not None:
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
            stack.extend((child, depth + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = f"JSON parse error - the body nests lists or objects more than {MAX_DEPTH} deep."
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(too_deep) from None
        if nesting(data) > MAX_DEPTH:
            raise ParseError(too_deep)
        return data
