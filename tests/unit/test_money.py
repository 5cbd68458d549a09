"""NT$ amounts: grouped digits, 新臺幣 … 元, and Chinese capital numerals (大寫)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from formkit.money import capital_numerals, grouped, in_words, nt_long, nt_short

_DIGITS = "零壹貳參肆伍陸柒捌玖"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "0"),
        (7, "7"),
        (999, "999"),
        (1000, "1,000"),
        (12345, "12,345"),
        (1234567, "1,234,567"),
        (1000000000, "1,000,000,000"),
    ],
)
def test_grouped_puts_a_comma_every_three_digits(amount, expected):
    assert grouped(amount) == expected


def test_nt_long_is_the_form_spelling_with_spaces():
    assert nt_long(12345) == "新臺幣 12,345 元"
    assert nt_long(0) == "新臺幣 0 元"


def test_nt_short_is_nt_dollar_sign_without_decimals():
    assert nt_short(12345) == "NT$12,345"
    assert nt_short(15000) == "NT$15,000"  # Babel's currency format would give $15,000.00


def test_amount_formatters_accept_whole_floats_and_decimals():
    assert grouped(12345.0) == "12,345"
    assert grouped(Decimal("12345")) == "12,345"
    assert grouped(Decimal("12345.00")) == "12,345"
    assert capital_numerals(117200.0) == "壹拾壹萬柒仟貳佰"


@pytest.mark.parametrize(
    "amount", [1234.5, Decimal("0.5"), float("nan"), float("inf"), Decimal("Infinity")]
)
def test_amount_formatters_refuse_fractions_of_a_dollar_rather_than_round(amount):
    with pytest.raises(ValueError, match="whole New Taiwan dollars"):
        grouped(amount)
    with pytest.raises(ValueError, match="whole New Taiwan dollars"):
        nt_long(amount)
    with pytest.raises(ValueError, match="whole New Taiwan dollars"):
        in_words(amount)


@pytest.mark.parametrize("amount", ["12345", None, True])
def test_amount_formatters_refuse_values_that_are_not_numbers(amount):
    with pytest.raises(TypeError):
        grouped(amount)
    with pytest.raises(TypeError):
        capital_numerals(amount)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        # The examples of the brief and the catalogue.
        (117200, "壹拾壹萬柒仟貳佰"),
        (100001, "壹拾萬零壹"),
        (1010, "壹仟零壹拾"),
        (20500000, "貳仟零伍拾萬"),
        (10, "壹拾"),
        (105000, "壹拾萬伍仟"),
        (1000500, "壹佰萬零伍佰"),
        (30000000, "參仟萬"),
        # Single digits and the units of a group.
        (1, "壹"),
        (9, "玖"),
        (11, "壹拾壹"),
        (15, "壹拾伍"),
        (20, "貳拾"),
        (100, "壹佰"),
        (101, "壹佰零壹"),
        (110, "壹佰壹拾"),
        (1000, "壹仟"),
        (1001, "壹仟零壹"),
        (1100, "壹仟壹佰"),
        (9999, "玖仟玖佰玖拾玖"),
        # 萬 groups, with 零 for each run of zeros between digits.
        (10000, "壹萬"),
        (10001, "壹萬零壹"),
        (10010, "壹萬零壹拾"),
        (10100, "壹萬零壹佰"),
        (11000, "壹萬壹仟"),
        (15000, "壹萬伍仟"),
        (100000, "壹拾萬"),
        (110000, "壹拾壹萬"),
        (1000000, "壹佰萬"),
        (1001000, "壹佰萬壹仟"),
        (10010000, "壹仟零壹萬"),
        (10000100, "壹仟萬零壹佰"),
        (12345678, "壹仟貳佰參拾肆萬伍仟陸佰柒拾捌"),
        # 億 and 兆 groups; a group that is all zeros leaves one 零.
        (100000000, "壹億"),
        (100000001, "壹億零壹"),
        (100010000, "壹億零壹萬"),
        (100100000, "壹億零壹拾萬"),
        (110000000, "壹億壹仟萬"),
        (1000000000, "壹拾億"),
        (1200000000, "壹拾貳億"),
        (1000000000000, "壹兆"),
        (1000000000001, "壹兆零壹"),
        (1000100000000, "壹兆零壹億"),
        (9999999999999999, "玖仟玖佰玖拾玖兆玖仟玖佰玖拾玖億玖仟玖佰玖拾玖萬玖仟玖佰玖拾玖"),
    ],
)
def test_capital_numerals_follow_the_formal_amount_conventions(amount, expected):
    assert capital_numerals(amount) == expected


def test_capital_numerals_of_zero_is_a_single_zero():
    assert capital_numerals(0) == "零"


def test_capital_numerals_use_the_capital_forms_only():
    text = capital_numerals(1234567890)
    assert not set(text) & set("一二三四五六七八九十百千")
    assert "參" in text  # the capital three used in Taiwan


def test_capital_numerals_refuse_negative_amounts():
    with pytest.raises(ValueError, match="negative"):
        capital_numerals(-1)


def test_capital_numerals_refuse_amounts_beyond_the_zhao_group():
    with pytest.raises(ValueError, match="too large"):
        capital_numerals(10**16)


def test_in_words_wraps_the_numerals_in_the_currency_and_zheng():
    assert in_words(117200) == "新臺幣壹拾壹萬柒仟貳佰元整"
    assert in_words(100001) == "新臺幣壹拾萬零壹元整"
    assert in_words(0) == "新臺幣零元整"


def _read_back(text: str) -> int:
    """An independent reader of capital numerals, to check every amount up to a bound."""
    small = {"拾": 10, "佰": 100, "仟": 1000}
    big = {"萬": 10**4, "億": 10**8, "兆": 10**12}
    total = section = digit = 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS.index(ch)
        elif ch in small:
            assert digit, f"{ch} without a digit before it in {text}"
            section += digit * small[ch]
            digit = 0
        elif ch in big:
            total += (section + digit) * big[ch]
            section = digit = 0
        else:
            raise AssertionError(f"unexpected character {ch!r} in {text}")
    return total + section + digit


@pytest.mark.parametrize("start", [0, 9_990, 99_990, 1_000_000, 100_000_000 - 20, 20_500_000])
def test_capital_numerals_read_back_to_the_same_amount(start):
    for amount in range(max(start, 1), start + 40):
        text = capital_numerals(amount)
        assert _read_back(text) == amount, text
        assert "零零" not in text, text
        assert not text.endswith("零"), text
        assert not text.startswith("零"), text
        assert text[0] in _DIGITS, text  # 壹拾, never a bare 拾 at the head


def test_capital_numerals_read_back_for_every_multiple_of_a_hundred_up_to_a_million():
    for amount in range(100, 1_000_001, 100):
        text = capital_numerals(amount)
        assert _read_back(text) == amount, text
        assert "零零" not in text, text
