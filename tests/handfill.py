"""A person filling the kit's blank DOCX by hand, simulated with python-docx.

Applicants open ``formkit blank FORM -o blank.docx`` in Word or LibreOffice,
type over the placeholders, tick boxes by replacing □ with ■ (or ☑, ☒, V, X,
✓), export a PDF and send it in. This module does what such a person does to
the DOCX: it finds the cell of every field (the blank DOCX is drawn from the
blank document model, cell for cell, so the two are walked side by side) and
types the value the way people type it — ROC dates in several spellings,
amounts with or without ``NT$``, narratives as several paragraphs,
placeholders overwritten in full or in part.

It records what it typed as the values the parser must give back, so the
test and the benchmark (``tests/test_handfilled.py``,
``benchmarks/handfilled.py``) judge the parser against what the person did,
not against the record.
"""

from __future__ import annotations

import copy
import io
import random
import shutil
import subprocess
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from formkit.engine import fill
from formkit.forms import Form, get_form
from formkit.pointers import get
from formkit.render.docx import render_docx
from formkit.render.model import EMPTY_BOX, Block, Cell, Seg, build, schema_node
from formkit.render.model import printed as is_printed
from formkit.schema import choice_label, choice_node, choices

AS_OF = date(2024, 6, 1)
DATE_BLANK = "    年    月    日"
UNDERSCORES = "＿＿＿＿"
# What people put in place of □; "V " and "✓ " are followed by a space.
TICKS = ["■", "■", "■", "☑", "☒", "V", "X", "✓", "V ", "✓ ", "v"]
DATE_FORMATS = ("date", "date_long", "date_blank")


@dataclass
class Filled:
    """A blank DOCX filled by the simulated person, and what the parser owes back."""

    form_id: str
    variant: str
    docx: bytes
    typed: dict[str, Any] = field(default_factory=dict)  # key -> the value as the schema types it
    left_empty: set[str] = field(default_factory=set)  # fields with a printed place left blank
    no_place: list[str] = field(default_factory=list)  # record fields the blank has no place for

    @property
    def stem(self) -> str:
        return f"{self.form_id.replace('/', '__')}__{self.variant}"


# ---------------------------------------------------------------------------
# The variants: each form's sample (filled, derived fields included, as a
# careful person who works the totals out would type them), and a record of
# our own with other Chinese values, derived fields and some optional fields
# left empty. The variants need not pass every rule (a few do not): the parser
# reads what is written, and validation is another step.

DROP = object()  # in a variant: a field left empty on purpose


def _merge(base: Any, patch: Any) -> Any:
    if isinstance(patch, dict):
        out = dict(base) if isinstance(base, dict) else {}
        for k, v in patch.items():
            if v is DROP:
                out.pop(k, None)
            else:
                out[k] = _merge(out.get(k), v)
        return out
    if isinstance(patch, list):
        return [_merge(None, v) for v in patch]
    return copy.deepcopy(patch)


VARIANTS: dict[str, dict[str, Any]] = {
    "ciyue/fee-quote": {
        "client": {
            "name": "「阿里山」茶葉產銷合作社",
            "ubn": "12345675",
            "address": "嘉義縣番路鄉公田村（近觀音瀑布）",
            "contact": "許家豪 & 林美玲",
        },
        "quote_no": "CY-Q-113-0117",
        "quote_date": "2024-02-29",
        "quote_kind": "addition",
        "sites": [
            {
                "name": "番路第一廠",
                "lines": 3,
                "added_lines": 1,
                "products": 8,
                "extra_stage_hours": [2, 5],
            },
            {"name": "竹崎分裝場（委外）", "lines": 1, "added_lines": 0, "products": 4},
        ],
        "manual_person_day_adjustment": {
            "days": -0.5,
            "reason": "兩場區共用原料倉庫，合併查驗。\n分裝場僅一條包裝線，查驗時間酌減。",
        },
        "total_products_for_label_fee": 12,
        "label_year": False,
        "new_certificates": 0,
        "reissued_certificates": 2,
        "added_products": 3,
        "ingredient_or_label_changes": [
            {
                "product": "高山烏龍茶 < 150g >",
                "application_no": "CY-A-112-0088",
                "changes": ["ingredient", "label"],
            },
        ],
        "label_products": [
            {"name": "阿里山高山烏龍茶", "packaging": "鋁箔袋", "size": "150 g"},
            {"name": "金萱茶包", "packaging": "紙盒", "size": "2.5 g × 20 入"},
        ],
        "independent_sampling_trips": 0,
        "travel_actual": DROP,
        "lodging_actual": 4800,
        "test_fees_actual": 12500,
        "adhesive_label_printing_actual": 1350,
        "handler": "王怡君",
    },
    "cnsmark/application": {
        "applicant": {
            "name": "「宏遠」電器股份有限公司",
            "address": "新北市五股區五權路（五股工業區）7號",
            "representative": "陳美惠",
            "ubn": "04541302",
            "phone": "(02) 2298-1234",
        },
        "factory_reg_no": DROP,
        "foreign": False,
        "item": "家用電器安全",
        "item_class": DROP,
        "product": {
            "name": "電熱水瓶",
            "model": "HW-3L & HW-5L",
            "spec": "容量 3 公升及 5 公升\n額定電壓 110 V、消耗功率 700 W",
        },
        "cns_standard": "CNS 60335-2-15",
        "factory": {"name": "宏遠電器桃園廠", "address": "桃園市蘆竹區南崁路二段50號"},
        "mode": "factory_inspection",
        "designated_mode": "factory_inspection",
        "att": {
            "registration": {
                "title": "公司登記及工廠登記證明",
                "pages": 4,
                "copies": 2,
                "language": "zh-TW",
            },
            "basic_data": {
                "title": "廠商基本資料表（113 年版）",
                "pages": 2,
                "copies": 1,
                "language": "zh-TW",
            },
            "qms_or_inspection": {
                "type": "factory_inspection_report",
                "issuer": "經濟部標準檢驗局",
                "cert_no": "FI-113-0093",
                "date": "2024-01-08",
                "valid_to": "2027-01-07",
                "accreditation_mark": False,
                "attachment": {
                    "title": "工廠檢查報告影本",
                    "pages": 9,
                    "copies": 1,
                    "language": "zh-TW",
                },
            },
            "test_report": {
                "issuer": "台灣電子檢驗中心",
                "report_no": "ETC-24-01077",
                "date": "2024-03-15",
                "sampling_date": "2024-02-26",
                "result": "conform",
            },
            "translations": [
                {
                    "translates": "qms_or_inspection",
                    "title": "工廠檢查報告中譯本",
                    "pages": 9,
                    "copies": 1,
                    "language": "zh-TW",
                },
            ],
        },
        "fee_paid": {"amount": 12500, "receipt_no": "R-113-00871"},
        "english_copy_requested": False,
        "application_date": "2024-04-01",
        "seal": {"name": "陳美惠", "method": "signature"},
        "rectification": {"notice_delivered_date": "2024-04-12", "filed_date": "2024-05-03"},
    },
    "cnsmark/product-test-report": {
        "report_no": "ETC-24-01077",
        "issuer": {"name": "台灣電子檢驗中心", "recognition_no": "認可第 SL2-IN-E-0012 號"},
        "company": {"name": "宏遠電器股份有限公司", "ubn": "04541302"},
        "factory": {"name": "宏遠電器桃園廠", "address": "桃園市蘆竹區南崁路二段50號"},
        "item": "家用電器安全",
        "item_class": DROP,
        "product": {"name": "電熱水瓶", "model": "HW-3L", "spec": "容量 3 公升\n額定 110 V／700 W"},
        "cns_standard": "CNS 60335-2-15",
        "purpose": "random_sampling",
        "sampling": {"date": "2024-02-26", "place": "market", "sampler": "周志偉", "lot": DROP},
        "method": "supervised_test",
        "items": [
            {
                "item": "輸入功率及電流",
                "result": "實測 712 W（容許 +5%／-10%）",
                "verdict": "conform",
            },
            {"item": "溫升", "result": "把手 38 K、外殼 52 K", "verdict": "conform"},
            {
                "item": "標示及說明書",
                "result": "未標示「不可空燒」警語\n說明書缺中文安全注意事項",
                "verdict": "nonconform",
            },
        ],
        "exempted_items": {
            "mark": "商品安全標章",
            "basis": "TR-2023-5567",
            "report_date": "2023-11-20",
            "items": ["耐濕性", "洩漏電流"],
        },
        "scope_of_retest": "labelling_only",
        "overall": "nonconform",
        "labelling_only_failure": True,
        "report_date": "2024-03-15",
        "delivered_date": "2024-03-18",
    },
    "cnsmark/qms-or-factory-inspection-report": {
        "report_no": "FI-113-0093",
        "mode": "factory_inspection",
        "issuer": {"name": "經濟部標準檢驗局", "recognition_no": DROP},
        "company": {"name": "宏遠電器股份有限公司", "ubn": "04541302"},
        "factory": {
            "name": "宏遠電器桃園廠",
            "address": "桃園市蘆竹區南崁路二段50號",
            "reg_no": "99704455",
        },
        "scope": ["電熱水瓶", "電茶壺（含保溫型）"],
        "cns_standards": ["CNS 60335-1", "CNS 60335-2-15"],
        "inspection_date": "2023-12-19",
        "date": "2024-01-08",
        "valid_to": "2027-01-07",
        "result": "conform",
        "accreditation_mark": False,
        "accreditation_body": DROP,
        "delivered_date": "2024-01-10",
    },
    "mit/annex-07-qms-assessment": {
        "company": "「永信」食品工業股份有限公司",
        "process": "調理、殺菌、充填及包裝",
        "doc1": {
            "answer": "yes",
            "permit_info": "食品工廠登記 99-668877",
            "valid_to": "2026-12-31",
        },
        "doc2": {
            "answer": "yes",
            "standard": "ISO 22000:2018 & HACCP",
            "cert_no": "TW-FS-7788",
            "valid_to": "2025-10-09",
        },
        "doc3": {"answer": "assess", "prior_date": "2021-03-02"},
        "assessment_date": "2024-04-18",
        "items": {
            "i1_1": {"rating": "conform"},
            "i1_2": {
                "rating": "slight",
                "evidence": {
                    "population": 12,
                    "not_executed": 1,
                    "spec": "incomplete",
                    "records": "ok",
                    "unremedied_incident": False,
                },
            },
            "i2_1": {"rating": "conform"},
            "i2_2": {"rating": "conform"},
            "i3_1": {
                "rating": "major",
                "evidence": {"spec": "none", "records": "none", "unremedied_incident": True},
            },
            "i3_2": {"rating": "conform"},
            "i4_1": {"rating": "conform"},
            "i4_2": {"rating": "na"},
            "i5_1": {"rating": "conform"},
            "i5_2": {"rating": "minor"},
            "i6_1": {"rating": "conform"},
        },
        "cat": {
            "c1": {"findings": [{"item": "1.2", "text": "溫度計 12 支中 1 支逾期未校正。"}]},
            "c3": {
                "findings": [
                    {
                        "item": "3.1",
                        "text": "殺菌釜未建立操作規範（SOP）。\n抽查 3 批殺菌紀錄均未填寫。",
                    }
                ]
            },
            "c4": {"findings": [{"item": "4.2", "text": "不適用：無檢驗人員資格要求之製程。"}]},
            "c5": {
                "findings": [{"item": "5.2", "text": "pH 計校正紀錄 < 每月 1 次 > 之規定未落實。"}]
            },
        },
        "summary": {
            "case_type": "tracking",
            "year_quarter": {"year": 113, "quarter": 2},
            "cap_deadline": "2024-05-17",
            "recommendations": "請於期限內提出殺菌釜操作規範。\n加強量測設備校正管理。",
        },
        "cb_name": "財團法人工業技術研究院",
        "company_rep_signature": "張永信",
        "assessor_signature": "李宛真",
        "sign_date": "2024-04-18",
        "assessor_training_cert_no": DROP,
        "refused": False,
    },
    "mit/annex-09-corrective-plan": {
        "company_name": "「永信」食品工業股份有限公司",
        "tax_id": "12345675",
        "industry": "調理食品",
        "rows": [
            {
                "major": 0,
                "minor": 0,
                "slight": 1,
                "finding": "1.2 溫度計逾期未校正。",
                "correction": "已送校正（報告編號 CAL-0412）。\n建立校正到期提醒。",
                "attachment_no": "附件一",
            },
            {"major": 0, "minor": 0, "slight": 0},
            {
                "major": 1,
                "minor": 0,
                "slight": 0,
                "finding": "3.1 殺菌釜未建立操作規範。",
                "correction": "訂定「殺菌釜操作規範」並完成教育訓練 & 考核。",
                "attachment_no": "附件二、三",
            },
            {"major": 0, "minor": 0, "slight": 0},
            {
                "major": 0,
                "minor": 1,
                "slight": 0,
                "finding": "5.2 pH 計校正頻率不足。",
                "correction": "改為每週校正一次。",
            },
            {"major": 0, "minor": 0, "slight": 0},
        ],
        "submitted_date": "2024-05-10",
        "received_date": DROP,
        "submission_method": "email",
        "postmark_date": DROP,
        "transmitted_at": "2024-05-10T16:45:00+08:00",
        "assessment_ref": "ITRI-MIT-113-0218",
    },
    "mit/cert-change-application": {
        "applicant": {
            "name": "「大新」食品工業股份有限公司",
            "tax_id": "12345675",
            "address": "臺中市大雅區（中科園區）科雅路 25 號之 1",
            "representative": "歐陽志明",
            "contact": DROP,
            "phone": "04-2565-8899 分機 12",
        },
        "cb": {"name": "財團法人工業技術研究院"},
        "cert_no": "MIT-FD-112-0218",
        "cert_valid_to": "2026-02-28",
        "changes": ["name", "representative"],
        "old": {"name": "大新食品股份有限公司", "representative": "張大新"},
        "new": {"name": "「大新」食品工業股份有限公司", "representative": "歐陽志明"},
        "registration_change_proof": {
            "title": "經濟部商業發展署變更登記表 & 核准函",
            "issuer": "經濟部商業發展署",
            "doc_no": DROP,
            "date": "2024-02-29",
            "pages": 12,
            "copies": 2,
        },
        "application_date": "2024-03-15",
    },
    "mit/cert-reissue-application": {
        "applicant": {
            "name": "「永鴻」陶瓷有限公司",
            "tax_id": "16480894",
            "address": "新北市鶯歌區尖山埔路（老街）45 號",
            "representative": "陳建華",
            "contact": "王怡君",
            "phone": DROP,
        },
        "cb": {"name": "財團法人臺灣產品驗證中心"},
        "cert_no": "MIT-CE-112-0133",
        "cert_valid_to": "2026-04-19",
        "reason": "damaged",
        "reason_detail": "颱風淹水致驗證書正本泡水毀損。\n字跡模糊，無法辨識。",
        "damaged_original": {"title": "毀損之驗證書正本", "pages": 1, "copies": 1},
        "no_change_declared": True,
        "application_date": "2024-08-30",
    },
    "mit/annex-11-product-certificate": {
        "cert_no": "MIT-FD-113-0218",
        "holder": {
            "name": "「永信」食品工業股份有限公司",
            "address": "臺南市新營區民生路（南科新營園區）3號",
            "representative": "張永信",
            "tax_id": "12345675",
        },
        "category": "cat3",
        "industry": "調理食品",
        "products": [
            {
                "name": "麻油雞調理包",
                "model": "YS-M01",
                "code": "MIT-FD-113-0218-01",
                "factory": "永信新營廠",
            },
        ],
        "issue_date": "2024-08-01",
        "cb": {"name": "財團法人工業技術研究院", "signature": "院長 劉文雄"},
        "reissue": {
            "mark": "replace",
            "date": "2024-09-16",
            "original": {"cert_no": "MIT-FD-110-0051", "valid_to": "2024-09-30"},
        },
        "extensions": [{"applied_date": "2024-07-02", "date": "2024-07-25"}],
        "issuance": {
            "review_passed_date": "2024-07-20",
            "contract_signed_date": DROP,
            "fee_paid_date": "2024-07-29",
        },
    },
    "mit/annex-01-cat2-scheme-recognition-application": {
        "authority": {
            "name": "衛生福利部食品藥物管理署",
            "address": "臺北市南港區昆陽街（南港園區）161-2號",
            "contact": {"name": "黃淑芬", "title": "科長", "phone": "02-27877000"},
            "head_seal": "署長 吳秀梅",
        },
        "scheme": {
            "name": "食品安全管制系統 < HACCP > 驗證",
            "scope": "一、水產品類。\n二、肉類加工品 & 餐盒食品。",
            "cumulative_companies": 0,
            "cumulative_models": 1520,
            "stats_date": "2024-02-29",
        },
        "criteria": [
            {"self": "origin_yes", "evidence": "原產地規定（附件1）", "review": "conform"},
            {"self": "process_yes", "evidence": "驗證作業程序", "review": "conform"},
            {"self": "tracking_no", "review": "nonconform"},
            {"self": "safety_yes", "evidence": "衛生標準 & 檢驗方法", "review": "conform"},
            {"self": "fee_yes", "evidence": "收費標準表", "review": DROP},
        ],
        "designated_cb": {
            "name": "財團法人「食品工業」發展研究所",
            "contact": {"name": "郭建志", "title": "副研究員", "phone": DROP},
            "capability": "稽核員 15 人。\n實驗室經 TAF 認證（編號 0012）。",
        },
        "council_result": {"result": "fail", "reason": "追蹤管理機制未建立"},
        "secretariat": {"assessor_seal": "周佳蓉", "head_seal": DROP},
    },
    "mit/cat2-recognition-notice": {
        "notice_type": "correction",
        "issuer": "經濟部產業發展署",
        "issuer_head": DROP,
        "doc_no": "產發字第11300012340號",
        "date": "2024-02-29",
        "authority": {"name": "衛生福利部食品藥物管理署"},
        "scheme": {"name": "食品安全管制系統 < HACCP > 驗證"},
        "missing_items": "一、制度範疇之產品明細表。\n二、收費標準表 & 佐證資料。",
    },
    "mit/annex-12-cat2-authorization-application": {
        "applicant": {
            "name": "「永豐」水產行",
            "tax_id": "12345675",
            "org_form": "sole",
            "address": "屏東縣東港鎮（漁港旁）船頭路 5 號",
            "representative": "林永豐",
            "phone": DROP,
        },
        "factory_name": DROP,
        "factory_registration_no": "S-6400123",
        "scheme": {
            "name": "食品安全管制系統 < HACCP > 驗證",
            "cert_no": "H-0917",
            "valid_to": "2025-02-28",
        },
        "products": [{"name": "冷凍鮪魚生魚片 & 鮪魚丁", "model": DROP}],
        "bom_and_flow": {"title": "物料清單及流程圖", "pages": 3},
        "recent_6m_evidence": [
            {"type": "formula", "date": "2024-01-31", "attachment": "配方表（113年版）"},
        ],
        "reviewer_body": "衛生福利部食品藥物管理署",
        "application_date": "2024-02-29",
        "check1": True,
        "check2": True,
        "check3": False,
        "check4": True,
        "misleading_origin_ad_dispute": True,
        "joint_onsite_check_with_本署": True,
        "decision": "disagree",
        "decision_date": "2024-03-15",
    },
    "oshpm/destruction-plan": {
        "obligor": {
            "name": "「順發」國際貿易有限公司",
            "address": "高雄市前鎮區成功二路（倉儲區）25號",
            "representative": "蔡順發",
            "ubn": "12345675",
            "phone": DROP,
            "national_id": "A123456789",
        },
        "case_no": "OSH-113-004567",
        "product_name": "手持式電動砂輪機 & 配件",
        "spec": "型號 AG-100\n額定 220 V、850 W",
        "quantity": {"amount": 1200, "unit": "組"},
        "site": "高雄市大寮區（合法處理場）大發路1號",
        "method": "一、拆除電源線及馬達。\n二、以破碎機破壞機殼。\n三、金屬件熔解。",
        "waste_handling": "金屬件交合格回收商。\n塑膠件送焚化廠。",
        "notice_received_date": "2024-01-31",
        "scheduled_date": "2024-03-05",
        "date": "2024-02-15",
        "seal": {"name": "蔡順發", "method": "signature"},
        "review": {
            "result": "fail",
            "date": "2024-02-27",
            "supervisor": "delegated",
            "delegate": "高雄市政府勞工局 < 檢查處 >",
            "reviewer": "周秀英",
            "remarks": "銷燬方式未述明砂輪片之處理。\n請補正後重送。",
        },
    },
    "mit/annex-04-cb-accreditation-certificate": {
        "cert_no": "產發MIT認字第115007號",
        "cb": {
            "name": "財團法人「工業技術」研究院",
            "address": "新竹縣竹東鎮中興路四段（中興院區）195號",
            "representative": "劉文雄",
            "org_type": "research",
        },
        "scope": {
            "category": "cat3",
            "industries": [
                {"industry": "調理食品", "products": "調理包 & 冷凍水餃"},
                {"industry": "手工具", "products": "扳手、鉗子 < 300 mm >"},
            ],
        },
        "council_approval": {"session": "115年度第1次會議", "date": "2026-10-15"},
        "valid_from": "2026-11-01",
        "reissue": {"date": "2026-10-20", "prior_cert_no": "產發MIT認字第112003號"},
        "issuer": {"head": "楊志清"},
    },
    "mit/cb-accreditation-application": {
        "applicant": {
            "name": "財團法人「工業技術」研究院",
            "address": "新竹縣竹東鎮中興路四段（中興院區）195號",
            "representative": "劉文雄",
            "tax_id": "12345675",
            "contact": {"name": "許家豪 & 林美玲", "phone": "03-591-8888", "email": DROP},
        },
        "application_kind": "initial",
        "org_type": "research",
        "applied_category": "cat3",
        "industry": DROP,
        "cond1_testing_capacity": "一、食品檢驗實驗室 1 座。\n二、TAF 認證編號 0412。",
        "outsourced_lab": DROP,
        "cond2_origin_and_site_assessment": "現場評核人員 5 名 < 均訓練合格 >。",
        "cond3_fee_items": [
            {"item": "申請審查費（每案）", "amount": 5000},
            {"item": "現場評核費 & 差旅費（每人日）", "amount": 15000},
        ],
        "cond4_handling_capacity": "設驗證組專責辦理。\n依 ISO/IEC 17065 運作。",
        "application_date": "2025-04-01",
        "announcement_window": {"from": "2025-03-03", "to": "2025-04-30", "ref": DROP},
        "prior_abolition_date": "2023-05-10",
        "attachments": [{"title": "捐助章程（影本）", "pages": 8}],
    },
    "mit/lab-recognition-application": {
        "applicant": {
            "name": "「永信」檢驗科技有限公司",
            "address": "臺南市新營區民生路（南科新營園區）3號",
            "representative": "張永信",
            "tax_id": "12345675",
            "contact": {"name": "周秀英", "phone": DROP, "email": "lab@yongxin.com.tw"},
        },
        "org_type": "college",
        "industry": "手工具 & 五金",
        "test_items": [{"item": "扭力試驗", "method": "CNS 4479 < 扳手 >"}],
        "facilities": "一、扭力試驗機 3 台。\n二、硬度計 2 台。",
        "tech_manager": {
            "name": "蔡順發",
            "school": "國立成功大學",
            "department": "機械工程學系",
            "degree": "associate",
            "related_field": False,
            "training": DROP,
            "experience_years": 2.5,
        },
        "qm_manager": {
            "name": "周秀英",
            "school": "國立臺南大學",
            "department": "企業管理學系",
            "degree": "doctor",
            "training": "品質管理系統「內部稽核」訓練",
            "experience_years": 3,
        },
        "other_recognition": {
            "scheme": "全國認證基金會（TAF）",
            "announced": False,
            "cert_no": "TAF 1188",
            "valid_to": "2025-12-31",
        },
        "application_date": "2025-04-01",
        "announcement_window": {
            "from": "2025-03-03", "to": "2025-04-30", "ref": "產發字第11405001230號",
        },
        "prior_abolition_date": DROP,
        "attachments": [],
    },
    "mit/annex-10-training-certificate": {
        "cert_no": "MIT-QA-113-0027",
        "holder": {"name": "歐陽志豪", "id_no": "N125839205"},
        "training_body": {"name": "財團法人「中衛」發展中心", "head": "林明德"},
        "plan_approval_ref": "經產發字第11300045610號",
        "training_period": {"from": "2024-03-04", "to": "2024-03-08"},
        "hours_completed": 28.5,
        "exam_score_pct": 75,
        "roster_filing": {"ref": "經產發字第11300211870號", "date": "2024-04-02"},
        "issue_date": "2024-04-12",
        "renewals": [{"applied_date": "2026-03-02", "assessments_count": 2}],
        "revoked": {"date": "2025-10-01", "ground": "g3", "verified": True},
    },
    "mit/annex-10-training-cert-renewal-application": {
        "applicant": {
            "name": "歐陽志豪",
            "id_no": "N125839205",
            "address": "臺中市西屯區工業區一路（精密機械園區）57號",
            "phone": "04-2359-0071",
            "employer": DROP,
        },
        "cert_no": "MIT-QA-113-0027",
        "cert_issuer": "財團法人「中衛」發展中心",
        "valid_from": DROP,
        "valid_to": "2026-04-11",
        "assessments": [
            {"date": "2024-09-23", "company": "「友達」精密機械股份有限公司",
             "case_no": "ITRI-MIT-113-0388"},
            {"date": "2025-06-10", "company": "台中鑄造股份有限公司",
             "cb_name": "財團法人工業技術研究院", "case_no": "ITRI-MIT-114-0102"},
        ],
        "issuing_body": "財團法人「中衛」發展中心",
        "application_date": "2026-02-16",
    },
    "mit/annex-14-self-print-application": {
        "cb": "財團法人「中華」產品驗證協會",
        "cert_no": "MIT-FD-113-0218",
        "category": "cat3",
        "company": {
            "name": "「永信」食品工業股份有限公司",
            "tax_id": "12345675",
            "address": "臺南市新營區民生路（南科新營園區）3號",
            "representative": "張永信",
            "contact": DROP,
            "phone": "06-6321234 #205",
        },
        "print_targets": ["hang_tag"],
        "via_association": False,
        "products": [{"name": "麻油雞調理包 < 500g >", "model": "YS-M01"}],
        "artwork": {"scale_x": 75, "scale_y": 75, "colour": "registered",
                    "added_text": DROP, "consent_ref": DROP},
        "samples": {"description": "吊牌樣本 & 包裝袋", "copies": 2},
        "application_copies": 2,
        "application_date": "2024-02-29",
        "review": {"result": "rejected", "date": "2024-03-11", "conforms": False,
                   "reviewer": DROP},
    },
    "mit/annex-14-agency-print-application": {
        "cb": "財團法人「中華」產品驗證協會",
        "category": "cat1",
        "cert_no": "MIT-FD-113-0218",
        "company": {
            "name": "「永信」食品工業股份有限公司",
            "tax_id": "12345675",
            "address": "臺南市新營區民生路（南科新營園區）3號",
            "representative": "張永信",
            "contact": "許家豪 & 林美玲",
            "phone": DROP,
        },
        "requests": [
            {"type": "sticker", "format": "圓形貼紙 < 直徑 2.5 公分 >", "quantity": 5000},
        ],
        "quantity_evidence": {"kinds": ["tax", "other"], "other": "通路進貨單（113年1月）",
                              "copies": 2},
        "application_copies": 2,
        "application_date": "2024-02-29",
        "received_date": "2024-03-01",
    },
    "mit/annex-14-approval-objection": {
        "cb": "財團法人「中華」產品驗證協會",
        "cert_no": "MIT-FD-113-0218",
        "company": {
            "name": "「永信」食品工業股份有限公司",
            "tax_id": "12345675",
            "address": "臺南市新營區民生路（南科新營園區）3號",
            "representative": "張永信",
            "contact": DROP,
            "phone": "06-6321234",
        },
        "approval_list_ref": "113年2月份核准清單（第2批）",
        "cc_date": "2024-02-29",
        "filed_date": "2024-03-07",
        "reasons": ("核准貼紙 3,000 張，少於申請之 5,000 張。\n"
                    "本公司 < 冷凍調理包 > 通路已擴及全聯 & 家樂福。"),
        "evidence": [{"title": "通路合約影本", "copies": 1}],
        "received_date": "2024-03-08",
        "cb_reply": {"date": "2024-03-15", "outcome": "maintained",
                     "text": "依安全存量核算，維持原核准數量。"},
        "secretariat_cc": False,
    },
    "mit/annex-14-delivery-discrepancy-report": {
        "printer": "「永信」印刷股份有限公司",
        "cert_no": "MIT-FD-113-0218",
        "company": {
            "name": "「永信」食品工業股份有限公司",
            "tax_id": "12345675",
            "address": "臺南市新營區民生路（南科新營園區）3號",
            "representative": "張永信",
            "contact": "許家豪 & 林美玲",
            "phone": DROP,
        },
        "delivery_ref": "送貨單 P-1130311-008（第1箱）",
        "approval_list_ref": DROP,
        "delivered_date": "2024-03-11",
        "discrepancies": [
            {"item": "type", "expected": "貼紙 < 圓形 >", "received": "吊牌"},
        ],
        "notified_date": "2024-03-12",
        "confirmed_date": "2024-03-13",
        "reprint_delivered_date": DROP,
    },
    "mit/annex-10-app-01-training-plan": {
        "training_body": {
            "name": "國立「雲林」科技大學推廣教育中心",
            "kind": "college",
            "address": "雲林縣斗六市大學路三段（工程一館）123號",
            "representative": "楊能舒",
            "tax_id": DROP,
            "contact": "簡秀蓮 & 莊志成",
            "phone": "05-534-2601",
        },
        "background": "配合臺灣製MIT微笑產品驗證制度之推動。\n培育中南部地區之現場評核人員。",
        "eligibility": "具附件十 二所定資格之一者。\n對象：驗證機構人員及企業品管人員。",
        "course": {
            "summary": "依附錄三開設十一課目，含個案演練 & 筆試。",
            "dates": [
                {"date": "2024-09-02", "time": "08:30-17:30", "subjects": "1至4"},
                {"date": "2024-09-03", "time": DROP, "subjects": "5至8"},
                {"date": "2024-09-04", "time": "08:30-16:30", "subjects": "9至11"},
            ],
            "venue_mode": "本校工程一館 EN101 教室（實體授課）",
            "subjects": [{"hours": h} for h in (1, 2, 1, 5, 3, 3, 4, 3, 3, 3, 1.5)],
        },
        "lecturers": [
            {"name": "歐陽志明",
             "background": "本校工業工程與管理系教授。\n品質管理系統主導稽核員。"},
            {"name": "鄭淑芬", "background": "驗證機構評核人員 < 十年 >。"},
        ],
        "fees": [{"item": "學費（含講義）", "amount": 9800, "note": DROP}],
        "rules": {
            "min_class_size": 20,
            "offset_subjects": [],
            "offset_procedure": DROP,
            "conduct": "應全程參訓；請假逾一小時者不得參加測驗。",
        },
        "certificate_specimen": {"title": "合格證書樣式（附件甲）", "pages": DROP},
        "registration_proof": {"title": "教育部核定設校文件影本", "pages": 3},
        "submitted_date": "2024-06-28",
        "approval": {"result": "rejected", "date": "2024-07-31", "ref": DROP},
    },
    "mit/annex-10-trainee-registration": {
        "name": "歐陽志華",
        "id_no": "A123456789",
        "birth_date": "1979-02-28",
        "employer": "「福興」紡織股份有限公司",
        "job_title": "品管專員",
        "phone": DROP,
        "email": "mh.ouyang@example.org",
        "address": "彰化縣和美鎮彰美路（近和美國小）五段 8 號",
        "training_body": "財團法人中華民國品質管理研究發展中心",
        "class_name": DROP,
        "plan_ref": "產發字第11300123450號",
        "qualification_basis": "credits",
        "qualification_evidence": {
            "organisation": "國立臺北科技大學 & 進修推廣部",
            "from": DROP,
            "to": DROP,
            "credits": 6,
            "document": {"title": "學分證明書", "pages": 2},
        },
        "offset_claims": [
            {"basis": "university", "subject": "s08", "hours": 3, "proof": "成績單（品質管理）"},
        ],
        "application_date": "2024-03-05",
        "confirmation": {"result": "ineligible", "date": "2024-03-11", "by": "周雅婷",
                         "remarks": DROP},
    },
    "mit/annex-10-pass-roster": {
        "training_body": {
            "name": "國立「雲林」科技大學推廣教育中心",
            "address": "雲林縣斗六市大學路三段（工程一館）123號",
            "representative": "楊能舒",
            "contact": DROP,
            "phone": "05-534-2601",
        },
        "plan_ref": "產發字第11300987650號",
        "plan_approval_date": DROP,
        "class_name": "113 年度第 2 期（斗六班）",
        "course_from": "2024-09-02",
        "course_to": "2024-09-04",
        "exam_date": "2024-09-04",
        "exam_full_marks": 80,
        "rows": [
            {"name": "歐陽志華", "id_no": "A123456789", "hours_completed": 26.5,
             "hours_offset": 3, "score": 62},
            {"name": "李佩珊", "id_no": "N227650124", "hours_completed": 29.5, "score": 60},
        ],
        "submitted_date": "2024-09-16",
        "approval": {"result": "filed", "date": "2024-10-01", "ref": DROP},
    },
    "mit/cert-application": {
        "kind": "renewal",
        "category": "cat3",
        "industry": "調理食品",
        "cb_name": "財團法人工業技術研究院",
        "case_no": "ITRI-MIT-114-0032",
        "applicant": {
            "name": "「永信」食品工業股份有限公司",
            "tax_id": "12345675",
            "address": "臺南市新營區民生路（南科新營園區）3號",
            "representative": "張永信",
            "contact": "王美玲 & 李志豪",
            "phone": DROP,
            "email": "mit@yongxin-food.com.tw",
            "org_form": "other",
            "org_form_other": "社團法人",
            "maker_role": "brand",
        },
        "is_manufactured_or_processed": False,
        "manufacturers": [
            {"name": "永信新營廠", "tax_id": "12345675", "factory_reg_no": DROP,
             "address": "臺南市新營區民生路3號", "process": "調理、殺菌 < 充填 >"},
            {"name": "「協和」食品有限公司", "tax_id": "84641177", "factory_reg_no": "67000123",
             "address": "臺南市柳營區中山東路二段（工業區）10號", "process": "包裝"},
        ],
        "products": [
            {"name": "麻油雞調理包", "model": "YS-M01", "spec": "每包 500 公克，常溫保存 12 個月",
             "hs_code": "1602.32.00", "key_materials": "黑麻油（台灣產）"},
        ],
        "product_files": [
            {"model": "YS-M01", "bom": "附件二之1", "process": DROP, "photo": "附件二之3",
             "other": DROP},
        ],
        "labelling": {"title": "外包裝標示", "pages": 1},
        "co_maker_evidence": {"title": "協同製造契約影本", "pages": 4},
        "qms_exemption": "recognized_cert",
        "qms_cert": {"standard": "ISO 22000:2018", "cert_no": "FS-2023-0871",
                     "valid_to": "2026-05-31", "attachment": {"title": "驗證證書影本", "pages": 2}},
        "test_evidence": [
            {"type": "inspection", "report_no": "BSMI-113-A0021", "date": "2024-11-02",
             "valid_to": "2025-11-01",
             "criterion": "safety"},
        ],
        "prior_qms_pass_date": "2022-03-01",
        "samples": [{"model": "YS-M01", "qty": 12, "unit": "包"}],
        "renewal": {"cert_no": "MIT-FD-111-0218", "valid_to": "2025-03-14",
                    "function_or_spec_changed": False,
                    "change_note": "包材供應商變更。\n規格不變。"},
        "fee_receipt": {"title": "規費收據", "pages": 1},
        "prior_sanctions": [
            {"kind": "abolished", "ground": 1, "date": "2021-06-30"},
        ],
        "application_date": "2025-02-03",
        "applicant_seal": {"method": "signature"},
        "origin": {"result": "nonconform", "date": DROP, "basis": "調理食品特殊條件"},
        "review": {"decision": "reject", "date": "2025-03-20"},
    },
    "mit/license-agreement": {
        "contract_no": "SEC-LIC-114-0007",
        "licensor": {"name": "臺灣製MIT微笑產品驗證制度秘書處", "kind": "secretariat",
                     "representative": "陳怡君", "address": "臺北市大安區復興南路一段（B棟）390號"},
        "licensee": {"name": "「好禮」文創行銷有限公司", "tax_id": "12345675", "type": "other_user",
                     "representative": "林好禮 & 王小明",
                     "address": "新北市板橋區文化路一段 < 12 > 號"},
        "uses": {"product": False, "packaging": False, "physical": True, "electronic": True},
        "cert_no": DROP,
        "products": [],
        "term": {"from": "2025-01-01", "to": "2025-12-31"},
        "seals": {"licensor": "seal", "licensee": "signature"},
        "sign_date": "2024-12-27",
    },
    "mit/objection": {
        "objector_type": "lab",
        "objector": {
            "name": "「全揚」檢測科技股份有限公司",
            "address": "新竹縣竹北市光明六路（台元科技園區）16號 7F-2",
            "representative": "謝全揚",
            "tax_id": "12345675",
            "phone": DROP,
        },
        "decision_type": "recognition",
        "decision_doc": {"issuer": "經濟部產業發展署", "no": "產授字第11300512340號",
                         "date": "2024-08-09"},
        "decision_received_date": "2024-08-12",
        "filed_date": "2024-09-05",
        "reasons": ("一、本實驗室已於期限內補正人員資格文件。\n"
                    "二、請撤銷不予認可之決定 & 重新審查。"),
        "evidence": [
            {"title": "人員資格證明文件影本", "pages": 6, "note": "補正版"},
            {"title": "「能力試驗」報告", "pages": 14},
        ],
    },
    "mit/objection-review-decision": {
        "issuer": {"head": "陳怡君"},
        "doc_no": "產授字第11300623410號",
        "date": "2024-09-30",
        "objector_type": "cb",
        "objector": {"name": "「中華」產品驗證股份有限公司", "address": DROP},
        "objection": {
            "decision_type": "abolition",
            "decision_doc": {"issuer": "經濟部產業發展署", "no": "產授字第11300455120號",
                             "date": "2024-07-31"},
            "decision_received_date": "2024-08-02",
            "filed_date": "2024-08-27",
        },
        "result": "revoke",
        "reasons": DROP,
        "new_decision": ("撤銷廢止認證之處分，改為限期三個月改善。\n"
                         "逾期未改善者，再依要點第四十五點辦理。"),
        "reviewers": [{"name": "周秀英", "role": "panel", "withdrawn": False}],
        "relationships": [],
    },
    "mit/annex-17-objection": {
        "kind": "objection",
        "objector": {
            "name": "「大潤」生活百貨有限公司",
            "address": "高雄市左營區博愛二路（漢神巨蛋）777號 B1",
            "representative": "郭大潤",
            "tax_id": "12345675",
            "phone": "07-5551234",
        },
        "contract_no": DROP,
        "notice_ref": "MIT秘字第1131102號",
        "notice_date": "2024-11-04",
        "audit": {"date": "2024-10-22", "grade": "major", "item": "i2",
                  "improvement_notified": True},
        "filed_date": "2024-11-29",
        "reasons": "本公司已依合約更換海報 & 文宣。\n請重新認定為輕微缺失。",
        "evidence": [{"title": "更換後海報照片", "pages": 3}],
    },
    "mit/sample-return-disposal-record": {
        "cb": {"name": "財團法人「工業技術」研究院"},
        "applicant": {"name": "「嘉豐」食品股份有限公司", "tax_id": "42567571",
                      "address": DROP},
        "case_no": "ITRI-MIT-113-0088",
        "samples": [
            {"name": "麻油雞調理包（常溫）", "model": "JF-M01", "qty": 12, "unit": "包"},
            {"name": "當歸鴨 & 藥膳湯", "model": "JF-D02", "qty": 6, "unit": DROP},
        ],
        "return_notice_date": "2024-08-30",
        "returned_date": "2024-09-12",
        "returned_by": "陳嘉豐 < 業務部 >",
        "recorder": "黃淑芬",
        "reviewer": DROP,
        "record_date": "2024-09-12",
    },
    "mit/cert-result-summary-report": {
        "summary_no": "ITRI-SR-114-0032",
        "cb": {"name": "財團法人「工業技術」研究院"},
        "case_no": "ITRI-MIT-114-0032",
        "applicant": {"name": "「永信」食品工業股份有限公司", "tax_id": "12345675",
                      "address": "臺南市新營區民生路（南科新營園區）3號"},
        "category": "cat3",
        "industry": "調理食品",
        "products": [{"name": "麻油雞調理包 & 湯品", "model": "YS-M01"}],
        "document_review": {"result": "incomplete", "date": "2025-02-10"},
        "origin_determination": {"result": "nonconform", "date": DROP,
                                 "basis": "調理食品特殊條件（第 3 點）"},
        "qms": {"basis": "recognized_cert", "ref": "FS-2023-0871", "date": DROP},
        "product_testing": [
            {"model": "YS-M01", "color": DROP, "test_date": "2025-02-25",
             "criteria": "微生物 < 限量 >", "result": "fail", "report_no": "ITRI-T-114-0107"},
        ],
        "labelling_review": {"result": "nonconform", "photos": DROP},
        "conclusion": "fail",
        "preparer": "吳佩芬",
        "prepared_date": "2025-03-05",
        "review": {"reviewer": "歐陽志明", "date": "2025-03-12", "result": "fail"},
        "disposal_scheduled_date": "2031-12-31",
    },
    "mit/product-registration-record": {
        "cb": {"name": "財團法人「工業技術」研究院"},
        "company": {"name": "「永信」食品工業股份有限公司", "tax_id": "12345675",
                    "representative": DROP, "address": "臺南市新營區民生路（南科新營園區）3號"},
        "cert_no": "MIT-FD-114-0218",
        "category": "cat3",
        "industry": DROP,
        "products": [
            {"name": "麻油雞調理包", "model": "YS-M01", "code": "MIT-FD-114-0218-01",
             "photo": "YS_M01 & 正面.png"},
            {"name": "「燒酒雞」調理包", "model": "YS-M02", "code": "MIT-FD-114-0218-02",
             "photo": "YS-M02.jpg"},
        ],
        "self_print_approved": {"date": "2025-04-18", "ref": DROP},
        "registrar": "蔡佩珊",
        "registered_date": "2025-04-21",
    },
    "mit/promo-material-application": {
        "company": {
            "name": "「永信」食品工業股份有限公司",
            "tax_id": "12345675",
            "address": "臺南市新營區民生路（南科新營園區）3號",
            "representative": "張永信",
            "phone": DROP,
            "cert_no": "MIT-FD-113-0218",
            "industry": "調理食品",
        },
        "cb": {"name": "財團法人工業技術研究院"},
        "material_type": "commercial_video",
        "material_name": "麻油雞調理包 30 秒電視廣告",
        "products": "麻油雞調理包（YS-M01）",
        "use_period": DROP,
        "sample": [{"title": "廣告分鏡腳本 & 片尾標章畫面", "pages": 8}],
        "date": "2024-10-01",
        "review_result": "revise",
        "review": {
            "received_date": "2024-10-02",
            "date": "2024-10-08",
            "design_ok": False,
            "scope_ok": True,
            "comments": "片尾標章加註「最安心」字樣，\n請刪除後再送審。",
            "reviewer": "蔡佩珊",
            "supervisor": DROP,
        },
    },
    "mit/annex-16-app-02b-cb-selfprint-promo-audit": {
        "audit_no": "113-CB-FW-02（第2次）",
        "industry": "鞋類",
        "cb": "財團法人鞋類暨運動休閒科技研發中心",
        "self_print_reviews": 0,
        "promo_reviews": 27,
        "date": "2024-11-05",
        "r1": "other",
        "r1_note": "本年度無自行印製申請案，\n僅查閱審核程序書 & 表單。",
        "r2": "conform",
        "auditee_signature": "鞋技中心 張雅雯",
        "auditor_signature": DROP,
    },
    "mit/annex-16-app-02c-cb-tracking-audit": {
        "audit_no": "113-CB-BK-03",
        "industry": "自行車",
        "cb": "財團法人自行車暨健康科技工業研究發展中心",
        "factories_pass": 8,
        "factories_fail": 0,
        "products_pass": 15,
        "products_fail": 3,
        "date": "2024-08-20",
        "r1": "conform",
        "r2": "nonconform",
        "r2_note": "抽查產品3款（車架 < CF-22 >）檢驗報告逾期，\n未見複驗紀錄。",
        "auditee_signature": "自行車中心 鄭凱文",
        "auditor_signature": "秘書處 林志明 & 陳建宏",
    },
    "mit/annex-16-app-02d-cb-fee-audit": {
        "audit_no": "113-CB-C3-05",
        "industry": "寢具（第三類）",
        "cb": "「台灣」檢驗科技股份有限公司",
        "date": "2024-12-02",
        "r1": "nonconform",
        "r1_note": "規費收據 2 張（No.0031、No.0032）未入帳。",
        "r2": "conform",
        "r2_note": DROP,
        "auditee_signature": DROP,
        "auditor_signature": "秘書處追蹤查核小組 黃建華",
        "cb_category": "cat3",
    },
    "mit/annex-15-app-06a-annual-summary-regular": {
        "industry": "食品（含「調理」食品）",
        "year": 113,
        "rows": [
            {"company": "永信食品工業股份有限公司", "company_code": "F-0123",
             "product": "冷凍水餃（高麗菜）", "product_code": "FD0123-07",
             "inspected_at": "2024-04-09"},
            {"company": "大成 & 長城食品有限公司", "inspected_at": "2024-10-30"},
        ],
        "summary": [
            {"total": 0, "defects": 0, "improved": 0},
            {"total": 12, "defects": 2, "improved": 1},
            {"total": 25, "defects": 0, "improved": 0},
            {"total": 25, "defects": 3, "improved": 3},
        ],
        "defect_notes": ("一、2 家工廠之製程作業管理缺失，1 家已改善。\n"
                         "二、3 項產品之標示不符，均已改善。"),
        "cb": {"name": "財團法人食品工業發展研究所", "representative": "廖啟成"},
        "submitted_date": "2024-12-16",
    },
    "mit/annex-15-app-06b-annual-summary-unscheduled": {
        "industry": "自行車（含零組件）",
        "year": 113,
        "rows": [
            {"company": "巨輪車業股份有限公司", "company_code": "B-0042", "case": "misuse",
             "item": "產品標示稽核", "inspected_at": "2024-07-02"},
        ],
        "q": {"sampled": 3, "pass": 2, "fail": 1, "improved": 0, "not_improved": 1, "revoked": 0},
        "o": {"audited": 0, "pass": 0, "fail": 0, "improved": 0, "not_improved": 0, "revoked": 0},
        "m": {"found": 10, "pass": 4, "fail": 6, "improved": 3, "not_improved": 3, "referred": 2},
        "notes": ["尚待複驗", "無", "2 案移送「臺中地檢署」"],
        "cb": {"name": "財團法人自行車暨健康科技工業研究發展中心", "representative": "林 育賢"},
        "submitted_date": "2024-12-13",
    },
    "mit/annex-16-app-01-annual-plan-cb": {
        "year": 115,
        "method": ("依本署核定抽樣比例 5%，按各驗證機構驗證家數抽樣。\n"
                   "每家每一產業至少 1 件 & 以新案優先。"),
        "rows": [
            {"cb": "財團法人「中華」產品驗證協會", "industry": "鞋類", "samples": 3},
            {"cb": "台灣檢驗科技股份有限公司（SGS）", "industry": "自行車", "samples": 1},
        ],
        "schedule": [
            {"timing": "115年3月至5月"},
            {"timing": DROP},
            {"stage": "不定期追蹤查核", "timing": "接獲檢舉時立即辦理"},
        ],
        "inspectors": [
            {"name": "歐陽光明", "role": "council", "affiliation": "認證審議會委員"},
            {"name": "李淑貞", "role": "expert", "affiliation": DROP},
        ],
        "matters": "一、驗證申請書面資料 & 現場評核紀錄。\n二、驗證費用及規費收支摘要。",
        "secretariat": {"name": "臺灣製MIT微笑產品認證審議會秘書處", "head": "許「志」強"},
        "submitted_date": "2026-01-09",
    },
    "mit/annex-16-app-02a-cb-certification-audit": {
        "company_code": "MIT-SH-114-0032",
        "company_name": "「永成」製鞋股份有限公司",
        "date": "2025-05-20",
        "case_no": "CPA-A-1140011",
        "items": [
            {"result": "conform"},
            {"result": "other", "note": "申請書第 3 頁缺負責人簽章 & 日期。\n已當場補正。"},
            {"result": "conform"},
            {"result": "nonconform", "note": "商品標示照片不清晰"},
            {"result": "conform"},
            {"result": "conform"},
            {"result": "cat3_na"},
        ],
        "cb": "財團法人「中華」產品驗證協會",
        "auditor": "認證審議會秘書處追蹤查核小組",
        "category": "cat3",
    },
    "mit/annex-16-app-03-annual-summary-cb": {
        "industry": "鞋類",
        "cb": "財團法人「中華」產品驗證協會",
        "certified_companies": 0,
        "certified_models": 1250,
        "contracts_checked": 3,
        "contracts_missing": 0,
        "date": "2025-05-20",
        "cases": [
            {"company_name": "「永成」製鞋股份有限公司", "company_code": "MIT-SH-114-0032",
             "case_no": "CPA-A-1140011"},
        ],
        "r1": "nonconform",
        "r1_note": "CPA-A-1140011/MIT-SH-114-0032/「永成」製鞋/商品標示照片不清晰。\n其餘符合。",
        "r2": "other",
        "r2_note": "本年度無推廣製作物審核案件 & 自行印製 1 件。",
        "r3": "conform",
        "r4": "conform",
        "photos": [{"file": "p1.png", "caption": "現場查核"}],
        "auditee_signer": "財團法人「中華」產品驗證協會 總經理 黃志明",
        "auditor": "認證審議會秘書處 追蹤查核小組",
        "cb_category": "cat3",
        "submitted_date": "2025-12-12",
    },
    "mit/annex-12-cat2-authorization-registration": {
        "submitter": {
            "kind": "designated_cb",
            "name": "財團法人「中華」畜產發展協會",
            "representative": "林志明",
            "contact": DROP,
            "phone": "02-2311-8765 #21",
        },
        "scheme": {"name": "產銷履歷農產品（TAP）驗證制度"},
        "rows": [
            {"company_name": "「台南」冷凍食品有限公司", "tax_id": "84641177",
             "product_name": "冷凍鹽水雞（500g）", "photo": "附件一之1",
             "cert_product_no": "TAP-05-0087-01", "other_info": DROP},
            {"company_name": "安心肉品股份有限公司", "product_name": "冷凍豬里肌 & 梅花",
             "cert_product_no": "TAP-05-0112-03", "photo": DROP,
             "other_info": "授權日期 113/09/02"},
        ],
        "submitted_date": "2024-09-06",
        "registered_date": DROP,
    },
    "mit/annex-14-print-approval-list": {
        "month": {"year": 113, "month": 10},
        "cb": "財團法人「中華」產品驗證協會",
        "list_no": DROP,
        "list_date": "2024-10-04",
        "rows": [
            {"company_name": "「永信」食品工業股份有限公司", "cert_no": "MIT-FD-113-0218",
             "type": "sticker", "print_format": "貼紙 3 × 3 公分（圓角）",
             "approved_qty": 12000, "delivered_date": "2024-10-11"},
            {"company_name": "新竹米粉有限公司", "cert_no": "MIT-FD-112-0907",
             "type": "hang_tag", "print_format": "吊牌 5 × 9 公分", "approved_qty": 3500,
             "delivered_date": "2024-10-14"},
        ],
        "cc_to_company_date": "2024-10-04",
        "received_by_printer_date": "2024-10-07",
    },
    "mit/cb-fee-ledger": {
        "cb": "財團法人「中華」產品驗證協會",
        "industry": DROP,
        "period": {"from": "2024-07-01", "to": "2024-12-31"},
        "rows": [
            {"date": "2024-07-08", "company": "「永信」食品工業股份有限公司", "item": "gov_fee",
             "amount": 5000, "receipt_no": "產發規 1130233"},
            {"date": "2024-08-19", "company": "新竹米粉有限公司 & 分公司", "item": "cert_fee",
             "amount": 1250000, "receipt_no": "CPC-R-1130456"},
        ],
        "prepared_date": "2025-01-06",
    },
    "mit/annex-15-app-01-annual-tracking-plan": {
        "industry": "食品（含「烘焙」）",
        "year": 114,
        "cb": {"name": "社團法人中華產業品質協會", "representative": DROP},
        "sampling": {
            "method": "以亂數抽選各季獲證滿三個月以上之業者。\n抽中工廠之產品依款數十分之一抽樣。",
            "quantities": [
                {"quarter": 2, "eligible": 11, "ratio_pct": 25, "active_models": 9},
                {"quarter": 4, "eligible": 6, "ratio_pct": 30, "active_models": 21},
            ],
        },
        "targets": {
            "companies": [
                {"name": "「福記」食品有限公司", "code": "FD-0102", "quarter": 2,
                 "certified_date": "2023-02-28", "active_models": 9},
                {"name": "聯華烘焙坊 & 餐飲", "code": "FD-0217", "quarter": 4,
                 "active_models": 21},
            ],
            "products": [
                {"company": "「福記」食品有限公司", "code": "MIT-FD-0102-03"},
                {"company": "聯華烘焙坊 & 餐飲", "code": "MIT-FD-0217-11"},
            ],
        },
        "matters": "一、查核工廠品質管理系統。\n二、查核標章使用情形（含網路通路）。",
        "focus": {"safety": "防腐劑、重金屬及微生物。", "function": "淨重及標示內容。"},
        "inspectors": [{"name": "歐陽志強", "cert_no": "MIT-QA-113-0045"}],
        "schedule": [
            {"target": "「福記」食品有限公司", "q2": "6"},
            {"target": "聯華烘焙坊 & 餐飲", "q4": "12"},
        ],
        "submitted_date": "2025-01-31",
        "approved_date": DROP,
        "approval_ref": DROP,
    },
    "mit/annex-15-app-02a-regular-report-qms": {
        "industry": "食品（含「烘焙」）",
        "company": "「福記」食品有限公司",
        "inspected_at": "2025-06-03",
        "inspected_time": "14:00至17:00",
        "inspectors": ["歐陽志強"],
        "basis": "announced_cert",
        "qms_cert": {"result": "pass", "valid_to": "2026-02-28"},
        "photos": [{"caption": "ISO 22000 證書正本（第1頁）"}],
    },
    "mit/annex-15-app-02b-regular-report-product": {
        "product": {"name": "「古早味」鳳梨酥", "code": "MIT-FD-0102-03", "model": "FJ-12 & FJ-24"},
        "company": {"name": "「福記」食品有限公司", "code": "FD-0102"},
        "inspected_at": "2025-06-03",
        "inspectors": ["歐陽志強", "葉美惠"],
        "r1": {"result": "fail", "note": "外包裝標章尺寸不符規定，\n已要求限期改正。",
               "follow_up": "revoked"},
        "r2": {"result": "pass"},
        "photos": [{"caption": "外包裝標章", "file": "FJ-12.jpg"},
                   {"caption": "門市陳列"}],
    },
    "mit/annex-17-app-01-annual-plan-other-users": {
        "year": 114,
        "method": ("依本署核定之抽樣比例「逐案」查核，每案至少查核一次。\n"
                   "據點數之百分之十五抽樣，分二次查核。"),
        "rows": [
            {"company": "「大潤」生活百貨有限公司", "license_term": "2026-06-30", "sites": 8,
             "checked_sites_1": 1, "checked_sites_2": 1},
            {"company": "幸福（南區）超市股份有限公司", "license_term": DROP, "sites": 15,
             "checked_sites_1": 2, "checked_sites_2": 0},
        ],
        "schedule": [
            {"stage": "第一次追蹤查核", "period": "114年4月至5月"},
            {"stage": "第二次追蹤查核", "period": "114年9月至10月"},
        ],
        "inspectors": "秘書處 林冠廷、蘇怡君",
        "audit_items": "一、使用期限及範圍是否違反合約。\n二、標章使用是否違反本要點。",
        "submitted_date": "2025-01-10",
        "secretariat": DROP,
    },
    "mit/annex-17-app-02-other-user-report": {
        "inspectee": "「大潤」生活百貨有限公司",
        "date": "2024-10-22",
        "store": "大潤百貨（巨蛋）門市",
        "address": "高雄市左營區博愛二路（漢神巨蛋）777號 B1",
        "audit_type": "regular",
        "store_checks": [
            {"result": "nonconform", "note": "海報標章顏色任意改變 & 加註字樣"},
            {"result": "conform"},
            {"result": "other", "note": "展售專區整修中"},
        ],
        "products": [
            {"name": "客家花布（抱枕）", "maker": "美濃織造有限公司", "photo": "照片A",
             "result": "conform", "industry": "紡織", "mark_no": "MIT-TX-112-0031-02"},
            {"name": "鳳梨酥禮盒", "maker": "旺來食品股份有限公司", "photo": "照片B",
             "result": "nonconform", "note": "標章編號與驗證產品不符"},
        ],
        "overall": DROP,
        "signatures": {"inspectee": "郭大潤", "inspector": "林冠廷", "reviewer": DROP},
        "deficiency": DROP,
    },
    "mit/annex-17-app-03-annual-summary-other-users": {
        "year": 113,
        "date": "2024-12-02",
        "company": "「大潤」生活百貨有限公司",
        "sites": 8,
        "rows": [
            {"store": "大潤百貨（巨蛋）門市", "industry": "紡織、食品", "conform": 1,
             "nonconform": 1},
            {"store": "大潤百貨鳳山門市", "industry": DROP, "conform": 5, "nonconform": 0},
        ],
        "overall": "巨蛋門市一件產品標章編號不符，\n已通知改善。",
        "signatures": {"inspector": "林冠廷", "supervisor": DROP},
        "submitted_date": "2024-12-13",
    },
    "mit/annex-17-appeal": {
        "kind": "appeal",
        "appellant": {
            "name": "「大潤」生活百貨有限公司",
            "address": "高雄市左營區博愛二路（漢神巨蛋）777號 B1",
            "representative": "郭大潤",
            "tax_id": "12345675",
            "phone": DROP,
        },
        "contract_no": "MIT-OU-111-007",
        "notice_ref": "MIT秘字第1131220號",
        "notice_date": "2024-12-20",
        "review_result": "維持重大缺失之判斷 & 陳報認證審議會。",
        "objection": {"filed_date": "2024-11-29", "first_notice_date": "2024-11-04"},
        "filed_date": "2025-01-17",
        "reasons": "本公司已依合約更換海報。\n請撤銷重大缺失之判斷。",
        "evidence": [],
    },
    "mit/annex-15-app-04-unscheduled-report": {
        "inspectee": "「永信」食品有限公司",
        "inspected_date": "2024-02-29",
        "location": "臺南市永康區中正南路（永康工業區）100 號",
        "case": "quality",
        "a": {
            "industry": "食品",
            "result": "fail",
            "note": "抽驗鳳梨酥 2 批，其中 1 批水分含量不符 & 檢驗基準。\n已通知業者限期改善。",
            "test_report": "FD-113-0228 號檢驗報告",
        },
        "photos": [{"caption": "購樣發票及樣品外包裝", "file": DROP}],
        "inspecting_unit": "食品工業發展研究所",
        "inspectors": "吳家豪",
    },
    "mit/annex-15-notices": {
        "type": "improvement",
        "issuer": "財團法人「中華」產品驗證中心",
        "issuer_head": DROP,
        "doc_no": "華驗字第1130002290號",
        "notice_date": "2024-02-29",
        "recipient": "「佳美」紡織股份有限公司",
        "company": {"name": "「佳美」紡織股份有限公司"},
        "factory": {"name": "佳美紡織彰化廠",
                    "address": "彰化縣和美鎮（線西工業區）彰新路 2 段 9 號"},
        "findings": "一、吊牌標示之驗證編碼與證書不符。\n二、推廣海報未標示產品型號。",
        "deficiency_class": "minor_deficiency",
        "deadline": "2024-03-29",
    },
    "mit/annex-13-correction-notice": {
        "issuer": {"name": "臺灣製MIT微笑產品驗證制度認證審議會秘書處", "head": DROP},
        "doc_no": "MIT秘字第1130000452號",
        "notice_date": "2024-02-29",
        "licensee": {"name": "「好家」生活百貨有限公司"},
        "violation": {
            "basis": "a13_5",
            "facts": "門市燈箱將MIT微笑標章變更顏色並加註「全臺最好」字樣。\n已拍照存證 & 通知。",
            "found_on": "2024-02-20",
        },
        "deadline": "2024-03-15",
        "recheck_date": DROP,
    },
}


# Rows a person leaves empty before the first one they fill: the record's rows
# move down on the page, and the parser must move them back up.
SKIPPED_ROWS: dict[tuple[str, str], dict[str, int]] = {
    ("mit/annex-11-product-certificate", "variant"): {"products": 1},
    ("cnsmark/application", "variant"): {"att.translations": 1},
}


def variants(form_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(name, record) pairs to fill: the filled sample, then our own variant.

    The variant is typed without its derived (readOnly) fields: those are
    what a person leaves blank for the office to compute.
    """
    form = get_form(form_id)
    sample = fill(form, form.sample, as_of=AS_OF).record
    own = _merge({}, VARIANTS[form_id])
    return [("sample", sample), ("variant", _strip_read_only(form, own))]


def _strip_read_only(form: Form, record: dict[str, Any]) -> dict[str, Any]:
    from formkit.pointers import matches
    from formkit.schema import read_only_pointers

    out = copy.deepcopy(record)
    for pattern in read_only_pointers(form.schema):
        for ptr, _ in list(matches(pattern, out)):
            parts = ptr.split("/")[1:]
            node: Any = out
            for part in parts[:-1]:
                node = node[int(part)] if isinstance(node, list) else node[part]
            if isinstance(node, dict):
                node.pop(parts[-1], None)
    return out


# ---------------------------------------------------------------------------
# The person.


def _label(form: Form, key: str, code: Any) -> str:
    return choice_label(choice_node(form.schema, key), code)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


class _Person:
    """Types values and ticks boxes; ``rng`` varies the habits from field to field."""

    def __init__(
        self,
        form: Form,
        record: dict[str, Any],
        rng: random.Random,
        skip: dict[str, int] | None = None,
    ):
        self.form = form
        self.record = record
        self.rng = rng
        self.skip = skip or {}  # table -> printed rows left empty before the first typed one
        self.out = Filled(form.id, "", b"")
        self.box_keys: dict[str, bool] = {}  # box group key -> some box ticked

    # -- values ----------------------------------------------------------------
    def date_text(self, iso: str, placeholder: str) -> str:
        d = date.fromisoformat(iso)
        y, m, dd = d.year - 1911, d.month, d.day
        styles = [
            f"{y}/{m}/{dd}",
            f"{y}年{m}月{dd}日",
            f"{y}.{m:02d}.{dd:02d}",
            f"民國{y}年{m}月{dd}日",
            f"{y}-{m}-{dd}",
            f"{y}/{m:02d}/{dd:02d}",
        ]
        if placeholder == DATE_BLANK:  # typing into the blanks, keeping the spaces around
            styles += [
                f" {y} 年 {m} 月 {dd} 日",
                f"  {y}  年  {m}  月  {dd}  日",
                f"{y} 年 {m} 月 {dd} 日",
            ]
        else:
            styles += [f"中華民國{y}年{m}月{dd}日"]
        return self.rng.choice(styles)

    def money_text(self, amount: int) -> str:
        return self.rng.choice(
            [
                f"{amount:,}",
                f"NT${amount:,}",
                f"{amount}",
                f"新臺幣{amount:,}元",
                f"NT$ {amount:,}",
                f"新臺幣 {amount:,} 元",
            ]
        )

    def value_text(self, seg: Seg, value: Any, placeholder: str) -> str:
        """The text a person types for a value, as it would be printed on paper."""
        node = schema_node(self.form.schema, seg.key)
        if seg.fmt in DATE_FORMATS or node.get("format") == "date":
            return self.date_text(value, placeholder)
        if seg.fmt in ("money", "nt", "num") or node.get("x-kind") == "money":
            return self.money_text(int(value))
        if isinstance(value, dict) and seg.fmt == "yq":
            return f"{value['year']}年度/第{value['quarter']}季"
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, list):
            return "、".join(
                _number_text(v) if isinstance(v, int | float) else str(v) for v in value
            )
        if choices(node):
            return _label(self.form, seg.key, value)
        if isinstance(value, int | float):
            return _number_text(value)
        return str(value)

    def overwrite(self, placeholder: str, typed: str) -> str:
        """How the placeholder is typed over: in full, mostly; sometimes in part."""
        if placeholder != UNDERSCORES or "\n" in typed:
            return typed
        habit = self.rng.random()
        if habit < 0.6:
            return typed
        if habit < 0.75:
            return typed + "＿＿"  # typed at the start, the rest of the line left
        if habit < 0.9:
            return "＿" + typed
        return "＿＿" + typed + "＿＿"

    def leave(self, placeholder: str) -> str:
        """A field left empty: the placeholder stays, or is cleared."""
        return placeholder if self.rng.random() < 0.7 else ""

    def tick(self) -> str:
        return self.rng.choice(TICKS)

    # -- cells -----------------------------------------------------------------
    def fill_cell(self, cell: Any, model: Cell) -> None:
        paragraph = cell.paragraphs[0]
        runs = paragraph.runs
        if len(runs) != len(model.segs):
            raise AssertionError(
                f"{self.form.id}: runs {[r.text for r in runs]} vs segs {model.segs}"
            )
        alone = len(model.segs) == 1
        for run, printed in zip(runs, model.segs, strict=True):
            seg = self.moved(printed)
            if seg is None:
                continue  # a row skipped: its placeholders stay
            if seg.kind == "box":
                self.box(run, seg)
            elif seg.kind == "value":
                self.value(cell, run, seg, alone)

    def moved(self, seg: Seg) -> Seg | None:
        """The seg with the record's key, when rows were skipped; None in a skipped row."""
        for table, n in self.skip.items():
            prefix = table + "."
            if seg.key.startswith(prefix):
                row, _, rest = seg.key[len(prefix) :].partition(".")
                if int(row) < n:
                    return None
                return replace(seg, key=f"{prefix}{int(row) - n}.{rest}")
        return seg

    def box(self, run: Any, seg: Seg) -> None:
        if run.text != EMPTY_BOX:
            raise AssertionError(f"{seg.key}: expected a box, found {run.text!r}")
        value = get(self.record, seg.key)
        node = schema_node(self.form.schema, seg.key)
        if seg.code is None:  # a flag box: ticked when the value is true (or a non-zero count)
            ticked = bool(value)
            if node.get("type") == "boolean":  # a single box has no third state on paper
                self.out.typed[seg.key] = ticked
        else:
            if isinstance(value, list):
                ticked = seg.code in [str(v) for v in value]
            elif isinstance(value, bool):
                ticked = str(value).lower() == seg.code.lower()
            else:
                ticked = value is not None and str(value) == seg.code
            self.box_keys[seg.key] = self.box_keys.get(seg.key, False) or ticked
        if ticked:
            run.text = self.tick()

    def value(self, cell: Any, run: Any, seg: Seg, alone: bool) -> None:
        placeholder = run.text
        if placeholder not in (UNDERSCORES, DATE_BLANK):
            raise AssertionError(f"{seg.key}: unexpected placeholder {placeholder!r}")
        value = get(self.record, seg.key)
        if _empty(value) or isinstance(value, dict) and seg.fmt != "yq":
            run.text = self.leave(placeholder)
            if _empty(value):
                self.out.left_empty.add(seg.key)
            return
        typed = self.value_text(seg, value, placeholder)
        lines = typed.split("\n")
        if len(lines) > 1 and alone:
            # Enter between paragraphs: the cell's empty lines first, then new paragraphs.
            run.text = lines[0]
            paragraphs = cell.paragraphs
            for i, line in enumerate(lines[1:], start=1):
                if i < len(paragraphs) and not paragraphs[i].text:
                    paragraphs[i].add_run(line)
                else:
                    cell.add_paragraph(line)
        elif len(lines) > 1:
            run.text = lines[0]
            for line in lines[1:]:
                run.add_break()
                run.add_text(line)
        else:
            run.text = self.overwrite(placeholder, typed)
        self.out.typed[seg.key] = value

    def finish(self) -> None:
        for key, ticked in self.box_keys.items():
            value = get(self.record, key)
            if ticked:
                self.out.typed[key] = value
            elif _empty(value):
                self.out.left_empty.add(key)
            else:
                self.out.no_place.append(key)


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cells_of(table: Any) -> list[list[Any]]:
    """Each DOCX row's cells as drawn: a vertically merged cell only in its first row."""
    from docx.oxml.ns import qn
    from docx.table import _Cell

    rows = []
    for tr in table._tbl.tr_lst:
        cells = []
        for tc in tr.tc_lst:
            merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
            if merge is not None and merge.get(qn("w:val")) != "restart":
                continue
            cells.append(_Cell(tc, table))
        rows.append(cells)
    return rows


def _fill_table(person: _Person, table: Any, block: Block) -> None:
    drawn = _cells_of(table)
    if len(drawn) != len(block.rows):
        raise AssertionError(
            f"{person.form.id}: {len(drawn)} DOCX rows for {len(block.rows)} model rows"
        )
    for cells, row in zip(drawn, block.rows, strict=True):
        if len(cells) != len(row):
            raise AssertionError(
                f"{person.form.id}: {len(cells)} DOCX cells for {len(row)} model cells"
            )
        for cell, model in zip(cells, row, strict=True):
            if any(s.kind != "text" for s in model.segs):
                person.fill_cell(cell, model)


def fill_blank(form_id: str, variant: str, record: dict[str, Any]) -> Filled:
    """The blank DOCX of a form, filled in with a record the way a person would."""
    import docx

    form = get_form(form_id)
    model = build(form, None)
    document = docx.Document(io.BytesIO(render_docx(form, None)))
    person = _Person(
        form, record, random.Random(f"{form_id}/{variant}"), SKIPPED_ROWS.get((form_id, variant))
    )
    tables = iter(document.tables)
    paragraphs = list(document.paragraphs)
    at = 0  # the next body paragraph a text block may be in
    for block in model.blocks:
        if block.kind in ("grid", "table", "signatures"):
            _fill_table(person, next(tables), block)
        elif any(s.kind != "text" for s in block.text):
            at = _paragraph_of(paragraphs, at, block, form_id)
            person.fill_cell(_Lines(paragraphs[at]), Cell(block.text))
            at += 1
    person.finish()
    printed = set(person.out.typed) | person.out.left_empty | set(person.out.no_place)
    official = build(form, record)  # a worksheet's fields have no place on the form, by design
    person.out.no_place += sorted(
        k
        for k, v in _leaves(record)
        if not _empty(v) and k not in printed and not _covered(k, printed)
        and is_printed(official, k)
    )
    buf = io.BytesIO()
    document.save(buf)
    person.out.docx = buf.getvalue()
    person.out.variant = variant
    return person.out


class _Lines:
    """A body paragraph seen as a one-paragraph cell, for a text block that holds fields."""

    def __init__(self, paragraph: Any):
        self.paragraphs = [paragraph]

    def add_paragraph(self, text: str) -> Any:
        raise AssertionError(f"a paragraph of text cannot take a line break: {text!r}")


def _paragraph_of(paragraphs: list[Any], start: int, block: Block, form_id: str) -> int:
    """The index of the body paragraph that draws a text block: its runs are the block's
    segments, the static ones word for word."""
    for i in range(start, len(paragraphs)):
        runs = paragraphs[i].runs
        if len(runs) == len(block.text) and all(
            s.kind != "text" or _bare(r.text) == _bare(s.text)
            for r, s in zip(runs, block.text, strict=True)
        ):
            return i
    raise AssertionError(f"{form_id}: no paragraph draws {block.text}")


def _bare(text: str) -> str:
    """Text without the joiners and gaps the DOCX puts around tick options."""
    return text.replace("\u2060", "").replace("\u3000", "").strip()


def _covered(key: str, printed: set[str]) -> bool:
    """A leaf inside a value printed whole (year_quarter.year under year_quarter)."""
    return any(key.startswith(p + ".") for p in printed)


def _leaves(value: Any, key: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in _leaves(v, f"{key}.{k}" if key else k)]
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [x for i, v in enumerate(value) for x in _leaves(v, f"{key}.{i}")]
    return [(key, value)]


def fill_all(form_ids: list[str]) -> list[Filled]:
    return [fill_blank(fid, name, record) for fid in form_ids for name, record in variants(fid)]


def _soffice(filled: list[Filled], workdir: Path, fmt: str) -> dict[str, Path]:
    """The filled DOCX files converted to ``fmt`` by LibreOffice in one call."""
    for f in filled:
        (workdir / f"{f.stem}.docx").write_bytes(f.docx)
    subprocess.run(
        [
            shutil.which("soffice") or "soffice",
            "--headless",
            f"-env:UserInstallation=file://{workdir}/lo-profile",
            "--convert-to",
            fmt,
            "--outdir",
            str(workdir),
            *sorted(str(workdir / f"{f.stem}.docx") for f in filled),
        ],
        check=True,
        capture_output=True,
        timeout=900,
    )
    return {f.stem: workdir / f"{f.stem}.{fmt}" for f in filled}


def to_pdf(filled: list[Filled], workdir: Path) -> dict[str, Path]:
    """Every filled DOCX exported to PDF by LibreOffice in one call (each call costs seconds)."""
    return _soffice(filled, workdir, "pdf")


# ---------------------------------------------------------------------------
# The same person, filling the kit's blank ODT (``formkit blank FORM -o blank.odt``) in
# LibreOffice: the spans of content.xml are the runs (one for each segment that draws
# any text), typed over as in the DOCX; Enter adds a paragraph, Shift+Enter a line break.

_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _odf(tag: str) -> str:
    prefix, _, local = tag.partition(":")
    ns = {"text": _ODF_TEXT, "table": _ODF_TABLE, "office": _ODF_OFFICE}[prefix]
    return f"{{{ns}}}{local}"


def _set_odf_text(el: Any, text: str) -> None:
    """Replace an element's content by ``text`` as ODF writes it: a run of spaces as one
    space and ``text:s``, tabs and line breaks as ``text:tab`` and ``text:line-break``."""
    from lxml import etree

    for child in list(el):
        el.remove(child)
    el.text = ""
    last: Any = None

    def add(chunk: str) -> None:
        if last is None:
            el.text = (el.text or "") + chunk
        else:
            last.tail = (last.tail or "") + chunk

    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "\n\t":
            last = etree.SubElement(el, _odf("text:line-break" if ch == "\n" else "text:tab"))
            i += 1
            continue
        if ch == " ":
            j = i
            while j < len(text) and text[j] == " ":
                j += 1
            at_start = i == 0 or text[i - 1] in "\n\t"
            free = 0 if at_start else 1
            add(" " * free)
            if j - i - free > 0:
                last = etree.SubElement(el, _odf("text:s"))
                if j - i - free > 1:
                    last.set(_odf("text:c"), str(j - i - free))
            i = j
            continue
        add(ch)
        i += 1


class _OdfRun:
    """A ``text:span`` seen as a python-docx run."""

    def __init__(self, el: Any):
        self.el = el

    @property
    def text(self) -> str:
        from formkit.parse.office import _odt_text

        return str(_odt_text(self.el))

    @text.setter
    def text(self, value: str) -> None:
        _set_odf_text(self.el, value)

    def add_break(self) -> None:
        self.text = self.text + "\n"

    def add_text(self, value: str) -> None:
        self.text = self.text + value


class _LoneRun(_OdfRun):
    """The empty paragraph of a cell that holds one value: read as the fill-in line; typed
    into, it gets a span."""

    def __init__(self, paragraph: Any):
        self.paragraph = paragraph
        self.el = None

    @property
    def text(self) -> str:
        return UNDERSCORES if self.el is None else super().text

    @text.setter
    def text(self, value: str) -> None:
        from lxml import etree

        if self.el is None:
            if value in ("", UNDERSCORES):
                return  # left empty
            self.el = etree.SubElement(self.paragraph, _odf("text:span"))
        _set_odf_text(self.el, value)


class _OdfParagraph:
    def __init__(self, el: Any, runs: list[Any] | None = None):
        self.el = el
        self._runs = runs

    @property
    def runs(self) -> list[Any]:
        if self._runs is not None:
            return self._runs
        return [_OdfRun(s) for s in self.el if s.tag == _odf("text:span")]

    @property
    def text(self) -> str:
        from formkit.parse.office import _odt_text

        return str(_odt_text(self.el))

    def add_run(self, value: str) -> _OdfRun:
        from lxml import etree

        run = _OdfRun(etree.SubElement(self.el, _odf("text:span")))
        run.text = value
        return run


class _OdfCell:
    """A table cell (or a body paragraph) seen as a python-docx cell; its first paragraph's
    runs line up with the model cell's segments (a segment that draws no text has no span:
    it gets a stand-in nobody types into)."""

    def __init__(self, el: Any, model: Cell, stack: bool, paragraph: Any = None):
        from lxml import etree

        from formkit.render.odt import _runs

        self.el = el
        first = paragraph if paragraph is not None else el.find(_odf("text:p"))
        spans = iter([s for s in first if s.tag == _odf("text:span")])
        try:
            drawn = _runs(model.segs, True, stack, cell=paragraph is None)
        except TypeError:  # a renderer without lone value cells
            drawn = _runs(model.segs, True, stack)
        runs: list[Any]
        if not drawn and len(model.segs) == 1:  # a lone value's cell: room, no fill-in line
            runs = [_LoneRun(first)]
        else:
            runs = [_OdfRun(next(spans)) if text else _OdfRun(etree.Element(_odf("text:span")))
                    for _, text in drawn]
        self.paragraphs = [_OdfParagraph(first, runs)] + [
            _OdfParagraph(p) for p in el.findall(_odf("text:p"))[1:]] if paragraph is None \
            else [_OdfParagraph(first, runs)]
        self.single = paragraph is not None

    def add_paragraph(self, value: str) -> _OdfParagraph:
        import copy as _copy

        if self.single:
            raise AssertionError(f"a paragraph of text cannot take a line break: {value!r}")
        first = self.paragraphs[0].el
        new = _copy.deepcopy(first)
        for child in list(new):
            new.remove(child)
        new.text = None
        first.getparent().append(new)
        paragraph = _OdfParagraph(new)
        paragraph.add_run(value)
        self.paragraphs.append(paragraph)
        return paragraph


def _odf_rows(table: Any) -> list[list[Any]]:
    """Each ODT row's cells as drawn: covered cells (spans) left out."""
    rows = []
    todo = list(table)
    while todo:
        el = todo.pop(0)
        if el.tag == _odf("table:table-header-rows"):
            todo[:0] = list(el)
        elif el.tag == _odf("table:table-row"):
            rows.append([c for c in el if c.tag == _odf("table:table-cell")])
    return rows


def fill_blank_odt(form_id: str, variant: str, record: dict[str, Any]) -> Filled:
    """The blank ODT of a form, filled in with a record the way a person would; ``docx`` of
    the result holds the ODT's bytes."""
    import zipfile

    from lxml import etree

    from formkit.render.odt import _runs as odt_runs
    from formkit.render.odt import render_odt

    form = get_form(form_id)
    model = build(form, None)
    blank = render_odt(form, None)
    with zipfile.ZipFile(io.BytesIO(blank)) as z:
        parts = [(i, z.read(i)) for i in z.infolist()]
    content = dict((i.filename, data) for i, data in parts)["content.xml"]
    root = etree.fromstring(content)
    body = root.find(f"{_odf('office:body')}/{_odf('office:text')}")
    person = _Person(
        form, record, random.Random(f"{form_id}/{variant}/odt"),
        SKIPPED_ROWS.get((form_id, variant)),
    )
    tables = iter([el for el in body if el.tag == _odf("table:table")])
    paragraphs = [el for el in body if el.tag == _odf("text:p")]
    at = 0
    for block in model.blocks:
        if block.kind in ("grid", "table", "signatures"):
            table = next(tables)
            inner = [t for t in table.iter(_odf("table:table")) if t is not table]
            if inner:  # a table laying out the grid beside its seal boxes (a certificate's)
                table = inner[0]
            elif block.seals:
                next(tables)  # the seal boxes' table
            drawn = _odf_rows(table)
            if len(drawn) != len(block.rows):
                raise AssertionError(f"{form_id}: {len(drawn)} ODT rows for {len(block.rows)}")
            for cells, row in zip(drawn, block.rows, strict=True):
                if len(cells) != len(row):
                    raise AssertionError(f"{form_id}: {len(cells)} ODT cells for {len(row)}")
                for cell, cell_model in zip(cells, row, strict=True):
                    if any(s.kind != "text" for s in cell_model.segs):
                        person.fill_cell(_OdfCell(cell, cell_model, cell_model.stack),
                                         cell_model)
        elif any(s.kind != "text" for s in block.text):
            want = [t for _, t in odt_runs(block.text, True) if t]  # as a body paragraph
            while at < len(paragraphs):
                spans = [s for s in paragraphs[at] if s.tag == _odf("text:span")]
                if len(spans) == len(want) and all(
                        _bare(_OdfRun(s).text) == _bare(t) for s, t in zip(spans, want,
                                                                             strict=True)):
                    break
                at += 1
            else:
                raise AssertionError(f"{form_id}: no paragraph draws {block.text}")
            cell_model = Cell(block.text)
            person.fill_cell(_OdfCell(paragraphs[at], cell_model, False, paragraphs[at]),
                             cell_model)
            at += 1
    person.finish()
    printed = set(person.out.typed) | person.out.left_empty | set(person.out.no_place)
    official = build(form, record)
    person.out.no_place += sorted(
        k
        for k, v in _leaves(record)
        if not _empty(v) and k not in printed and not _covered(k, printed)
        and is_printed(official, k)
    )
    filled = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for info, data in parts:
            z.writestr(info, filled if info.filename == "content.xml" else data)
    person.out.docx = buf.getvalue()
    person.out.variant = variant
    return person.out


def fill_all_odt(form_ids: list[str]) -> list[Filled]:
    return [fill_blank_odt(fid, name, record) for fid in form_ids
            for name, record in variants(fid)]


def to_odt(filled: list[Filled], workdir: Path) -> dict[str, Path]:
    """Every filled DOCX saved as ODT by LibreOffice in one call (a person who opened the
    kit's DOCX in LibreOffice and kept it as ODF)."""
    return _soffice(filled, workdir, "odt")
