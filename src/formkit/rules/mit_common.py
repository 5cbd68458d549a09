"""Shared pieces of the MIT微笑 rules: form ids, the 附件七 item table, and its arithmetic.

The 附件七 computations (evidence → minimum rating, tallies, the 要點28①(三) aggregation,
the verdict) live here as pure functions because three callers need the same answer: the
form's deriver, its rules, and the cross-document rules that compare 附件七 with 附件九.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ..dates import ROC_OFFSET, iso_date
from ..i18n import label
from . import Context
from .periods import Deadline, deadline

as_date = iso_date

A7 = "mit/annex-07-qms-assessment"
A9 = "mit/annex-09-corrective-plan"
A11 = "mit/annex-11-product-certificate"
APPLICATION = "mit/cert-application"

ITEMS: tuple[str, ...] = (
    "i1_1", "i1_2", "i2_1", "i2_2", "i3_1", "i3_2", "i4_1", "i4_2", "i5_1", "i5_2", "i6_1",
)  # fmt: skip
CATEGORIES: dict[str, tuple[str, ...]] = {
    "c1": ("i1_1", "i1_2"),
    "c2": ("i2_1", "i2_2"),
    "c3": ("i3_1", "i3_2"),
    "c4": ("i4_1", "i4_2"),
    "c5": ("i5_1", "i5_2"),
    "c6": ("i6_1",),
}

# Order of severity; 不適用 ranks with 符合 because it records no defect.
SEVERITY = {"conform": 0, "na": 0, "slight": 1, "minor": 2, "major": 3, "critical": 4}
RATING_ZH = {
    "conform": "符合",
    "slight": "輕微缺失",
    "minor": "次要缺點",
    "major": "主要缺點",
    "critical": "嚴重缺點",
    "na": "不適用",
}
DEFECTS = ("critical", "major", "minor", "slight")

# 要點28②(三)1: the eight sub-items where a missing spec or record is a 次要缺點.
SPEC_RECORD_ITEMS = frozenset({"i1_1", "i1_2", "i2_1", "i2_2", "i3_1", "i5_1", "i5_2", "i6_1"})
TRAINING_ITEMS = frozenset({"i4_1", "i4_2"})
# 附件八 attaches 「曾造成安全危害或污染事件，且未改善完成」 to these three only.
INCIDENT_ITEMS = frozenset({"i1_1", "i1_2", "i3_1"})

READINGS = ("cascade", "independent")

# Taiwan has kept UTC+8 without daylight saving since 1979, so a fixed offset is exact for any
# date these forms can carry and needs no tz database on the host.
TAIPEI = timezone(timedelta(hours=8))


def item_no(key: str) -> str:
    """``i4_2`` → ``4.2``, the 項次 printed on the form."""
    return key[1:].replace("_", ".")


def item_key(number: str) -> str:
    """``4.2`` → ``i4_2``."""
    return "i" + number.replace(".", "_")


def category_of(key: str) -> str:
    return "c" + key[1]


def rating_text(code: Any) -> str:
    """A rating code as a message parameter: its verbatim label (zh-TW), ``code (label)`` (en)."""
    return label(code, RATING_ZH.get(code) if isinstance(code, str) else None)


def obj(value: Any) -> dict[str, Any]:
    """The value if it is an object, else an empty one (derivers meet malformed records)."""
    return value if isinstance(value, dict) else {}


def moment(value: Any) -> datetime | None:
    """An ISO date-time with an offset (the schemas require one), else None."""
    if not isinstance(value, str):
        return None
    try:
        found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo is not None else None


def record_year(value: Any) -> int | None:
    """A record's 年度 as a Gregorian year: an ROC year (113) or a Western one (2024), as a
    number or digits; None for anything else or past 9999."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return None
    year = value + ROC_OFFSET if value < ROC_OFFSET else value
    return year if year <= 9999 else None


def same_name(a: Any, b: Any) -> bool:
    """Names and codes compared as a clerk would: NFKC, spaces ignored."""
    if not isinstance(a, str) or not isinstance(b, str):
        return False

    def norm(s: str) -> str:
        return "".join(unicodedata.normalize("NFKC", s).split())

    return norm(a) == norm(b)


def taipei_date(value: Any) -> date | None:
    """The calendar date in Taiwan of an ISO date-time with an offset (附件九 傳送之日)."""
    when = moment(value)
    if when is None:
        return None
    try:
        return when.astimezone(TAIPEI).date()
    except OverflowError:  # 9999-12-31T23:00-10:00 is past the last day Python holds
        return None


def chain_ends(base: date | None, items: list[Any],
               end_of: Callable[[date, dict[str, Any]], date | None]) -> None:
    """Write each renewal's new validity end (``new_valid_to``), each counted from the one
    before it, starting at ``base``; an entry not approved, or after one, gets none.
    附件十一's 展延 and 附件十's 訓練合格證書 展延 chain the same way."""
    for item in items:
        if not isinstance(item, dict):
            base = None
            continue
        new_end = end_of(base, item) if base is not None else None
        if new_end is None:
            item.pop("new_valid_to", None)
        else:
            item["new_valid_to"] = new_end.isoformat()
        base = new_end


def count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def blank(value: Any) -> bool:
    return not (isinstance(value, str) and value.strip())


def last_day_for_act(day: date, ctx: Context) -> Deadline:
    """The last day to act when a body sets 「應於 年 月 日前」: the day itself, rolled past
    rest days (T10, AMB-03) unless the ``rest_day_rollover`` option is off."""
    rollover = bool(ctx.option("rest_day_rollover", True))
    return deadline(day, 1, "day", include_start=True, rollover=rollover)


# -- 附件七: ratings and evidence ---------------------------------------------------------


def ratings(rec: dict[str, Any]) -> dict[str, str]:
    """The recorded rating of each sub-item that has a valid one."""
    items = obj(rec.get("items"))
    out = {}
    for key in ITEMS:
        rating = obj(items.get(key)).get("rating")
        if isinstance(rating, str) and rating in SEVERITY:
            out[key] = rating
    return out


def fraction_rating(population: Any, not_executed: Any) -> str | None:
    """MIT-R15: the rating that k of N units 未執行 imply (要點28②, exact integer tests).

    None when nothing follows (k = 0, inputs missing, or k > N, which is reported apart).
    """
    if not isinstance(population, int) or not isinstance(not_executed, int):
        return None
    n, k = population, not_executed
    if n <= 0 or k <= 0 or k > n:
        return None
    if k == n:
        return "critical"  # 「全部未執行」
    if 2 * k >= n:
        return "major"  # 「二分之一以上」
    if 20 * k > n:
        return "minor"  # 「超過二十分之一未達二分之一」
    return "slight"  # 「二十分之一以下」


def spec_records_rating(key: str, spec: Any, records: Any) -> str | None:
    """MIT-R16: the rating that a missing or incomplete spec or record implies."""
    if key in SPEC_RECORD_ITEMS:
        if "none" in (spec, records):
            return "minor"
        if "incomplete" in (spec, records):
            return "slight"
    elif key == "i3_2":
        # 附件八 3.2: spec or records missing or incomplete are all 輕微缺失.
        if spec in ("none", "incomplete") or records in ("none", "incomplete"):
            return "slight"
    elif key in TRAINING_ITEMS and spec in ("none", "incomplete"):
        return "slight"  # 「訓練規範未建立或不完整」; 附件八 names no training records
    return None


def incident_rating(key: str, flag: Any) -> str | None:
    """MIT-R17: an unremedied safety or pollution incident makes 1.1/1.2/3.1 嚴重缺點."""
    return "critical" if flag is True and key in INCIDENT_ITEMS else None


def most_severe(*codes: str | None) -> str | None:
    present = [c for c in codes if c]
    return max(present, key=lambda c: SEVERITY[c]) if present else None


# -- 附件七: tallies, aggregation, verdict -----------------------------------------------


@dataclass(frozen=True)
class Tally:
    """「發現…數」: sub-items per rating, before any 要點28①(三) conversion."""

    critical: int = 0
    major: int = 0
    minor: int = 0
    slight: int = 0

    def as_dict(self) -> dict[str, int]:
        return {d: getattr(self, d) for d in DEFECTS}


def tally(rec: dict[str, Any]) -> Tally:
    found = {d: 0 for d in DEFECTS}
    for rating in ratings(rec).values():
        if rating in found:
            found[rating] += 1
    return Tally(**found)


def aggregate(t: Tally, reading: str = "cascade") -> tuple[int, int, int]:
    """MIT-R18: 「評核結果統計」 (嚴重, 主要, 次要) under an AMB-01 reading.

    cascade: converted 主要 join the found ones and convert on to 嚴重;
    independent: only raw counts convert (⌊M0/3⌋ 嚴重, ⌊m0/3⌋ 主要).
    """
    if reading == "independent":
        return t.critical + t.major // 3, t.major % 3 + t.minor // 3, t.minor % 3
    major_total = t.major + t.minor // 3
    return t.critical + major_total // 3, major_total % 3, t.minor % 3


def reading_of(ctx: Context) -> str:
    reading = ctx.option("reading", "cascade", rule="MIT-R18")
    return reading if reading in READINGS else "cascade"


def verdict(rec: dict[str, Any], t: Tally, stat: tuple[int, int, int]) -> str:
    """MIT-R19: 不通過 / 矯正計畫 / 通過 (要點28①; 附件七 一.1)."""
    if rec.get("refused") is True:
        return "fail"
    if obj(rec.get("doc1")).get("answer") == "no":
        return "fail"
    if stat[0] >= 1:
        return "fail"
    if t.major + t.minor >= 1:
        return "corrective_plan"
    return "pass"


def final_result(verdict_code: str, cap_outcome: Any) -> str:
    """The case's outcome once the corrective-plan closure (if any) is known."""
    if verdict_code == "corrective_plan":
        return {"passed": "pass", "failed": "fail"}.get(cap_outcome, "pending")
    return verdict_code


def assessment_date(rec: dict[str, Any]) -> date | None:
    """The site-visit date; the form prints only the signing date, so default to it."""
    return as_date(rec.get("assessment_date")) or as_date(rec.get("sign_date"))


def section2_required(rec: dict[str, Any]) -> bool:
    """Whether the form's flow leads into section 二 (MIT-R12/R13, AMB-52)."""
    if rec.get("refused") is True or obj(rec.get("doc1")).get("answer") == "no":
        return False
    doc3 = obj(rec.get("doc3")).get("answer")
    if doc3 == "assess":
        return True  # 「惟仍有評核之必要」
    return doc3 == "no" and obj(rec.get("doc2")).get("answer") != "yes"
