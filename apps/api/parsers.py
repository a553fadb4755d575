"""JSON bodies, parsed with a bound on their nesting.

No body this API takes is nested more than three levels deep. Python's parser recurses once
per level, so 100,000 nested `[` ran it out of stack (a RecursionError: a 500, for anyone,
the token endpoint included). A body nested deeper than MAX_DEPTH is refused as a parse error,
whether the parser gave up on it or not.
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


class DepthLimitedJSONParser(JSONParser):
    """REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]: DRF's JSON parser, refusing deep nesting."""

    max_depth = MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise self._too_deep() from None
        if nested_deeper_than(data, self.max_depth):
            raise self._too_deep()
        return data

    def _too_deep(self) -> ParseError:
        return ParseError(
            f"The JSON body is nested too deep (more than {self.max_depth} levels of arrays and "
            "objects). Send the fields as one flat object, as the API documentation shows.",
            code="parse_error",
        )


def nested_deeper_than(data, limit: int) -> bool:
    """Whether arrays and objects in `data` nest more than `limit` levels (the outermost is 1).
    Walked with a stack of its own, so depth costs no recursion."""
    stack = [(data, 1)] if isinstance(data, dict | list) else []
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
