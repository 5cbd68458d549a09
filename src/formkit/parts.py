"""Shared pieces of a form's layout, written once and expanded into plain blocks.

A form.yaml may use these besides the plain blocks (``heading``, ``text``, ``grid``,
``table``, ``signatures``, ``notes``). Each expands, when the form is loaded, into plain
blocks, so every renderer and every parse route sees only what it already knows:

``addressee: 經濟部產業發展署``
    An application's closing 「此致」 line and the body it is addressed to.

``letterhead: {issuer, kind, to, date, number, attachments}``
    The head of a notice or decision (通知, 函, 決定書): the issuing body and the kind of
    document centred, then 受文者, 發文日期, 發文字號 (and 附件 when given). ``date`` and
    ``number`` are record keys; the others are templates.

``notice: {subject, explanation, basis, remedy}``
    The body of a notice: 主旨, 說明 with its items numbered 一、二、… (a list of
    templates), and 依據 and 救濟教示 when given.

``seal_block: {role, name, representative, date, date_label, seals}``
    The signer's block of an application or report: the signer and its 負責人, the date in
    ROC style, and the seal boxes (「{role}印章」 and 「負責人印章」 unless ``seals`` says
    otherwise).

``issuer_seal: {body, head, caption, date}``
    The issuing body of a notice or certificate, its head, and the body's seal.

``fee_table: {field, rows, item, amount, note, total}``
    A fee table: 項目, 金額（新臺幣元）, optionally 說明, one row per entry, and the total
    (a record key, usually derived) under it.
"""

from __future__ import annotations

from typing import Any

# The numbers of a notice's items and of a table's rows printed as 一、二、….
ZH_NUMBERS = "一二三四五六七八九十"

PARTS = ("addressee", "letterhead", "notice", "seal_block", "issuer_seal", "fee_table")


def _when(spec: dict[str, Any]) -> dict[str, Any]:
    return {"when": spec["when"]} if spec.get("when") else {}


def addressee(spec: Any) -> list[dict[str, Any]]:
    to = spec.get("to", "") if isinstance(spec, dict) else spec
    return [{"text": {"t": "此致", "style": "lead", "keep": True}}, {"text": {"t": str(to)}}]


def letterhead(spec: dict[str, Any]) -> list[dict[str, Any]]:
    issuer = str(spec.get("issuer", ""))
    kind = str(spec.get("kind", ""))
    head = f"{issuer}　{kind}".strip("　") if kind else issuer
    rows: list[list[Any]] = []
    if spec.get("to"):
        rows.append(["受文者：", str(spec["to"])])
    if spec.get("date"):
        rows.append(["發文日期：", "{" + str(spec["date"]) + "}"])
    if spec.get("number"):
        rows.append(["發文字號：", "{" + str(spec["number"]) + "}"])
    if spec.get("attachments"):
        rows.append(["附件：", str(spec["attachments"])])
    return [
        {"text": {"t": head, "style": "center"}},
        {"grid": {"widths": [2, 8], "style": "plain", "rows": rows}},
    ]


def notice(spec: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[list[Any]] = [["主旨：", str(spec.get("subject", ""))]]
    items = spec.get("explanation") or []
    if isinstance(items, str):
        items = [items]
    for i, item in enumerate(items):
        number = ZH_NUMBERS[i] if i < len(ZH_NUMBERS) else str(i + 1)
        rows.append(["說明：" if i == 0 else "", f"{number}、{item}"])
    if spec.get("basis"):
        rows.append(["依據：", str(spec["basis"])])
    if spec.get("remedy"):
        rows.append(["救濟教示：", str(spec["remedy"])])
    return [{"grid": {"widths": [1.6, 8.4], "style": "plain", "keep": False, "rows": rows}}]


def seal_block(spec: dict[str, Any]) -> list[dict[str, Any]]:
    role = str(spec.get("role", "申請人"))
    rows: list[list[Any]] = [[f"{role}：", str(spec.get("name", ""))]]
    if spec.get("representative"):
        rows.append(["負責人：", str(spec["representative"])])
    if spec.get("date"):
        label = str(spec.get("date_label", "日期"))
        rows.append([f"{label}：", "{" + str(spec["date"]) + "|date_long}"])
    seals = spec.get("seals")
    if seals is None:
        seals = [{"caption": f"{role}印章", "size": 35}]
        if spec.get("representative"):
            seals.append({"caption": "負責人印章", "size": 20})
    return [{"signatures": {"widths": [2, 7], "style": "plain", "rows": rows, "seals": seals,
                            **_when(spec)}}]


def issuer_seal(spec: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[list[Any]] = [["發證機關：" if spec.get("certificate") else "機關：",
                              str(spec.get("body", ""))]]
    if spec.get("head"):
        rows.append([str(spec.get("head_label", "首長")) + "：", str(spec["head"])])
    if spec.get("date"):
        rows.append([str(spec.get("date_label", "日期")) + "：",
                     "{" + str(spec["date"]) + "|date_long}"])
    caption = str(spec.get("caption", "機關印信"))
    return [{"signatures": {"widths": [2, 7], "style": "plain", "rows": rows,
                            "seals": [{"caption": caption, "size": 35}], **_when(spec)}}]


def fee_table(spec: dict[str, Any]) -> list[dict[str, Any]]:
    columns = [
        {"header": "項次", "t": "{#}", "width": 0.8},
        {"header": "項目", "t": str(spec.get("item", "{.item}")), "width": 5},
        {"header": "金額（新臺幣元）", "t": str(spec.get("amount", "{.amount}")), "width": 2.4},
    ]
    if spec.get("note"):
        columns.append({"header": "說明", "t": str(spec["note"]), "width": 3})
    table = {"field": spec["field"], "rows": int(spec.get("rows", 3)), "columns": columns}
    out: list[dict[str, Any]] = [{"table": {**table, **_when(spec)}}]
    if spec.get("total"):
        widths = [5.8, 2.4] + ([3] if spec.get("note") else [])
        row: list[Any] = ["合計", "{" + str(spec["total"]) + "}"]
        if spec.get("note"):
            row.append("")
        out.append({"grid": {"widths": widths, "rows": [row], **_when(spec)}})
    return out


_EXPAND = {
    "addressee": addressee,
    "letterhead": letterhead,
    "notice": notice,
    "seal_block": seal_block,
    "issuer_seal": issuer_seal,
    "fee_table": fee_table,
}


def expand(layout: list[Any]) -> list[Any]:
    """The layout with every shared part replaced by the plain blocks it stands for."""
    out: list[Any] = []
    for spec in layout or []:
        kind = next(iter(spec)) if isinstance(spec, dict) and len(spec) == 1 else None
        if kind in _EXPAND:
            out += _EXPAND[kind](spec[kind])
        else:
            out.append(spec)
    return out
