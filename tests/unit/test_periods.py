"""Period arithmetic: catalogue §0.3.5 T1–T10 and the worked examples of the rules.

Every expected date below is taken from the catalogue (§0.3.5, CNS-R04, CNS-R09,
CNS-R10, CNS-R17, MIT-R34, OSH-R16, OSH-R17, OSH-R18, AMB-04, AMB-05, AMB-06, AMB-23)
or worked out by hand from 民法 §§120–122; the weekdays are noted where a roll-over
depends on them.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from formkit.rules import periods
from formkit.rules.periods import (
    Deadline,
    add_months,
    deadline,
    is_rest_day,
    last_day,
    month_end,
    notice_in_time,
    parse_period,
    period_end,
    renewal_window,
    rest_day_name,
    validity_end,
    within_lookback,
)

D = date

# --- T1: 「…之次日起 N 日/月/年內」 --------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "n", "unit", "nominal"),
    [
        # §0.3.5 T1 examples.
        (D(2024, 3, 15), 1, "month", D(2024, 4, 15)),
        (D(2024, 6, 30), 6, "month", D(2024, 12, 31)),  # s = 07-01, the 1st of a month
        (D(2024, 1, 30), 1, "month", D(2024, 2, 29)),  # 02-31 does not exist: month end
        # CNS-R04: notice delivered 2024-03-15, extended once by a month.
        (D(2024, 3, 15), 2, "month", D(2024, 5, 15)),
        # CNS-R17: stopped 2024-01-15, report 「於停止次日起三個月內」.
        (D(2024, 1, 15), 3, "month", D(2024, 4, 15)),
        # OSH-R16: 「於接獲不合格通知書後六個月內」; 「於退運後三個月內」.
        (D(2024, 3, 4), 6, "month", D(2024, 9, 4)),
        (D(2024, 5, 13), 3, "month", D(2024, 8, 13)),
        # OSH-R17 (T3): 「接獲不合格通知書之日起三個月內」.
        (D(2024, 3, 4), 3, "month", D(2024, 6, 4)),
        # OSH-R18 (T3): notice 2024-04-01, 「自通知日起一個月」.
        (D(2024, 4, 1), 1, "month", D(2024, 5, 1)),
        # CNS-R10: delivered 2024-02-29 → s = 03-01 → end of March.
        (D(2024, 2, 29), 1, "month", D(2024, 3, 31)),
        # Days: the last day is event + N.
        (D(2024, 3, 15), 30, "day", D(2024, 4, 14)),
        (D(2024, 12, 25), 10, "day", D(2025, 1, 4)),
        (D(2024, 2, 28), 1, "day", D(2024, 2, 29)),
        # Years.
        (D(2024, 3, 15), 1, "year", D(2025, 3, 15)),
        (D(2023, 12, 31), 1, "year", D(2024, 12, 31)),  # s = 2024-01-01
        (D(2024, 2, 28), 1, "year", D(2025, 2, 28)),  # s = 02-29; 2025 has no 02-29
        # Across a year end, and 31st → a 30-day month.
        (D(2024, 11, 15), 3, "month", D(2025, 2, 15)),
        (D(2024, 7, 30), 2, "month", D(2024, 9, 30)),  # s = 07-31; 09-31 does not exist
        (D(2023, 1, 29), 1, "month", D(2023, 2, 28)),  # s = 01-30; 2023 is not a leap year
        (D(2023, 1, 27), 1, "month", D(2023, 2, 27)),  # s = 01-28; 02-28 exists
    ],
)
def test_t1_nominal_last_day_follows_civil_code_121(event, n, unit, nominal):
    result = deadline(event, n, unit, rollover=False)
    assert result.nominal == nominal
    assert result.last_day == nominal
    assert not result.rolled


def test_t1_counting_starts_the_day_after_the_event():
    assert deadline(D(2024, 3, 15), 1, "day", rollover=False).last_day == D(2024, 3, 16)
    assert deadline(D(2024, 3, 15), 0, "day", rollover=False).last_day == D(2024, 3, 15)


def test_deadline_defaults_to_days():
    assert deadline(D(2024, 3, 15), 30, rollover=False).last_day == D(2024, 4, 14)


# --- T2 exception / AMB-04: include_start --------------------------------------------


@pytest.mark.parametrize(
    ("event", "n", "unit", "excluded", "included"),
    [
        # OSH-R17 / AMB-04: the start-day-included reading ends a day earlier.
        (D(2024, 3, 4), 3, "month", D(2024, 6, 4), D(2024, 6, 3)),
        # OSH-R18 / AMB-04: 2024-05-01 vs 2024-04-30.
        (D(2024, 4, 1), 1, "month", D(2024, 5, 1), D(2024, 4, 30)),
        # S3 2.4.2 「5 日內(通知日+4 天)」.
        (D(2024, 5, 6), 5, "day", D(2024, 5, 11), D(2024, 5, 10)),
    ],
)
def test_include_start_counts_the_event_day_as_day_one(event, n, unit, excluded, included):
    assert deadline(event, n, unit, rollover=False).nominal == excluded
    assert deadline(event, n, unit, rollover=False, include_start=True).nominal == included


# --- T4: validity periods (start day included, never rolled) ---------------------------


@pytest.mark.parametrize(
    ("valid_from", "n", "unit", "valid_to"),
    [
        (D(2023, 11, 1), 3, "year", D(2026, 10, 31)),  # §0.3.5 T4
        (D(2024, 2, 29), 3, "year", D(2027, 2, 28)),  # §0.3.5 T4
        (D(2022, 3, 15), 3, "year", D(2025, 3, 14)),  # MIT-R34 ex. 1
        (D(2025, 3, 15), 3, "year", D(2028, 3, 14)),  # MIT-R34 ex. 3
        (D(2024, 1, 15), 1, "year", D(2025, 1, 14)),  # CNS-R17 / AMB-23: maximum stop
        (D(2024, 1, 15), 18, "month", D(2025, 7, 14)),  # CNS-R17: extended by 6 months
        (D(2024, 1, 1), 2, "year", D(2025, 12, 31)),
        (D(2024, 2, 29), 4, "year", D(2028, 2, 28)),  # 2028-02-29 exists: the day before
    ],
)
def test_t4_validity_end_includes_the_start_day(valid_from, n, unit, valid_to):
    assert validity_end(valid_from, n, unit) == valid_to


def test_t4_validity_end_defaults_to_years():
    assert validity_end(D(2023, 11, 1), 3) == D(2026, 10, 31)


def test_t4_validity_end_never_rolls_over_a_rest_day():
    # 2023-03-18 + 1 year → 2024-03-17, a Sunday: the validity still ends that day.
    end = validity_end(D(2023, 3, 18), 1)
    assert end == D(2024, 3, 17)
    assert end.weekday() == 6


def test_t4_extension_from_the_old_expiry_plus_one_matches_the_catalogue():
    # CNS-R17: the stop is extended by 6 months from the day after 2025-01-14.
    assert period_end(D(2025, 1, 15), 6, "month") == D(2025, 7, 14)


# --- T5: renewal windows ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("valid_to", "n", "start"),
    [
        (D(2025, 3, 14), 2, D(2025, 1, 15)),  # §0.3.5 T5, AMB-05, MIT-R34 ex. 1
        (D(2025, 3, 14), 6, D(2024, 9, 15)),
        (D(2026, 10, 31), 3, D(2026, 8, 1)),  # valid_to + 1 is the 1st of a month
        (D(2024, 8, 30), 6, D(2024, 2, 29)),  # 08-31 − 6 months: clamped to Feb's end
        (D(2025, 8, 30), 6, D(2025, 2, 28)),
        (D(2025, 12, 31), 2, D(2025, 11, 1)),  # across the year: 2026-01-01 − 2 months
    ],
)
def test_t5_renewal_window_is_the_last_n_months_of_validity(valid_to, n, start):
    assert renewal_window(valid_to, n) == (start, valid_to)


def test_t5_mit_r34_applications_before_and_inside_the_window():
    start, end = renewal_window(D(2025, 3, 14), 2)
    assert not start <= D(2025, 1, 10) <= end  # MIT-R34 ex. 2: too early
    assert start <= D(2025, 2, 3) <= end  # MIT-R34 ex. 3
    assert start <= D(2025, 1, 15) <= end
    assert not start <= D(2025, 1, 14) <= end


# --- T6: look-back ---------------------------------------------------------------------


def test_t6_report_dated_exactly_n_months_before_is_within_the_lookback():
    # CNS-R09 ex. 1 / §0.3.5 T6: T1(2023-11-20, 6 months) = 2024-05-20.
    assert within_lookback(D(2023, 11, 20), D(2024, 5, 20), 6)


def test_t6_report_dated_one_day_earlier_is_outside_the_lookback():
    assert not within_lookback(D(2023, 11, 19), D(2024, 5, 20), 6)


def test_t6_lookback_in_years_and_days():
    assert within_lookback(D(2021, 5, 20), D(2024, 5, 20), 3, "year")
    assert not within_lookback(D(2021, 5, 19), D(2024, 5, 20), 3, "year")
    assert within_lookback(D(2024, 4, 20), D(2024, 5, 20), 30, "day")
    assert not within_lookback(D(2024, 4, 19), D(2024, 5, 20), 30, "day")


def test_t6_lookback_never_rolls_over_a_rest_day():
    # T1(2023-09-30, 6 months): s = 10-01 → 2024-03-31, a Sunday. With a roll-over the
    # report would still count on Monday 2024-04-01; without it, it does not.
    assert D(2024, 3, 31).weekday() == 6
    assert within_lookback(D(2023, 9, 30), D(2024, 3, 31), 6)
    assert not within_lookback(D(2023, 9, 30), D(2024, 4, 1), 6)


# --- T7: 「N 日前通知」 ---------------------------------------------------------------------


def test_t7_notice_n_days_before_is_in_time_and_one_day_later_is_not():
    event = D(2024, 6, 10)
    assert notice_in_time(D(2024, 6, 7), event, 3)
    assert notice_in_time(D(2024, 6, 1), event, 3)
    assert not notice_in_time(D(2024, 6, 8), event, 3)
    assert not notice_in_time(event, event, 3)
    assert notice_in_time(event, event, 0)


# --- T10: rest-day roll-over -------------------------------------------------------------


def test_t10_cns_r10_deadline_on_a_sunday_moves_to_monday():
    result = deadline(D(2024, 2, 29), 1, "month")
    assert result.nominal == D(2024, 3, 31)
    assert result.nominal.weekday() == 6
    assert result.last_day == D(2024, 4, 1)
    assert result.rolled
    assert result.skipped == ((D(2024, 3, 31), "Sunday"),)


def test_t10_deadline_on_a_saturday_skips_the_whole_weekend():
    # 2024-03-01 + 15 days = 2024-03-16, a Saturday → Monday 2024-03-18.
    result = deadline(D(2024, 3, 1), 15)
    assert result.nominal == D(2024, 3, 16)
    assert result.last_day == D(2024, 3, 18)
    assert [d for d, _ in result.skipped] == [D(2024, 3, 16), D(2024, 3, 17)]
    assert [why for _, why in result.skipped] == ["Saturday", "Sunday"]


def test_t10_a_working_day_deadline_does_not_move():
    result = deadline(D(2024, 3, 15), 1, "month")  # 2024-04-15, a Monday
    assert result.last_day == result.nominal == D(2024, 4, 15)
    assert not result.rolled
    assert result.skipped == ()


def test_t10_deadline_inside_the_2024_lunar_new_year_break_moves_to_the_15th():
    # s = 2024-01-09 → 2024-02-08, the first day of the 02-08 … 02-14 break.
    result = deadline(D(2024, 1, 8), 1, "month")
    assert result.nominal == D(2024, 2, 8)
    assert result.last_day == D(2024, 2, 15)
    assert [d for d, _ in result.skipped] == [D(2024, 2, 8) + timedelta(days=i) for i in range(7)]


@pytest.mark.parametrize("day", range(8, 15))
def test_t10_every_day_of_the_2024_lunar_new_year_break_is_a_rest_day(day):
    assert is_rest_day(D(2024, 2, day))
    assert rest_day_name(D(2024, 2, day))


def test_t10_deadline_on_national_day_moves_to_the_next_working_day():
    # s = 2024-09-11 → 2024-10-10 (Thursday, 國慶日) → Friday 2024-10-11.
    result = deadline(D(2024, 9, 10), 1, "month")
    assert result.nominal == D(2024, 10, 10)
    assert result.last_day == D(2024, 10, 11)
    assert result.skipped[0][0] == D(2024, 10, 10)
    assert result.skipped[0][1] not in ("Saturday", "Sunday", "holiday", "")


def test_t10_make_up_workday_saturday_is_a_working_day_and_does_not_roll():
    # 2024-02-17 is a Saturday worked in exchange for 2024-02-08 (補班).
    assert D(2024, 2, 17).weekday() == 5
    assert not is_rest_day(D(2024, 2, 17))
    result = deadline(D(2024, 1, 17), 1, "month")  # s = 01-18 → 02-17
    assert result.nominal == D(2024, 2, 17)
    assert result.last_day == D(2024, 2, 17)
    assert not result.rolled
    assert deadline(D(2024, 2, 7), 10).last_day == D(2024, 2, 17)


def test_t10_roll_over_across_a_long_weekend_of_holidays():
    # 2024-04-04 and 04-05 (兒童節、清明節) then the weekend → Monday 2024-04-08.
    result = deadline(D(2024, 3, 25), 10)
    assert result.nominal == D(2024, 4, 4)
    assert result.last_day == D(2024, 4, 8)
    assert len(result.skipped) == 4


def test_t10_roll_over_across_a_year_end():
    # 2024-12-31 is a Tuesday; 2025-01-01 (開國紀念日) is a holiday → 2025-01-02.
    result = deadline(D(2024, 12, 22), 10)
    assert result.nominal == D(2025, 1, 1)
    assert result.last_day == D(2025, 1, 2)


def test_t10_amb_06_sunday_date_of_reference_is_a_rest_day():
    # AMB-06: 「十二月十五日前」 in 2024 falls on a Sunday and rolls to Monday.
    assert D(2024, 12, 15).weekday() == 6
    assert is_rest_day(D(2024, 12, 15))
    assert not is_rest_day(D(2024, 12, 16))


def test_t10_rollover_false_keeps_the_nominal_last_day():
    result = deadline(D(2024, 2, 29), 1, "month", rollover=False)
    assert result.last_day == D(2024, 3, 31)
    assert not result.rolled
    assert result.skipped == ()


def test_last_day_is_the_rolled_last_day_of_deadline():
    assert last_day(D(2024, 2, 29), 1, "month") == D(2024, 4, 1)
    assert last_day(D(2024, 2, 29), 1, "month", rollover=False) == D(2024, 3, 31)


def test_t10_extra_holidays_extend_the_roll_over():
    # A typhoon day off on Monday 2024-04-01 (not in the package's calendar).
    result = deadline(D(2024, 2, 29), 1, "month", extra_holidays=frozenset({D(2024, 4, 1)}))
    assert result.last_day == D(2024, 4, 2)
    assert result.skipped[-1] == (D(2024, 4, 1), "holiday")


def test_t10_extra_workdays_stop_the_roll_over():
    result = deadline(D(2024, 2, 29), 1, "month", extra_workdays=frozenset({D(2024, 3, 31)}))
    assert result.last_day == D(2024, 3, 31)
    assert not result.rolled


def test_is_rest_day_on_plain_weekdays_and_weekends():
    assert not is_rest_day(D(2024, 5, 20))  # Monday
    assert is_rest_day(D(2024, 5, 18))  # Saturday
    assert is_rest_day(D(2024, 5, 19))  # Sunday
    assert rest_day_name(D(2024, 5, 18)) == "Saturday"
    assert rest_day_name(D(2024, 5, 19)) == "Sunday"
    assert rest_day_name(D(2024, 5, 20)) == ""


def test_deadline_explain_names_the_event_the_nominal_day_and_the_skipped_days():
    text = deadline(D(2024, 2, 29), 1, "month").explain("en")
    assert "2024-02-29" in text
    assert "2024-03-01" in text  # counting starts the next day
    assert "2024-03-31 (Sunday)" in text
    assert "2024-04-01" in text


def test_deadline_explain_does_not_mention_rest_days_when_nothing_moved():
    text = deadline(D(2024, 3, 15), 1, "month").explain("en")
    assert "rest days" not in text
    assert "2024-04-15" in text


def test_deadline_explain_speaks_chinese_by_default_with_roc_dates_and_holiday_names():
    assert deadline(D(2024, 2, 29), 1, "month").explain() == (
        "事件日為民國113年2月29日；自次日（民國113年3月1日）起算；1 個月於民國113年3月31日屆滿；"
        "民國113年3月31日（星期日）為休息日，末日順延至民國113年4月1日")
    text = deadline(D(2024, 1, 8), 1, "month").explain("zh-TW")
    assert "民國113年2月9日（農曆除夕）" in text and "末日順延至民國113年2月15日" in text
    assert rest_day_name(D(2024, 2, 10), "zh-TW") == "春節"
    assert rest_day_name(D(2024, 5, 18), "zh-TW") == "星期六"


def test_deadline_is_an_immutable_record_of_its_inputs():
    result = deadline(D(2024, 3, 15), 1, "month")
    assert isinstance(result, Deadline)
    assert (result.event, result.n, result.unit) == (D(2024, 3, 15), 1, "month")
    with pytest.raises(AttributeError):
        result.last_day = D(2000, 1, 1)  # type: ignore[misc]


# --- helpers and bad input -------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2024, 12, 15), 1, D(2025, 1, 15)),
        (D(2024, 1, 15), -1, D(2023, 12, 15)),
        (D(2024, 5, 20), 0, D(2024, 5, 20)),
        (D(2024, 5, 20), -24, D(2022, 5, 20)),
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(d, n, expected):
    assert add_months(d, n) == expected


def test_month_end_knows_leap_years():
    assert month_end(2024, 2) == D(2024, 2, 29)
    assert month_end(2023, 2) == D(2023, 2, 28)
    assert month_end(1900, 2) == D(1900, 2, 28)
    assert month_end(2000, 2) == D(2000, 2, 29)
    assert month_end(2024, 12) == D(2024, 12, 31)


@pytest.mark.parametrize("unit", ["week", "months", "", "Day"])
def test_period_end_rejects_unknown_units(unit):
    with pytest.raises(ValueError, match="unit"):
        period_end(D(2024, 1, 1), 1, unit)
    with pytest.raises(ValueError, match="unit"):
        deadline(D(2024, 1, 1), 1, unit)


def test_period_end_rejects_negative_periods():
    with pytest.raises(ValueError, match="negative"):
        period_end(D(2024, 1, 1), -1, "month")
    with pytest.raises(ValueError, match="negative"):
        deadline(D(2024, 1, 1), -1)


# --- parse_period -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 month", (1, "month")),
        ("6 months", (6, "month")),
        ("30 days", (30, "day")),
        ("1 day", (1, "day")),
        ("1 year", (1, "year")),
        ("3 years", (3, "year")),
        ("三個月", (3, "month")),
        ("三個月內", (3, "month")),
        ("一個月內", (1, "month")),
        ("六個月", (6, "month")),
        ("15日", (15, "day")),
        ("十五日內", (15, "day")),
        ("十五天", (15, "day")),
        ("十日內", (10, "day")),
        ("三十日內", (30, "day")),
        ("三年", (3, "year")),
        ("一年內", (1, "year")),
        ("兩年", (2, "year")),
        ("兩年內", (2, "year")),
        ("二個月", (2, "month")),
        ("十二個月", (12, "month")),
        # Numerals beyond the few of the first version.
        ("十一個月", (11, "month")),
        ("十四日", (14, "day")),
        ("三十一日", (31, "day")),
        ("六十日", (60, "day")),
        ("九十日", (90, "day")),
        ("一百二十日", (120, "day")),
        ("百日", (100, "day")),
        # Spellings.
        ("３個月", (3, "month")),
        ("  6 Months  ", (6, "month")),
        ("6months", (6, "month")),
        ("30d", (30, "day")),
        ("1y", (1, "year")),
        ("2 m", (2, "month")),
        ("7 天", (7, "day")),
        ("6 個月內", (6, "month")),
    ],
)
def test_parse_period_reads_english_and_chinese_periods(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "month",
        "1",
        "1.5 months",
        "-1 month",
        "1 week",
        "1 mon",
        "一百十日",  # written 一百一十
        "十十日",
        "一二日",
        "零日",
        "one month",
        "1 month ago",
        "1 month 2 days",
        "\u0663 months",  # Arabic-Indic three
    ],
)
def test_parse_period_raises_value_error_on_unreadable_text(text):
    with pytest.raises(ValueError, match="cannot read the period"):
        parse_period(text)


def test_parse_period_result_feeds_deadline():
    n, unit = parse_period("一個月內")
    assert deadline(D(2024, 3, 15), n, unit).last_day == D(2024, 4, 15)


def test_taiwan_calendar_cache_agrees_with_the_holidays_library(tmp_path, monkeypatch):
    import holidays

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    periods._calendar.cache_clear()
    built = periods._calendar(2024)
    files = list((tmp_path / "formkit").glob("tw-calendar-*-2024.json"))
    assert len(files) == 1
    periods._calendar.cache_clear()
    cached = periods._calendar(2024)  # read back from the file
    tw = holidays.TW(years=range(2023, 2026))
    day = date(2023, 1, 1)
    while day <= date(2025, 12, 31):
        for calendar_ in (built, cached):
            assert calendar_.is_working_day(day) == tw.is_working_day(day), day
            assert calendar_.get(day) == (str(tw.get(day)) if tw.get(day) else None), day
        day += timedelta(days=1)
    periods._calendar.cache_clear()


def test_a_damaged_calendar_cache_is_rebuilt_not_believed(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    periods._calendar.cache_clear()
    periods._calendar(2024)
    (path,) = (tmp_path / "formkit").glob("tw-calendar-*-2024.json")
    path.write_text('{"rest": [', encoding="utf-8")
    periods._calendar.cache_clear()
    assert periods.is_rest_day(date(2024, 2, 9))  # 除夕 (Lunar New Year's Eve)
    assert not periods.is_rest_day(date(2024, 2, 5))  # an ordinary Monday
    assert json.loads(path.read_text(encoding="utf-8"))["rest"]  # rewritten whole
    periods._calendar.cache_clear()
