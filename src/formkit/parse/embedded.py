"""The record formkit embeds in its own PDFs (DESIGN §2.4), read back."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..errors import NotAFormPDFError
from ..records import canonical_json
from ..render.pdf import ATTACHMENT_NAME


def embedded_payload(reader: Any, source: str) -> dict[str, Any] | None:
    """The formkit.json payload of an open pypdf reader, or None when there is none."""
    try:
        attachments = reader.attachments
    except Exception as exc:  # pypdf raises many types on broken name trees
        raise NotAFormPDFError(f"{source}: unreadable attachment table ({type(exc).__name__})") from exc
    if ATTACHMENT_NAME not in attachments:
        return None
    raw = attachments[ATTACHMENT_NAME][0]
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotAFormPDFError(f"{source}: the embedded {ATTACHMENT_NAME} is not valid JSON") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        raise NotAFormPDFError(f"{source}: the embedded {ATTACHMENT_NAME} has no record")
    if not isinstance(payload.get("form"), str):
        raise NotAFormPDFError(f"{source}: the embedded {ATTACHMENT_NAME} names no form")
    return payload


def digest_ok(payload: dict[str, Any]) -> bool:
    return hashlib.sha256(canonical_json(payload["data"])).hexdigest() == payload.get("sha256")


def read_embedded(path: Any) -> dict[str, Any] | None:
    """Open a PDF and return its formkit payload (None if it has none)."""
    from .pdfio import open_pdf

    reader = open_pdf(path)
    return embedded_payload(reader, str(path))
