"""NT$ amounts: integers, printed the way these forms print them.

Amounts are whole New Taiwan dollars, grouped by thousands with a comma
(``12,345``): Python's own ``,`` format, which no locale changes. (Babel's
zh_Hant_TW currency format gives ``$15,000.00``, which is wrong here.)
"""

from __future__ import annotations

from decimal import Decimal
from numbers import Number

_DIGITS = "零壹貳參肆伍陸柒捌玖"
_SMALL = ["", "拾", "佰", "仟"]
_GROUPS = ["", "萬", "億", "兆"]


def _whole(amount: int | float | Decimal) -> int:
    """The amount as an int; a fraction of a dollar is refused, never rounded away."""
    if isinstance(amount, bool) or not isinstance(amount, Number):
        raise TypeError(f"an amount must be a number, not {type(amount).__name__}")
    if isinstance(amount, int):
        return amount
    if isinstance(amount, float) and amount.is_integer():
        return int(amount)
    if isinstance(amount, Decimal) and amount.is_finite() and amount == amount.to_integral_value():
        return int(amount)
    raise ValueError(f"amounts are whole New Taiwan dollars, not {amount!r}")


def grouped(amount: int) -> str:
    """``12,345``; ``-1,200`` for a negative amount."""
    return f"{_whole(amount):,}"


def nt_long(amount: int) -> str:
    """``新臺幣 12,345 元``."""
    return f"新臺幣 {grouped(amount)} 元"


def nt_short(amount: int) -> str:
    """``NT$12,345``."""
    return f"NT${grouped(amount)}"


def _four(n: int) -> str:
    """Capital numerals for 0 < n < 10000, with 零 for inner gaps."""
    out, zero = [], False
    for pos in range(3, -1, -1):
        digit = n // 10**pos % 10
        if digit:
            if zero:
                out.append("零")
            out.append(_DIGITS[digit] + _SMALL[pos])
            zero = False
        elif out:
            zero = True
    return "".join(out)


def capital_numerals(amount: int) -> str:
    """Chinese capital numerals as written on cheques and quotes.

    >>> capital_numerals(117200)
    '壹拾壹萬柒仟貳佰'
    """
    amount = _whole(amount)
    if amount < 0:
        raise ValueError("amount must not be negative")
    if amount == 0:
        return "零"
    groups = []
    n = amount
    while n:
        groups.append(n % 10000)
        n //= 10000
    if len(groups) > len(_GROUPS):
        raise ValueError("amount too large")
    out: list[str] = []
    pending_zero = False
    for idx in range(len(groups) - 1, -1, -1):
        g = groups[idx]
        if g == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or g < 1000):
            out.append("零")
        text = _four(g)
        # 壹拾 rather than 拾 at the head of a group, as formal amounts write it.
        out.append(text + _GROUPS[idx])
        pending_zero = False
    return "".join(out)


def in_words(amount: int) -> str:
    """``新臺幣壹拾壹萬柒仟貳佰元整``."""
    return f"新臺幣{capital_numerals(amount)}元整"
