"""The document model's page conventions (issue 10): what every form inherits from build()."""

from __future__ import annotations

from dataclasses import replace

from formkit.forms import get_form
from formkit.render.model import (
    Block,
    Cell,
    Seg,
    Style,
    build,
    fit_widths,
    format_value,
    iter_segments,
    parse_template,
    printed,
    printed_title,
)

A09 = get_form("mit/annex-09-corrective-plan")
COUNT = "{rows.0.major?}主要缺點{rows.0.major}項"


def test_an_unticked_count_is_not_printed_but_a_blank_keeps_its_fill_in_line() -> None:
    filled = parse_template(COUNT, A09, {"rows": [{"major": 0}]})
    assert [s.text for s in filled if s.kind == "value"] == [""]
    assert [s.muted for s in filled if s.kind == "value"] == [True]
    ticked = parse_template(COUNT, A09, {"rows": [{"major": 2}]})
    assert [s.text for s in ticked if s.kind == "value"] == ["2"]
    blank = parse_template(COUNT, A09, None)
    assert [s.muted for s in blank if s.kind == "value"] == [False]


def test_a_column_is_widened_for_a_short_label_and_narrow_options_stack() -> None:
    label = Cell([Seg("text", "生產製造工廠名稱")], label=True)
    options = Cell([Seg("box", "□", "k", "a"), Seg("text", "主要缺點"),
                    Seg("box", "□", "k", "b"), Seg("text", "次要缺點")])
    block = Block("grid", rows=[[label, options]], widths=[1.0, 9.0])
    fit_widths(block, blank=True)
    assert block.widths[0] > 10  # was 10% of the page: too narrow for 8 characters
    assert not options.stack
    narrow = Block("grid", rows=[[replace(label), replace(options)]], widths=[9.0, 1.0])
    fit_widths(narrow, blank=True)
    assert narrow.rows[0][1].stack


def test_one_date_style_and_one_money_style_per_document() -> None:
    fee = get_form("ciyue/fee-quote")
    assert format_value(fee, "total", 117200)[0] == "新臺幣 117,200 元"
    assert format_value(fee, "total", 117200, style=Style(in_cell=True))[0] == "117,200"
    assert format_value(fee, "quote_date", "2024-05-06", "date_long")[0] == "113年5月6日"
    cert = get_form("mit/annex-11-product-certificate")
    doc = build(cert, cert.sample)
    dates = [s.text for s in iter_segments(doc) if s.fmt.startswith("date") and s.text]
    assert dates and all(d.startswith("中華民國") for d in dates)


def test_codes_print_as_labels_and_titles_follow_the_mode() -> None:
    app = get_form("cnsmark/application")
    assert format_value(app, "att.basic_data.language", "zh-TW")[0] == "中文"
    assert format_value(app, "att.basic_data.language", "en")[0] == "英文"
    qms = get_form("cnsmark/qms-or-factory-inspection-report")
    assert printed_title(qms, {"mode": "qms"}) == "品管評鑑報告書"
    assert printed_title(qms, {"mode": "factory_inspection"}) == "工廠檢查報告"
    assert printed_title(qms, None) == qms.title


def test_a_worksheet_prints_only_when_asked() -> None:
    a07 = get_form("mit/annex-07-qms-assessment")
    record = dict(a07.sample, assessment_date="2024-05-31")
    assert not printed(build(a07, record), "assessment_date")
    assert printed(build(a07, record, worksheet=True), "assessment_date")
    cert = get_form("mit/annex-11-product-certificate")
    plain = build(cert, {k: v for k, v in cert.sample.items() if k != "reissue"})
    assert not printed(plain, "reissue.date")  # a `when: reissue` line is left out
    assert printed(build(cert, None), "reissue.date")  # a blank prints it to be filled
