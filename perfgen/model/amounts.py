"""Money as exact decimals in 元; 万元 is only a way of printing it."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TEN_THOUSAND = Decimal(10000)
CENT = Decimal("0.01")


def to_yuan(value: object) -> Decimal:
    """An amount from YAML (Decimal, int or numeric string) as Decimal 元."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("bool is not an amount")
    if isinstance(value, (int, str)):
        return Decimal(str(value).strip())
    raise TypeError(f"not an amount: {value!r}")


def plain(d: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 407.2570 → 407.257, 20.00 → 20."""
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    text = format(d.normalize(), "f")
    return text


def format_yuan(amount: Decimal, zero: str = "0") -> str:
    """115000 → 115000.00 (the forms print 元 with two decimals); zero prints as the layout says."""
    if amount == 0:
        return zero
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def format_wan(amount: Decimal) -> str:
    """元 to 万元 without trailing zeros: 4072570 → 407.257, 500000 → 50."""
    return plain(amount / TEN_THOUSAND)


def format_percent(value: Decimal | int, decimals: int) -> str:
    """25 → 25.00% or 25% depending on the form."""
    d = Decimal(value)
    if decimals <= 0:
        return plain(d.quantize(Decimal(1), rounding=ROUND_HALF_UP)) + "%"
    return str(d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)) + "%"
