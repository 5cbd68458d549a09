"""慈悅 評鑑費用 (ciyue/fee-quote): CY-R26 to CY-R30 and the worked quotes A, B and C."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from formkit.engine import fill, validate
from formkit.forms import get_form
from formkit.rules.ciyue import band_halves, extra_day_halves, label_fee

FORM = "ciyue/fee-quote"
AS_OF = date(2024, 6, 1)


def quote(kind: str, sites: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    rec = {
        "client": {"name": "大溪豆香食品有限公司", "ubn": "04595257"},
        "quote_no": "CY-Q-113-0099",
        "quote_date": "2024-05-06",
        "quote_kind": kind,
        "sites": sites,
    }
    rec.update(kw)
    return rec


def site(lines: int, products: int, hours: list[float] | None = None, **kw: Any) -> dict[str, Any]:
    return {"name": kw.pop("name", "總廠"), "lines": lines, "products": products,
            "extra_stage_hours": hours or [], **kw}


def filled(rec: dict[str, Any], **kw: Any) -> dict[str, Any]:
    report = fill(FORM, rec, as_of=AS_OF, **kw)
    assert report.errors == [], [f.as_dict("en") for f in report.errors]
    return report.record


def table(rec: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [(ln["item"], ln["formula"], ln["amount"]) for ln in rec["lines"]]


def amounts(rec: dict[str, Any], item: str) -> list[int]:
    return [ln["amount"] for ln in rec["lines"] if ln["item"] == item]


def found(rec: dict[str, Any], severity: str = "error", **kw: Any) -> set[tuple[str, str]]:
    report = validate(FORM, rec, as_of=AS_OF, **kw)
    return {(f.rule, f.path) for f in report.findings if f.severity == severity}


# ---- the worked quotes


def test_quote_a_initial_application() -> None:
    rec = filled(copy.deepcopy(get_form(FORM).sample))
    assert table(rec) == [
        ("管理費", "10,000 × 2 生產線", 20_000),
        ("現場稽核費", "15,000 × 2.0 人天（a 1.5 + b 0.5 + c 0）", 30_000),
        ("交通費", "檢據", 3_200),
        ("獨立採樣費", "1,000 × 1 次", 1_000),
        ("檢驗費", "依檢驗機構公告", 18_000),
        ("證書費", "5,000 × 1 件（新發證）", 5_000),
        ("標章年費", "15 支產品（11-20 支產品）", 40_000),
    ]
    assert [ln["due"] for ln in rec["lines"]] == ["before_inspection"] * 5 + ["upon_approval"] * 2
    assert rec["person_days"] == 2.0
    assert rec["subtotal_before_inspection"] == 72_200
    assert rec["subtotal_upon_approval"] == 45_000
    assert rec["total"] == 117_200
    assert rec["total_in_words"] == "新臺幣壹拾壹萬柒仟貳佰元整"


def test_quote_b_annual_tracking() -> None:
    rec = filled(quote("tracking", [site(3, 45, [3])], total_products_for_label_fee=45,
                       label_year=True))
    assert table(rec) == [
        ("管理費", "5,000 × 3 生產線", 15_000),
        ("現場稽核費", "15,000 × 4.0 人天（a 2 + b 1.5 + c 0.5）", 60_000),
        ("標章年費", "45 支產品（41-100 支產品）", 70_000),
    ]
    assert rec["total"] == 145_000
    assert rec["total_in_words"] == "新臺幣壹拾肆萬伍仟元整"


def test_quote_c_renewal_over_two_sites() -> None:
    sites = [site(1, 8, name="A 場區"), site(4, 120, name="B 場區")]
    rec = filled(quote("renewal", sites, new_certificates=1, total_products_for_label_fee=128,
                       label_year=True))
    assert table(rec) == [
        ("管理費", "10,000 × 5 生產線", 50_000),
        ("現場稽核費",
         "15,000 × 6.0 人天（A 場區 a 1 + b 0 + c 0 = 1.0；B 場區 a 2.5 + b 2.5 + c 0 = 5.0）",
         90_000),
        ("證書費", "5,000 × 1 件（新發證）", 5_000),
        ("標章年費", "128 支產品（101 支以上產品）", 80_000),
    ]
    assert [s["person_days"] for s in rec["sites"]] == [1.0, 5.0]
    assert rec["total"] == 225_000
    assert rec["subtotal_before_inspection"] == 140_000


def test_quote_a_as_a_valid_record_reports_lodging_at_cost() -> None:
    report = validate(FORM, get_form(FORM).sample, as_of=AS_OF)
    assert report.valid
    assert [(f.rule, f.severity) for f in report.findings] == [("CY-R30", "info")]


# ---- CY-R26 管理費


@pytest.mark.parametrize(
    ("kind", "sites", "expected"),
    [
        ("initial", [site(2, 5)], 20_000),
        ("tracking", [site(5, 5)], 25_000),
        ("addition", [site(1, 5, added_lines=1)], 10_000),
        ("addition", [site(4, 5, added_lines=1)], 10_000),
        ("renewal", [site(2, 5), site(3, 5)], 50_000),
    ],
)
def test_r26_management_fee(kind: str, sites: list[dict[str, Any]], expected: int) -> None:
    assert amounts(filled(quote(kind, sites)), "管理費") == [expected]


def test_r26_addition_reading_all_lines() -> None:
    rec = filled(quote("addition", [site(4, 5, added_lines=1)]),
                 options={"CY-R26": {"reading": "all"}})
    assert amounts(rec, "管理費") == [40_000]


@pytest.mark.parametrize("kind", ["change", "reissue", "unscheduled"])
def test_r26_no_management_fee(kind: str) -> None:
    assert amounts(filled(quote(kind, [site(2, 5)], added_products=1,
                                reissued_certificates=1)), "管理費") == []


def test_r26_addition_needs_the_added_lines() -> None:
    assert ("CY-R26", "/sites/0/added_lines") in found(quote("addition", [site(3, 5)]))


def test_r26_more_added_lines_than_assessed() -> None:
    assert ("CY-R26", "/sites/0/added_lines") in found(
        quote("addition", [site(1, 5, added_lines=2)]))


def test_r26_added_lines_outside_an_addition_are_ignored_with_a_warning() -> None:
    rec = quote("initial", [site(3, 5, added_lines=1)])
    assert ("CY-R26", "/sites/0/added_lines") in found(rec, "warning")
    assert amounts(filled(rec), "管理費") == [30_000]


def test_r26_given_lines_that_disagree() -> None:
    rec = quote("initial", [site(2, 5)])
    rec["lines"] = [{"item": "管理費", "formula": "10,000 × 2 生產線", "amount": 10_000,
                     "due": "before_inspection"}]
    assert ("CY-R26", "/lines") in found(rec)  # one line given, two computed


def test_r26_a_given_line_that_disagrees_is_reported_where_it_differs() -> None:
    rec = quote("initial", [site(2, 5)])
    rec["lines"] = filled(rec)["lines"]
    rec["lines"][0] = {**rec["lines"][0], "amount": 10_000}
    assert ("CY-R26", "/lines/0/amount") in found(rec)
    assert ("CY-R26", "/lines") not in found(rec)


# ---- CY-R27 現場稽核費 and person-days


@pytest.mark.parametrize(
    ("sites", "n", "fee"),
    [
        ([site(2, 15)], 2.0, 30_000),
        ([site(3, 45, [3, 5])], 5.0, 75_000),
        ([site(7, 250, [4])], 7.5, 112_500),
        ([site(1, 8, name="A"), site(4, 120, name="B")], 6.0, 90_000),
    ],
)
def test_r27_catalogue_examples(sites: list[dict[str, Any]], n: float, fee: int) -> None:
    rec = filled(quote("initial", sites))
    assert rec["person_days"] == n
    assert amounts(rec, "現場稽核費") == [fee]


@pytest.mark.parametrize(
    ("products", "halves"),
    [(0, 0), (1, 0), (10, 0), (11, 1), (20, 1), (21, 2), (30, 2), (31, 3), (50, 3), (51, 4),
     (100, 4), (101, 5), (200, 5), (201, 6), (5000, 6)],
)
def test_r27_product_bands(products: int, halves: int) -> None:
    assert band_halves(products) == halves


@pytest.mark.parametrize(("lines", "a"), [(1, 1.0), (2, 1.5), (3, 2.0), (4, 2.5), (5, 3.0),
                                           (6, 3.5), (7, 4.0)])
def test_r27_inspection_time_by_lines(lines: int, a: float) -> None:
    assert filled(quote("initial", [site(lines, 1)]))["sites"][0]["a"] == a


@pytest.mark.parametrize(("hours", "halves"), [(0.5, 1), (3.9, 1), (4, 1), (4.1, 2), (8, 2)])
def test_r27_extra_day(hours: float, halves: int) -> None:
    assert extra_day_halves(hours) == halves


def test_r27_exactly_four_hours_warns_and_follows_the_option() -> None:
    rec = quote("initial", [site(1, 1, [4])])
    assert ("CY-R27", "/sites/0/extra_stage_hours/0") in found(rec, "warning")
    assert filled(rec)["person_days"] == 1.5
    full = filled(rec, options={"CY-R27": {"four_hours": "full"}})
    assert full["person_days"] == 2.0


def test_r27_manual_adjustment_is_added_and_reported() -> None:
    rec = quote("initial", [site(2, 15)],
                manual_person_day_adjustment={"days": 0.5, "reason": "製程複雜，增加半日"})
    out = filled(rec)
    assert out["person_days"] == 2.5
    assert table(out)[1] == ("現場稽核費", "15,000 × 2.5 人天（a 1.5 + b 0.5 + c 0；調整 +0.5）",
                             37_500)
    assert ("CY-R27", "/manual_person_day_adjustment") in found(rec, "info")


def test_r27_adjustment_needs_a_reason() -> None:
    rec = quote("initial", [site(2, 15)], manual_person_day_adjustment={"days": -0.5})
    assert ("schema", "/manual_person_day_adjustment/reason") in found(rec)


def test_r27_adjustment_must_leave_some_days() -> None:
    rec = quote("initial", [site(2, 15)],
                manual_person_day_adjustment={"days": -2, "reason": "誤植"})
    assert ("CY-R27", "/manual_person_day_adjustment/days") in found(rec)


def test_r27_inspection_quote_without_sites() -> None:
    assert ("CY-R27", "/sites") in found(quote("tracking", []))
    assert "CY-R27" not in {r for r, _ in found(quote("reissue", [], reissued_certificates=1))}


def test_r27_given_person_days_that_disagree() -> None:
    rec = quote("initial", [site(2, 15, person_days=2.5)])
    rec["person_days"] = 2
    got = found(rec)
    assert ("CY-R27", "/sites/0/person_days") in got
    assert ("CY-R27", "/person_days") not in got  # 2 == 2.0


def test_r27_half_day_steps_only() -> None:
    rec = quote("initial", [site(2, 15)],
                manual_person_day_adjustment={"days": 0.3, "reason": "試算"})
    assert ("schema", "/manual_person_day_adjustment/days") in found(rec)


# ---- CY-R28 證書費 and 異動文審費


def test_r28_change_example() -> None:
    changes = [
        {"product": "五香豆干", "application_no": "CH-113-07", "changes": ["ingredient"]},
        {"product": "滷味豆干", "application_no": "CH-113-07", "changes": ["ingredient"]},
    ]
    rec = filled(quote("change", [], added_products=3, ingredient_or_label_changes=changes))
    assert table(rec) == [
        ("異動文審費", "2,000 × 3 項產品（增加產品）", 6_000),
        ("異動文審費", "1,000 × 2 項產品（原料明細、外標示異動）", 2_000),
    ]
    assert rec["total"] == 8_000
    rec = filled(quote("change", [], added_products=3, ingredient_or_label_changes=changes,
                       reissued_certificates=1))
    assert rec["total"] == 9_000
    assert amounts(rec, "證書費") == [1_000]


def test_r28_one_product_with_two_change_types() -> None:
    both = [{"product": "五香豆干", "application_no": "CH-113-08",
             "changes": ["ingredient", "label"]}]
    rec = quote("change", [], ingredient_or_label_changes=both)
    assert filled(rec)["total"] == 1_000
    per_type = filled(rec, options={"CY-R28": {"reading": "per_change_type"}})
    assert per_type["total"] == 2_000


def test_r28_the_same_product_in_two_applications_counts_twice() -> None:
    rows = [{"product": "五香豆干", "application_no": n, "changes": ["label"]}
            for n in ("CH-113-08", "CH-113-09", "CH-113-09")]
    assert filled(quote("change", [], ingredient_or_label_changes=rows))["total"] == 2_000


def test_r28_initial_certificate() -> None:
    rec = filled(quote("initial", [site(1, 1)], new_certificates=1))
    assert amounts(rec, "證書費") == [5_000]


def test_r28_empty_change_and_reissue_quotes_warn() -> None:
    assert ("CY-R28", "/added_products") in found(quote("change", []), "warning")
    assert ("CY-R28", "/reissued_certificates") in found(quote("reissue", []), "warning")


def test_r28_annual_reading_warns_on_tracking_quotes() -> None:
    rec = quote("tracking", [site(1, 1)])
    assert "CY-R28" not in {r for r, _ in found(rec, "warning")}
    opts = {"CY-R28": {"annual": True}}
    assert ("CY-R28", "/new_certificates") in found(rec, "warning", options=opts)


# ---- CY-R29 標章年費


@pytest.mark.parametrize(
    ("products", "fee"),
    [(1, 30_000), (10, 30_000), (11, 40_000), (20, 40_000), (21, 50_000), (40, 50_000),
     (41, 70_000), (100, 70_000), (101, 80_000), (128, 80_000)],
)
def test_r29_tiers(products: int, fee: int) -> None:
    assert label_fee(products)[0] == fee
    rec = filled(quote("tracking", [site(1, 1)], label_year=True,
                       total_products_for_label_fee=products))
    assert amounts(rec, "標章年費") == [fee]


def test_r29_no_label_fee_unless_asked() -> None:
    rec = filled(quote("tracking", [site(1, 1)], total_products_for_label_fee=15))
    assert amounts(rec, "標章年費") == []


def test_r29_label_year_needs_a_count() -> None:
    assert ("CY-R29", "/total_products_for_label_fee") in found(
        quote("tracking", [site(1, 1)], label_year=True))


def test_r29_packaging_rule() -> None:
    products = [
        {"name": "豆干", "packaging": "袋裝", "size": "200 g"},
        {"name": "豆干", "packaging": "袋裝", "size": "500 g"},
        {"name": "豆干", "packaging": "盒裝", "size": "300 g"},
    ]
    rec = quote("tracking", [site(1, 1)], label_year=True, label_products=products,
                total_products_for_label_fee=3)
    assert ("CY-R29", "/total_products_for_label_fee") in found(rec)
    rec["total_products_for_label_fee"] = 2
    assert "CY-R29" not in {r for r, _ in found(rec)}


# ---- CY-R30 other fees and totals


def test_r30_independent_sampling_and_test_fees_at_cost() -> None:
    rec = quote("unscheduled", [site(1, 1)], independent_sampling_trips=2, travel_actual=1_500,
                lodging_actual=0)
    out = filled(rec)
    assert amounts(out, "獨立採樣費") == [2_000]
    assert ("CY-R30", "/test_fees_actual") in found(rec, "info")
    assert ("CY-R30", "/total") not in found(rec, "info")  # travel and lodging are known


def test_r30_all_actual_cost_lines_in_tariff_order() -> None:
    rec = filled(quote("initial", [site(1, 1)], travel_actual=2_000, lodging_actual=2_400,
                       test_fees_actual=5_000, adhesive_label_printing_actual=3_600,
                       independent_sampling_trips=1, new_certificates=1, label_year=True,
                       total_products_for_label_fee=5))
    assert [ln["item"] for ln in rec["lines"]] == [
        "管理費", "現場稽核費", "交通費", "獨立採樣費", "檢驗費", "證書費", "標章年費", "住宿費用",
        "黏貼標章印製費",
    ]
    assert rec["subtotal_upon_approval"] == 5_000 + 30_000 + 3_600
    assert rec["total"] == rec["subtotal_before_inspection"] + rec["subtotal_upon_approval"]


def test_r30_given_total_that_disagrees() -> None:
    rec = copy.deepcopy(get_form(FORM).sample)
    rec["total"] = 72_200
    rec["total_in_words"] = "新臺幣柒萬貳仟貳佰元整"
    got = found(rec)
    assert {("CY-R30", "/total"), ("CY-R30", "/total_in_words")} <= got


def test_r30_given_values_that_agree_pass() -> None:
    rec = filled(copy.deepcopy(get_form(FORM).sample))
    assert validate(FORM, rec, as_of=AS_OF).valid


def test_wrong_types_do_not_break_the_derivation() -> None:
    rec = quote("initial", [{"name": "總廠", "lines": "兩條", "products": 15}, "x"],
                manual_person_day_adjustment="多半天", travel_actual="3200")
    report = validate(FORM, rec, as_of=AS_OF)
    assert "schema" in {f.rule for f in report.errors}
    assert report.record["person_days"] == 0.0
