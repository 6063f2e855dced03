"""Money formatting and layout numbering: computed once, printed the way each form wants."""
from decimal import Decimal

import pytest

from perfgen.model.amounts import format_percent, format_wan, format_yuan
from perfgen.model.layout import chinese_number


@pytest.mark.parametrize("yuan, wan", [("4072570", "407.257"), ("520914.00", "52.0914"), ("500000", "50"),
                                       ("51200", "5.12"), ("145000", "14.5"), ("1", "0.0001")])
def test_wan(yuan: str, wan: str) -> None:
    assert format_wan(Decimal(yuan)) == wan


def test_yuan_two_decimals_and_zero_display() -> None:
    assert format_yuan(Decimal("115000")) == "115000.00"
    assert format_yuan(Decimal("0"), zero="0") == "0"
    assert format_yuan(Decimal("0"), zero="") == ""


def test_percent_decimals() -> None:
    assert format_percent(Decimal(25), 2) == "25.00%"
    assert format_percent(Decimal(25), 0) == "25%"


@pytest.mark.parametrize("n, cn", [(1, "一"), (10, "十"), (11, "十一"), (15, "十五"), (20, "二十"), (21, "二十一"), (99, "九十九")])
def test_chinese_numbers(n: int, cn: str) -> None:
    assert chinese_number(n) == cn
