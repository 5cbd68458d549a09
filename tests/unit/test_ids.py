"""統一編號 and 身分證統一編號 checksums, and masking of national ids.

The test numbers are built with checksums computed here, independently of
formkit.ids, from the published rules:

- 統一編號: weights 1,2,1,2,1,2,4,1; add the digits of each product; the total is
  divisible by 5 (current rule; the old rule asked for 10). When the 7th digit is
  7, its product 28 gives 2+8 = 10, which counts as either 1 or 0.
- 身分證統一編號: the letter's two-digit code (A=10 … with I=34, O=35, W=32) gives
  tens×1 + units×9; the eight middle digits are weighted 8…1 and the check digit
  1; the total is divisible by 10.
"""

from __future__ import annotations

import random

import pytest

from formkit.ids import mask_national_id, national_id_valid, ubn_valid

# --- an independent 統一編號 checksum -------------------------------------------------

_UBN_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)


def ubn_totals(number: str) -> set[int]:
    """Every total the rule allows (two when the 7th digit is 7)."""
    base = 0
    for i, (ch, w) in enumerate(zip(number, _UBN_WEIGHTS, strict=True)):
        if i == 6 and ch == "7":
            continue
        product = int(ch) * w
        base += sum(int(d) for d in str(product))
    if number[6] == "7":
        return {base + 1, base + 0}
    return {base}


def valid_old_rule(number: str) -> bool:
    return any(t % 10 == 0 for t in ubn_totals(number))


def valid_new_rule(number: str) -> bool:
    return any(t % 5 == 0 for t in ubn_totals(number))


def with_check_digits(prefix7: str) -> tuple[str, str]:
    """(old-rule number, new-rule-only number) for a 7-digit prefix without a 7th-digit 7."""
    assert prefix7[6] != "7"
    base = next(iter(ubn_totals(prefix7 + "0")))
    old = (10 - base % 10) % 10
    new_only = (old + 5) % 10
    return prefix7 + str(old), prefix7 + str(new_only)


# --- the oracle itself is checked against published numbers ---------------------------


def test_the_independent_ubn_checksum_agrees_with_published_examples():
    # 04595257: 0+8+5+(1+8)+5+4+(2+0)+7 = 40.  22099131: 2+4+0+9+9+2+3+1 = 30.
    assert ubn_totals("04595257") == {40}
    assert ubn_totals("22099131") == {30}
    # The Ministry of Finance's examples of the 7th-digit-7 case.
    assert ubn_totals("10458574") == {19 + 1, 19}
    assert ubn_totals("10458575") == {20 + 1, 20}


# --- 統一編號 ------------------------------------------------------------------------


@pytest.mark.parametrize("ubn", ["04595257", "22099131", "10458574", "10458575", "12345675"])
def test_ubn_valid_accepts_real_format_numbers_valid_under_the_old_rule(ubn):
    assert valid_old_rule(ubn)  # the test data are what they claim
    assert ubn_valid(ubn)


@pytest.mark.parametrize("prefix", ["0459525", "2209913", "1234560", "8888888", "0000000"])
def test_ubn_valid_accepts_numbers_valid_only_under_the_divisible_by_5_rule(prefix):
    old, new_only = with_check_digits(prefix)
    assert valid_old_rule(old) and not valid_old_rule(new_only)
    assert valid_new_rule(new_only)
    assert ubn_valid(old)
    assert ubn_valid(new_only)


def test_ubn_valid_accepts_a_7th_digit_7_number_valid_only_by_counting_10_as_1_under_the_new_rule():
    # 1045857x: the other digits sum to 24 for x = 9; 24 + 1 = 25 is divisible by 5,
    # 24 + 0 is not, and neither 25 nor 24 is divisible by 10.
    assert ubn_totals("10458579") == {25, 24}
    assert not valid_old_rule("10458579")
    assert ubn_valid("10458579")


@pytest.mark.parametrize("ubn", ["10458571", "10458572", "10458573", "10458576", "10458578"])
def test_ubn_valid_rejects_7th_digit_7_numbers_that_fail_either_way_of_counting(ubn):
    assert not valid_new_rule(ubn)
    assert not ubn_valid(ubn)


@pytest.mark.parametrize("ubn", ["04595258", "04595256", "22099132", "12345678", "04595251"])
def test_ubn_valid_rejects_a_wrong_check_digit(ubn):
    assert not valid_new_rule(ubn)
    assert not ubn_valid(ubn)


def test_ubn_valid_rejects_every_wrong_last_digit_of_a_valid_number():
    for prefix in ("0459525", "2209913", "1045857", "5555555"):
        for last in "0123456789":
            number = prefix + last
            assert ubn_valid(number) == valid_new_rule(number), number


def test_ubn_valid_agrees_with_the_independent_checksum_on_many_numbers():
    rng = random.Random(20240521)
    numbers = [f"{rng.randrange(10**8):08d}" for _ in range(20000)]
    numbers += [f"{rng.randrange(10**6):06d}7{d}" for d in range(10) for _ in range(200)]
    accepted = 0
    for number in numbers:
        assert ubn_valid(number) == valid_new_rule(number), number
        accepted += valid_new_rule(number)
    assert 0 < accepted < len(numbers)  # both outcomes were exercised


def test_every_number_valid_under_the_old_rule_is_valid_under_the_new_one():
    rng = random.Random(7)
    for _ in range(2000):
        prefix = f"{rng.randrange(10**7):07d}"
        if prefix[6] == "7":
            continue
        old, _new = with_check_digits(prefix)
        assert ubn_valid(old), old


@pytest.mark.parametrize(
    "ubn",
    [
        "",
        "0459525",  # 7 digits
        "045952570",  # 9 digits
        "0459525a",
        "04595257\n",  # "$" would have accepted it, and zip() then raised
        " 04595257",
        "04595257 ",
        "0459-5257",
        "０４５９５２５７",  # full-width digits: a record holds ASCII
        "\u0660\u0664\u0665\u0669\u0665\u0662\u0665\u0667",  # Arabic-Indic digits
    ],
)
def test_ubn_valid_rejects_anything_but_eight_ascii_digits(ubn):
    assert ubn_valid(ubn) is False


@pytest.mark.parametrize("value", [4595257, None, 4.5, ["04595257"]])
def test_ubn_valid_is_false_for_non_strings(value):
    assert ubn_valid(value) is False


# --- 身分證統一編號 ---------------------------------------------------------------------

_LETTER_CODES = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34,
    "J": 18, "K": 19, "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25,
    "S": 26, "T": 27, "U": 28, "V": 29, "W": 32, "X": 30, "Y": 31, "Z": 33,
}  # fmt: skip


def nid_check_digit(letter: str, eight: str) -> str:
    code = _LETTER_CODES[letter]
    total = code // 10 + (code % 10) * 9
    total += sum(int(d) * w for d, w in zip(eight, range(8, 0, -1), strict=True))
    return str((10 - total % 10) % 10)


def make_nid(letter: str, eight: str) -> str:
    return letter + eight + nid_check_digit(letter, eight)


def test_the_independent_national_id_checksum_agrees_with_the_well_known_example():
    assert make_nid("A", "12345678") == "A123456789"


@pytest.mark.parametrize("letter", sorted(_LETTER_CODES))
@pytest.mark.parametrize("eight", ["12345678", "20000001", "19876543"])
def test_national_id_valid_accepts_a_correct_check_digit_for_every_letter(letter, eight):
    assert national_id_valid(make_nid(letter, eight))


@pytest.mark.parametrize("letter", sorted(_LETTER_CODES))
def test_national_id_valid_rejects_every_wrong_check_digit(letter):
    good = make_nid(letter, "12345678")
    for digit in "0123456789":
        candidate = good[:-1] + digit
        assert national_id_valid(candidate) == (candidate == good), candidate


@pytest.mark.parametrize(("letter", "other"), [("I", "J"), ("O", "P"), ("W", "X")])
def test_national_id_valid_uses_the_historical_codes_of_i_o_and_w(letter, other):
    # I, O and W are not in alphabetical order: a table in plain A-Z order would
    # give them the codes of their neighbours and accept the wrong check digit.
    nid = make_nid(letter, "12345678")
    assert national_id_valid(nid)
    assert nid_check_digit(letter, "12345678") != nid_check_digit(other, "12345678")
    assert not national_id_valid(other + nid[1:])


def test_national_id_valid_agrees_with_the_independent_checksum_on_many_numbers():
    rng = random.Random(115)
    for _ in range(5000):
        letter = rng.choice(sorted(_LETTER_CODES))
        eight = str(rng.choice("12")) + f"{rng.randrange(10**7):07d}"
        check = str(rng.randrange(10))
        nid = letter + eight + check
        assert national_id_valid(nid) == (check == nid_check_digit(letter, eight)), nid


@pytest.mark.parametrize(
    "nid",
    [
        "",
        "a123456789",  # lower-case letter
        "A323456789",  # the second character (sex) is 1 or 2
        "A023456789",
        "A12345678",  # 9 characters
        "A1234567890",
        "1123456789",
        "A123456789\n",  # "$" would have accepted it
        " A123456789",
        "Ａ１２３４５６７８９",  # full-width
        "A12345678\u0669",  # Arabic-Indic nine
    ],
)
def test_national_id_valid_rejects_malformed_ids(nid):
    assert national_id_valid(nid) is False


@pytest.mark.parametrize("value", [None, 123456789, ["A123456789"]])
def test_national_id_valid_is_false_for_non_strings(value):
    assert national_id_valid(value) is False


# --- masking ---------------------------------------------------------------------------


def test_mask_national_id_keeps_only_the_letter_and_the_last_three_digits():
    assert mask_national_id("A123456789") == "A******789"


def test_mask_national_id_keeps_the_length():
    assert len(mask_national_id("A123456789")) == 10


@pytest.mark.parametrize("partial", ["", "A", "A12", "A123", "A1234", "A123456", "A12345678"])
def test_mask_national_id_hides_all_of_a_partial_id(partial):
    assert mask_national_id(partial) == "*" * len(partial)


def test_mask_national_id_never_shows_the_six_middle_digits():
    nid = make_nid("F", "23456781")
    masked = mask_national_id(nid)
    assert nid[1:7] not in masked
    assert sum(a == b for a, b in zip(masked, nid, strict=True)) == 4


@pytest.mark.parametrize(("typed", "first"), [
    ("ciyue/fee-qoute", ["ciyue/fee-quote"]),  # a typo keeps its scheme
    ("mit/annex-07", ["mit/annex-07-qms-assessment"]),  # the start of an id
    ("mit/anex-15-notice", ["mit/annex-15-notices"]),
])
def test_unknown_form_suggests_the_closest_ids_first(typed: str, first: list[str]) -> None:
    from formkit.errors import UnknownFormError
    from formkit.forms import get_form

    with pytest.raises(UnknownFormError) as caught:
        get_form(typed)
    assert caught.value.suggestions[: len(first)] == first
