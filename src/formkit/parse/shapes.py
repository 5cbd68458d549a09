"""Shapes printed on a formkit page, found in a binarised scan: ruling lines,
the table cells they make, and tick boxes.

The shapes are simple (straight thin rules, square boxes), so run lengths and
integral images find them with numpy alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# The resolution pages are brought to (raster normalises them); sizes below are
# in inches or in the 10.5 pt body text, converted at this resolution.
DPI = 300


@dataclass
class Box:
    """A printed tick box found in the pixels, and whether it is ticked."""

    x0: int
    y0: int
    x1: int
    y1: int
    ticked: bool
    sure: float  # how clear the decision is, 0..1


@dataclass
class Cell:
    x0: int
    y0: int
    x1: int
    y1: int
    row: int  # index of the lattice row the cell starts in


@dataclass
class Table:
    x0: int
    y0: int
    x1: int
    y1: int
    cells: list[Cell] = field(default_factory=list)


def inch(n: float) -> int:
    return max(1, round(n * DPI))


def window(c: np.ndarray, n: int, axis: int) -> np.ndarray:
    """Sums over windows of n along an axis, from a cumulative sum with a leading zero."""
    out: np.ndarray = c[n:] - c[:-n] if axis == 0 else c[:, n:] - c[:, :-n]
    return out


def cumsum0(a: np.ndarray, axis: int) -> np.ndarray:
    """Cumulative sum along an axis with a leading zero (so window sums are differences)."""
    shape = list(a.shape)
    shape[axis] += 1
    out = np.zeros(shape, dtype=np.int32)
    np.cumsum(a, axis=axis, dtype=np.int32, out=out[1:] if axis == 0 else out[:, 1:])
    return out


# ---------------------------------------------------------------- ruling lines


@dataclass
class _Seg:
    pos: int  # y of a horizontal rule, x of a vertical one (centre)
    a: int  # start along the rule
    b: int  # end along the rule (inclusive)
    lo: int  # first row (or column) of its thickness
    hi: int  # last row (or column)


def _long_runs(dark: np.ndarray, length: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of every horizontal run of ink at least ``length`` long."""
    h, w = dark.shape
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = dark
    d = np.diff(padded, axis=1)
    sy, sx = np.nonzero(d == 1)
    ey, ex = np.nonzero(d == -1)
    keep = (ex - sx) >= length
    return list(zip(sy[keep].tolist(), sx[keep].tolist(), (ex[keep] - 1).tolist(), strict=True))


def _rules(dark: np.ndarray, length: int) -> list[_Seg]:
    """Horizontal rules: long runs of ink, the rows of one rule merged.

    Each row is ORed with the next two first, so a rule that the deskew left a
    pixel off level still gives one unbroken run, and breaks of a few pixels
    (a faint print, noise) are bridged. Pieces of one rule that still come
    apart are joined afterwards.
    """
    thick = dark.copy()
    thick[:-1] |= dark[1:]
    thick[:-2] |= dark[2:]
    left = np.zeros_like(thick)
    right = np.zeros_like(thick)
    for k in (1, 2, 3):
        left[:, k:] |= thick[:, :-k]
        right[:, :-k] |= thick[:, k:]
    thick |= left & right
    segs: list[_Seg] = []
    open_: list[_Seg] = []
    for y, a, b in sorted(_long_runs(thick, length)):
        for s in open_:
            if s.hi >= y - 1 and a <= s.b and b >= s.a:
                s.hi, s.a, s.b = y, min(s.a, a), max(s.b, b)
                break
        else:
            s = _Seg(0, a, b, y, y)
            open_.append(s)
            segs.append(s)
        open_ = [o for o in open_ if o.hi >= y - 1]
    for s in segs:
        s.lo = min(s.lo + 2, s.hi)  # the OR above reached two rows up
    segs = _joined(segs, inch(0.03))
    return [s for s in segs if s.hi - s.lo <= inch(0.04)]  # a bar, not a filled area


def _joined(segs: list[_Seg], gap: int) -> list[_Seg]:
    """Pieces of one rule (rows overlapping or adjacent, ends close) as one segment."""
    out: list[_Seg] = []
    for s in sorted(segs, key=lambda s: (s.a, s.lo)):
        for o in out:
            if s.lo <= o.hi + 2 and s.hi >= o.lo - 2 and s.a <= o.b + gap:
                o.a, o.b = min(o.a, s.a), max(o.b, s.b)
                o.lo, o.hi = min(o.lo, s.lo), max(o.hi, s.hi)
                break
        else:
            out.append(_Seg(0, s.a, s.b, s.lo, s.hi))
    for s in out:
        s.pos = (s.lo + s.hi) // 2
    return out


def find_rules(dark: np.ndarray) -> tuple[list[_Seg], list[_Seg]]:
    """Horizontal and vertical rules: ink runs longer than any stroke of a glyph."""
    length = inch(0.22)
    return _rules(dark, length), _rules(dark.T, length)


# ---------------------------------------------------------------- tables


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union(parent: list[int], a: int, b: int) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)


def _cluster(values: list[int], tol: int) -> list[int]:
    out: list[int] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def find_tables(hs: list[_Seg], vs: list[_Seg]) -> list[Table]:
    """Tables: groups of rules that cross, cut into cells the way pdfplumber does.

    A cell is a lattice square merged with its neighbours across every
    missing rule (colspan, rowspan); a table row is the cells that start in
    the same lattice row, left to right.
    """
    tol = inch(0.02)
    # A rule of the grid ends on crossing rules at both ends; an underline for a
    # blank that runs into a cell's side does not, and cuts no cell.
    hs = [h for h in hs if _ends_on(h, vs, tol)]
    vs = [v for v in vs if _ends_on(v, hs, tol)]
    n = len(hs) + len(vs)
    parent = list(range(n))
    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h.a - tol <= v.pos <= h.b + tol and v.a - tol <= h.pos <= v.b + tol:
                _union(parent, i, len(hs) + j)
    groups: dict[int, tuple[list[_Seg], list[_Seg]]] = {}
    for i in range(n):
        root = _find(parent, i)
        g = groups.setdefault(root, ([], []))
        (g[0].append(hs[i]) if i < len(hs) else g[1].append(vs[i - len(hs)]))
    tables = []
    for gh, gv in groups.values():
        if len(gh) >= 2 and len(gv) >= 2:
            table = _lattice(gh, gv, tol)
            if table.cells:
                tables.append(table)
    # A frame drawn around the page (a certificate's border) is no table.
    tables = [t for t in tables if not any(_encloses(t, o) for o in tables if o is not t)]
    return sorted(tables, key=lambda t: t.y0)


def _encloses(outer: Table, inner: Table) -> bool:
    return (outer.x0 <= inner.x0 and outer.y0 <= inner.y0 and outer.x1 >= inner.x1
            and outer.y1 >= inner.y1)


def _ends_on(seg: _Seg, across: list[_Seg], tol: int) -> bool:
    def meets(end: int) -> bool:
        return any(abs(o.pos - end) <= tol and o.a - tol <= seg.pos <= o.b + tol for o in across)

    return meets(seg.a) and meets(seg.b)


def _covers(segs: list[_Seg], pos: int, at: int, tol: int) -> bool:
    return any(abs(s.pos - pos) <= tol and s.a - tol <= at <= s.b + tol for s in segs)


def _lattice(hs: list[_Seg], vs: list[_Seg], tol: int) -> Table:
    ys = _cluster([h.pos for h in hs], tol)
    xs = _cluster([v.pos for v in vs], tol)
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))
    for i in range(rows):
        ymid = (ys[i] + ys[i + 1]) // 2
        for j in range(cols):
            xmid = (xs[j] + xs[j + 1]) // 2
            if j + 1 < cols and not _covers(vs, xs[j + 1], ymid, tol):
                _union(parent, i * cols + j, i * cols + j + 1)
            if i + 1 < rows and not _covers(hs, ys[i + 1], xmid, tol):
                _union(parent, i * cols + j, (i + 1) * cols + j)
    spans: dict[int, list[int]] = {}
    for k in range(rows * cols):
        i, j = divmod(k, cols)
        r = _find(parent, k)
        s = spans.setdefault(r, [i, j, i, j])
        s[0], s[1] = min(s[0], i), min(s[1], j)
        s[2], s[3] = max(s[2], i), max(s[3], j)
    cells = []
    for i0, j0, i1, j1 in spans.values():
        top = all(_covers(hs, ys[i0], (xs[j] + xs[j + 1]) // 2, tol) for j in range(j0, j1 + 1))
        left = all(_covers(vs, xs[j0], (ys[i] + ys[i + 1]) // 2, tol) for i in range(i0, i1 + 1))
        thin = min(xs[j1 + 1] - xs[j0], ys[i1 + 1] - ys[i0]) < inch(0.08)
        if top and left and not thin:  # not a notch outside the outline, nor a double rule
            cells.append(Cell(xs[j0], ys[i0], xs[j1 + 1], ys[i1 + 1], i0))
    cells.sort(key=lambda c: (c.row, c.x0))
    return Table(xs[0], ys[0], xs[-1], ys[-1], cells)


# ---------------------------------------------------------------- tick boxes


def _pool(dark: np.ndarray) -> np.ndarray:
    """Half size, a pixel inked if any of its four was: thin strokes survive."""
    h, w = dark.shape[0] // 2 * 2, dark.shape[1] // 2 * 2
    d = dark[:h, :w]
    half: np.ndarray = d[0::2, 0::2] | d[1::2, 0::2] | d[0::2, 1::2] | d[1::2, 1::2]
    return half


BOX_PX = 36 * DPI / 300  # side of □ in Noto Sans CJK at 10.5 pt


def find_boxes(dark: np.ndarray) -> list[Box]:
    """Printed tick boxes (□, ■, a □ with a V or X over it) and whether each is ticked.

    A box is a square whose four sides are unbroken, about 0.8 em of the
    10.5 pt text, with white around it. The search runs on a half-size image
    (four times fewer pixels); each square found is then measured at full
    size. What is inside decides: nothing (□), ink almost everywhere (■), or
    a mark without the straight inner strokes of a glyph like 田 or 回.
    """
    found = _squares(_pool(dark), BOX_PX / 2)
    return _boxes([(2 * y, 2 * x, 2 * s) for y, x, s in found], dark)


def _squares(dark: np.ndarray, nominal: float) -> list[tuple[int, int, int]]:
    """(y, x, side) of squares with unbroken sides and white around them, best first."""
    sizes = range(round(nominal * 0.8), round(nominal * 1.25) + 1)
    t = 2
    h, w = dark.shape
    if h < sizes[-1] + 8 or w < sizes[-1] + 8:
        return []
    a = dark.astype(np.uint8)
    # Per column, whether a t-high band starting at each row holds ink; rows likewise.
    hband = window(cumsum0(a, 0), t, 0) > 0  # (h-t+1, w)
    vband = window(cumsum0(a, 1), t, 1) > 0  # (h, w-t+1)
    ch = cumsum0(hband, 1)  # (h-t+1, w+1)
    cv = cumsum0(vband, 0)  # (h+1, w-t+1)
    s0 = sizes[0]
    top = window(ch, s0, 1)
    left = window(cv, s0, 0)
    hh = min(top.shape[0], left.shape[0])
    ww = min(top.shape[1], left.shape[1])
    ys, xs = np.nonzero((top[:hh, :ww] >= 0.9 * s0) & (left[:hh, :ww] >= 0.9 * s0))
    if len(ys) == 0 or len(ys) > 200_000:  # none, or a photo rather than a page of text
        return []
    integral = cumsum0(cumsum0(a, 0), 1)

    def rect(y0: np.ndarray, x0: np.ndarray, y1: np.ndarray, x1: np.ndarray) -> np.ndarray:
        y0, y1 = np.clip(y0, 0, h), np.clip(y1, 0, h)
        x0, x1 = np.clip(x0, 0, w), np.clip(x1, 0, w)
        sums: np.ndarray = (integral[y1, x1] - integral[y0, x1] - integral[y1, x0]
                            + integral[y0, x0])
        return sums

    found: list[tuple[float, int, int, int]] = []
    for s in sizes:
        ok = (ys + s <= h - 1) & (xs + s <= w - 1) & (ys >= 2) & (xs >= 2)
        y, x = ys[ok], xs[ok]
        if len(y) == 0:
            continue
        sides = np.stack([
            (ch[y, x + s] - ch[y, x]) / s,
            (ch[y + s - t, x + s] - ch[y + s - t, x]) / s,
            (cv[y + s, x] - cv[y, x]) / s,
            (cv[y + s, x + s - t] - cv[y, x + s - t]) / s,
        ]).min(axis=0)
        outer = rect(y - 1, x - 1, y + s + 1, x + s + 1) - rect(y, x, y + s, x + s)
        ring = outer / ((s + 2) ** 2 - s * s)
        good = (sides >= 0.92) & (ring <= 0.12)
        for k in np.nonzero(good)[0]:
            found.append((float(sides[k]) - float(ring[k]), int(y[k]), int(x[k]), s))
    kept: list[tuple[int, int, int]] = []
    for _score, y0, x0, s in sorted(found, key=lambda f: (-f[0], -f[3])):
        if not any(abs(y0 - ky) < ks and abs(x0 - kx) < ks for ky, kx, ks in kept):
            kept.append((y0, x0, s))
    return kept


def _frame(dark: np.ndarray, y: int, x: int, s: int) -> tuple[int, int, int, int] | None:
    """The box's outline at full size: the outermost rows and columns mostly inked."""
    y0, x0 = max(0, y - 3), max(0, x - 3)
    part = dark[y0 : y + s + 3, x0 : x + s + 3]
    rows = np.nonzero(part.sum(axis=1) >= 0.6 * s)[0]
    cols = np.nonzero(part.sum(axis=0) >= 0.6 * s)[0]
    if len(rows) < 2 or len(cols) < 2:
        return None
    return y0 + int(rows[0]), x0 + int(cols[0]), y0 + int(rows[-1]) + 1, x0 + int(cols[-1]) + 1


def _boxes(kept: list[tuple[int, int, int]], dark: np.ndarray) -> list[Box]:
    if not kept:
        return []
    # Boxes on a page share one size; a square of another size is a glyph (口).
    common = int(np.argmax(np.bincount(np.array([s for _, _, s in kept]))))
    out = []
    for y, x, s in kept:
        if abs(s - common) > max(2, round(common * 0.06)):
            continue
        frame = _frame(dark, y, x, s)
        if frame is None:
            continue
        y0, x0, y1, x1 = frame
        side = max(y1 - y0, x1 - x0)
        if abs((y1 - y0) - (x1 - x0)) > max(3, side // 10):
            continue
        m = max(3, round(side / 7))
        inside = dark[y0 + m : y1 - m, x0 + m : x1 - m]
        if inside.size == 0:
            continue
        decided = _tick(inside, float(inside.mean()))
        if decided is not None:
            out.append(Box(x0, y0, x1, y1, decided[0], decided[1]))
    return out


def _tick(inside: np.ndarray, share: float) -> tuple[bool, float] | None:
    """(ticked, sureness) from the ink inside a box; None when it is a glyph, not a box."""
    if share <= 0.02:
        return False, 1.0 - share * 10
    if share >= 0.85:
        return True, min(1.0, 0.7 + 2 * (share - 0.85))
    if share > 0.4:
        return None  # a dense glyph (興, 鑑) that the search took for a square
    # A hand or typed V or X crosses the inside diagonally; 田, 回 or 日 have long
    # straight inner strokes. Rows and columns with a long run of ink betray them.
    hi, wi = inside.shape
    if (inside.sum(axis=1) >= 0.6 * wi).any() or (inside.sum(axis=0) >= 0.6 * hi).any():
        return None
    return True, 0.6 if share >= 0.06 else 0.4
