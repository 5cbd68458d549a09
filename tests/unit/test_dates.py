"""ROC (民國) dates: reading what users type and printing dates the ROC way."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from formkit.dates import (
    impossible_day,
    is_iso,
    parse_date,
    roc_blank,
    roc_long,
    roc_short,
    roc_year,
    to_iso,
)


@pytest.mark.parametrize(
    "text",
    [
        "115/11/21",
        "115.11.21",
        "115-11-21",
        "民國115年11月21日",
        "中華民國115年11月21日",
        "115年11月21日",
        "115年11月21",
        "1151121",
        "2026-11-21",
        "民國 115 年 11 月 21 日",
        "115 / 11 / 21",
        "  115/11/21  ",
        "民國115/11/21",
    ],
)
def test_parse_date_reads_every_accepted_spelling_of_the_same_day(text):
    assert parse_date(text) == date(2026, 11, 21)


@pytest.mark.parametrize(
    "text",
    [
        "１１５／１１／２１",  # full-width digits and slash
        "１１５．１１．２１",  # full-width full stop
        "民國１１５年１１月２１日",
        "中華民國１１５年１１月２１日",
        "１１５１１２１",
        "２０２６-１１-２１",
        "115/11/21\u3000",  # ideographic space
    ],
)
def test_parse_date_reads_full_width_digits_and_separators(text):
    assert parse_date(text) == date(2026, 11, 21)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("民國113年5月1日", date(2024, 5, 1)),
        ("113/5/1", date(2024, 5, 1)),
        ("113.05.01", date(2024, 5, 1)),
        ("1130501", date(2024, 5, 1)),
        ("990101", date(2010, 1, 1)),  # a two-digit ROC year in the compact form
        ("1/1/1", date(1912, 1, 1)),  # 民國元年
        ("113/2/29", date(2024, 2, 29)),  # 2024 is a leap year
        ("2024-02-29", date(2024, 2, 29)),
        ("999/12/31", date(2910, 12, 31)),
    ],
)
def test_parse_date_adds_1911_to_the_roc_year(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "113/2/30",  # no 30 February
        "112/2/29",  # 2023 is not a leap year
        "113/13/1",
        "113/0/1",
        "113/1/0",
        "113/4/31",
        "0/1/1",  # there is no year 0 of the ROC
        "000/01/01",
        "民國0年1月1日",
        "0000101",
        "2024-02-30",
        "0000-01-01",
        "2024-13-01",
    ],
)
def test_parse_date_rejects_days_that_do_not_exist(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "today",
        "115/11",
        "115/11/21/1",
        "11/21",
        "1234/11/21",  # a Western year before the ROC era
        "民國2024/05/01",  # 民國 before a Western year
        "2024年",
        "115/11.21",  # mixed separators
        "115.11/21",
        "115/11/21日",  # 日 belongs to the 年月日 form
        "中華115年11月21日",  # 中華 without 民國
        "115 11 21",  # spaces are not the compact form
        "11511211",
        "151121x",
        "2024-5-1",  # ISO needs two-digit month and day
        "民國一一五年十一月二十一日",
        "115年11月21日 extra",
    ],
)
def test_parse_date_returns_none_for_text_that_is_not_a_date(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    "text", ["2024/5/20", "2024/05/20", "2024.5.20", "2024年5月20日", "２０２４／５／２０"]
)
def test_parse_date_reads_a_western_year_written_the_roc_way(text):
    assert parse_date(text) == parse_date("113/5/20") == date(2024, 5, 20)


@pytest.mark.parametrize(
    ("text", "ymd"),
    [
        ("113/2/30", (2024, 2, 30)),
        ("112/2/29", (2023, 2, 29)),
        ("民國113年4月31日", (2024, 4, 31)),
        ("113/13/1", (2024, 13, 1)),
        ("1130230", (2024, 2, 30)),
        ("2024-02-30", (2024, 2, 30)),
        ("2024/2/30", (2024, 2, 30)),
    ],
)
def test_impossible_day_names_a_day_that_does_not_exist(text, ymd):
    assert parse_date(text) is None
    assert impossible_day(text) == ymd


@pytest.mark.parametrize("text", ["113/2/29", "2024-05-01", "abc", "115/11", "0/1/1", ""])
def test_impossible_day_is_none_for_real_days_and_for_text_that_is_no_date(text):
    assert impossible_day(text) is None


def test_parse_date_does_not_read_digits_of_other_scripts():
    devanagari = "\u0968\u0966\u0968\u096a-\u0966\u096b-\u0966\u0967"  # २०२४-०५-०१
    arabic_indic = "\u0661\u0661\u0665/\u0661\u0661/\u0662\u0661"  # ١١٥/١١/٢١
    assert parse_date(devanagari) is None
    assert parse_date(arabic_indic) is None


@pytest.mark.parametrize("text", ["2024-05-01", "1912-01-01", "2024-02-29"])
def test_is_iso_accepts_exact_iso_dates(text):
    assert is_iso(text)


@pytest.mark.parametrize(
    "text",
    [
        "113/05/01",
        "1130501",
        "民國113年5月1日",
        "2024-02-30",
        "2024-5-1",
        " 2024-05-01",
        "2024-05-01 ",
        "2024-05-01\n",  # "$" would accept this
        "２０２４-０５-０１",  # full-width: a record holds ASCII
        "\u0968\u0966\u0968\u096a-\u0966\u096b-\u0966\u0967",
        "",
    ],
)
def test_is_iso_rejects_anything_but_ascii_yyyy_mm_dd(text):
    assert not is_iso(text)


def test_is_iso_is_false_for_non_strings():
    assert not is_iso(20240501)  # type: ignore[arg-type]
    assert not is_iso(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("115/11/21", "2026-11-21"),
        ("２０２６-１１-２１", "2026-11-21"),
        ("1130501", "2024-05-01"),
        ("113/2/30", None),
        ("garbage", None),
    ],
)
def test_to_iso_gives_the_iso_text_or_none(text, expected):
    assert to_iso(text) == expected


def test_roc_year_of_the_first_roc_year_is_1():
    assert roc_year(date(1912, 1, 1)) == 1
    assert roc_year(date(2026, 11, 21)) == 115


@pytest.mark.parametrize("d", [date(1911, 12, 31), date(1900, 1, 1), date(1, 1, 1)])
def test_roc_year_rejects_dates_before_the_roc_era(d):
    with pytest.raises(ValueError, match="before the ROC era"):
        roc_year(d)


def test_roc_long_prints_the_full_era_name_without_leading_zeros():
    assert roc_long(date(2026, 11, 21)) == "中華民國115年11月21日"
    assert roc_long(date(2024, 5, 1)) == "中華民國113年5月1日"


def test_roc_short_prints_without_the_era_name():
    assert roc_short(date(2026, 11, 21)) == "115年11月21日"
    assert roc_short(date(2024, 5, 1)) == "113年5月1日"


def test_roc_blank_spaces_the_numbers_as_in_a_forms_blanks():
    assert roc_blank(date(2026, 11, 21)) == "115 年 11 月 21 日"
    assert roc_blank(date(2024, 5, 1)) == "113 年 5 月 1 日"


@pytest.mark.parametrize("fmt", [roc_long, roc_short, roc_blank])
def test_roc_formatters_accept_iso_and_roc_text(fmt):
    assert fmt("2026-11-21") == fmt(date(2026, 11, 21))
    assert fmt("115/11/21") == fmt(date(2026, 11, 21))


@pytest.mark.parametrize("fmt", [roc_long, roc_short, roc_blank])
def test_roc_formatters_accept_a_datetime_as_its_date(fmt):
    assert fmt(datetime(2026, 11, 21, 23, 59)) == fmt(date(2026, 11, 21))


@pytest.mark.parametrize("fmt", [roc_long, roc_short, roc_blank])
def test_roc_formatters_reject_text_that_is_not_a_date(fmt):
    with pytest.raises(ValueError, match="not a date"):
        fmt("113/2/30")


@pytest.mark.parametrize("fmt", [roc_long, roc_short, roc_blank])
def test_roc_formatters_reject_years_before_1912(fmt):
    with pytest.raises(ValueError):
        fmt(date(1911, 12, 31))
    with pytest.raises(ValueError):
        fmt("1911-01-01")


def test_roc_formatters_print_1912_as_year_1():
    assert roc_long(date(1912, 1, 1)) == "中華民國1年1月1日"
    assert roc_short(date(1912, 1, 1)) == "1年1月1日"
    assert roc_blank(date(1912, 1, 1)) == "1 年 1 月 1 日"


@pytest.mark.parametrize(
    "d", [date(1912, 1, 1), date(2024, 2, 29), date(2026, 11, 21), date(2910, 12, 31)]
)
def test_roc_long_and_short_read_back_to_the_same_day(d):
    assert parse_date(roc_long(d)) == d
    assert parse_date(roc_short(d)) == d
    assert parse_date(roc_blank(d)) == d
