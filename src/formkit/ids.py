"""Taiwanese identifiers: 統一編號 (business) and 身分證統一編號 (personal).

A national id must never reach a log or an error message: use :func:`mask_national_id`.
"""

from __future__ import annotations

import re

from .masking import mask_national_id

__all__ = ["mask_national_id", "national_id_valid", "ubn_valid"]

# ASCII digits only, matched whole ("$" would also accept a trailing newline).
_UBN = re.compile(r"[0-9]{8}")
_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)
_NID = re.compile(r"[A-Z][12][0-9]{8}")
# Letter values of the 身分證 first letter (A=10 … Z=33, with the historical order).
_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"


def ubn_valid(ubn: str) -> bool:
    """The 統一編號 checksum under the current rule (sum divisible by 5).

    The older rule required divisibility by 10; every number valid under it is
    also valid now. When the 7th digit is 7, its product's two digits may be
    summed either way (10 → 1 or 0).
    """
    if not isinstance(ubn, str) or not _UBN.fullmatch(ubn):
        return False
    total = 0
    for digit, weight in zip(ubn, _WEIGHTS, strict=True):
        p = int(digit) * weight
        total += p // 10 + p % 10
    if total % 5 == 0:
        return True
    return ubn[6] == "7" and (total + 1) % 5 == 0


def national_id_valid(nid: str) -> bool:
    if not isinstance(nid, str) or not _NID.fullmatch(nid):
        return False
    code = _LETTERS.index(nid[0]) + 10
    total = code // 10 + (code % 10) * 9
    for i, ch in enumerate(nid[1:9]):
        total += int(ch) * (8 - i)
    total += int(nid[9])
    return total % 10 == 0


