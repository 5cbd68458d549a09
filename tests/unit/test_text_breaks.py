"""Line breaks in a cell of an office suite's PDF: wrapped, typed, or in doubt."""

from __future__ import annotations

from formkit.parse.text import DOUBT, WRAP, _doubtful, _join_lines


def _line(text: str, x0: float, size: float = 10.0) -> dict:
    chars, x = [], x0
    for ch in text:
        w = size if not ch.isascii() else size * 0.5
        chars.append({"text": ch, "x0": x, "x1": x + w, "size": size})
        x += w
    return {"text": text, "x0": x0, "x1": x, "chars": chars}


def test_a_code_after_a_line_that_ends_near_the_edge_is_in_doubt() -> None:
    prev = _line("缺失說明：申請案編號", 0)  # ends at 100
    assert _doubtful(prev, _line("MIT-TX-113-0457", 0), limit=125)
    assert not _doubtful(prev, _line("MIT-TX-113-0457", 0), limit=200)  # room left: typed
    assert not _doubtful(prev, _line("第二行", 0), limit=125)  # CJK: the usual judgement stands


def test_a_doubtful_break_is_kept_and_asks_for_review() -> None:
    assert _join_lines(f"一行{DOUBT}MIT-1", multiline=True) == ("一行\nMIT-1", True)
    assert _join_lines("一行\n二行", multiline=True) == ("一行\n二行", False)
    assert _join_lines(f"一{WRAP}行", multiline=True) == ("一行", True)
