"""XLSForm expressions (relevant, constraint, calculate, flag rules) evaluated with elementpath.

The answers become an XML instance (/data/group/question, as in the XForm); `${name}` references
become paths to the question's element, and the few ODK functions the shipped forms use are
registered on an XPath 1.0 parser. JavaRosa follows XPath 1.0: an empty answer compared with a
number is NaN (false), not an error, and dates compare as days since 1970; the comparison and
arithmetic operators below follow those rules.
"""

import math
import operator
import re
from copy import copy
from datetime import date
from decimal import Decimal
from functools import lru_cache

from elementpath import ElementPathError, XPath1Parser, XPathContext
from elementpath.xpath_nodes import XPathNode

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EPOCH = date(1970, 1, 1)
REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.\-]*)\}")


class ExpressionError(Exception):
    """An expression that does not parse, uses an unknown function or refers to an unknown question."""


class OdkParser(XPath1Parser):
    """XPath 1.0 with the ODK functions used by XLSForms (own symbol table: elementpath stays untouched)."""

    symbol_table = dict(XPath1Parser.symbol_table)
    tokenizer = None


method = OdkParser.method
function = OdkParser.function


def to_number(token, value) -> float:
    """XPath 1.0 number(), with ISO dates as days since 1970 (as JavaRosa does)."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    text = token.string_value(value).strip() if value is not None else ""
    if ISO_DATE.match(text):
        try:
            return float((date.fromisoformat(text) - EPOCH).days)
        except ValueError:
            return math.nan
    try:
        return float(text)
    except ValueError:
        return math.nan


def _argument_value(token, context):
    """A function argument as a plain value: a node becomes its string value."""
    value = token.evaluate(copy(context))
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, XPathNode):
        return token.string_value(value)
    return value


def _string_argument(function_token, context, index: int) -> str:
    return function_token.string_value(_argument_value(function_token[index], context))


@method(function("selected", nargs=2))
def evaluate__selected(self, context=None):
    return _string_argument(self, context, 1).strip() in _string_argument(self, context, 0).split()


@method(function("count-selected", nargs=1))
def evaluate__count_selected(self, context=None):
    return len(_string_argument(self, context, 0).split())


@method(function("selected-at", nargs=2))
def evaluate__selected_at(self, context=None):
    values = _string_argument(self, context, 0).split()
    index = to_number(self, _argument_value(self[1], context))
    return values[int(index)] if not math.isnan(index) and 0 <= index < len(values) else ""


@method(function("if", nargs=3))
def evaluate__if(self, context=None):
    condition = self.boolean_value(self[0].select(copy(context)))
    return _argument_value(self[1] if condition else self[2], context)


@method(function("coalesce", nargs=2))
def evaluate__coalesce(self, context=None):
    first = _string_argument(self, context, 0)
    return first if first != "" else _string_argument(self, context, 1)


@method(function("today", nargs=0))
def evaluate__today(self, context=None):
    from django.utils import timezone

    return timezone.localdate().isoformat()


@method(function("int", nargs=1))
def evaluate__int(self, context=None):
    value = to_number(self, _argument_value(self[0], context))
    return value if math.isnan(value) or math.isinf(value) else float(int(value))


@method(function("regex", nargs=2))
def evaluate__regex(self, context=None):
    try:
        return re.search(_string_argument(self, context, 1), _string_argument(self, context, 0)) is not None
    except re.error as exc:
        raise self.error("FORX0002", str(exc)) from None


COMPARISONS = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def _atoms(token, context) -> list:
    value = token.evaluate(copy(context))
    items = value if isinstance(value, list) else [value]
    return [token.string_value(item) if isinstance(item, XPathNode) else item for item in items]


def _is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _compare(self, context=None):
    """XPath 1.0 general comparison: booleans, then numbers, then strings; NaN is never equal."""
    op = COMPARISONS[self.symbol]
    left, right = _atoms(self[0], context), _atoms(self[1], context)
    if any(isinstance(v, bool) for v in left + right):
        return op(self.boolean_value(left), self.boolean_value(right))
    numeric = self.symbol not in ("=", "!=") or any(_is_number(v) for v in left + right)
    if numeric:
        pairs = ((to_number(self, a), to_number(self, b)) for a in left for b in right)
        return any(op(a, b) for a, b in pairs if not (math.isnan(a) or math.isnan(b)) or self.symbol == "!=")
    return any(op(str(a), str(b)) for a in left for b in right)


ARITHMETIC = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "div": operator.truediv,
    "mod": math.fmod,
}


def _arithmetic(base):
    def evaluate(self, context=None):
        if len(self) != 2:  # unary minus, or '*' as a name wildcard
            if self.symbol == "-" and len(self) == 1:
                return -to_number(self, _argument_value(self[0], context))
            return base.evaluate(self, context)
        a = to_number(self, _argument_value(self[0], context))
        b = to_number(self, _argument_value(self[1], context))
        try:
            return ARITHMETIC[self.symbol](a, b)
        except ZeroDivisionError:
            return math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a)

    return evaluate


for _symbol in COMPARISONS:
    _base = OdkParser.symbol_table[_symbol]
    OdkParser.symbol_table[_symbol] = type(_base.__name__, (_base,), {"evaluate": _compare, "__module__": __name__})
for _symbol in ARITHMETIC:
    _base = OdkParser.symbol_table[_symbol]
    OdkParser.symbol_table[_symbol] = type(
        _base.__name__, (_base,), {"evaluate": _arithmetic(_base), "__module__": __name__}
    )


def references(expression: str) -> list[str]:
    """The question names an expression refers to with ${name}."""
    return REFERENCE.findall(expression or "")


@lru_cache(maxsize=4096)
def compile_expression(xpath: str):
    """Parse an XPath (references already replaced by paths); raises ExpressionError."""
    try:
        return OdkParser().parse(xpath)
    except ElementPathError as exc:
        raise ExpressionError(_clean_message(exc)) from exc
    except (SyntaxError, ValueError, TypeError) as exc:
        raise ExpressionError(str(exc)) from exc


def _clean_message(exc: Exception) -> str:
    """elementpath's message without its error-code prefix, e.g. "unknown function 'foo'"."""
    message = str(exc)
    match = re.search(r"\[err:[A-Z0-9]+\]\s*(.*)$", message, re.S)
    return match.group(1) if match else message


def evaluate(xpath: str, root, item=None):
    """Evaluate a compiled expression with `item` (an element of the instance) as the context node."""
    token = compile_expression(xpath)
    context = XPathContext(root, item=item) if item is not None else XPathContext(root)
    try:
        return token, token.evaluate(context)
    except ElementPathError as exc:
        raise ExpressionError(_clean_message(exc)) from exc
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise ExpressionError(str(exc)) from exc


def evaluate_boolean(xpath: str, root, item=None) -> bool:
    token, value = evaluate(xpath, root, item)
    if isinstance(value, float) and math.isnan(value):
        return False
    try:
        return token.boolean_value(value)
    except ElementPathError as exc:
        raise ExpressionError(_clean_message(exc)) from exc


def evaluate_value(xpath: str, root, item=None):
    """A calculate's result: a number (int when whole), a string, or None when empty or NaN."""
    token, value = evaluate(xpath, root, item)
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, XPathNode):
        value = token.string_value(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return None
        return int(number) if number.is_integer() else number
    if value is None or value == "":
        return None
    return str(value)
