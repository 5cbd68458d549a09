"""A mutation fuzzer for ``formkit.parse_pdf`` (issue 5): the long run, outside pytest.

    .venv/bin/python fuzz/fuzz_parse.py --minutes 20            # about 20 minutes
    .venv/bin/python fuzz/fuzz_parse.py --inputs 500 --seed 7   # a fixed number of inputs
    .venv/bin/python fuzz/fuzz_parse.py --replay fuzz/crashes/  # run saved inputs again

The seed corpus is made on the first run (in ``fuzz/.corpus/``): for every form of
the catalogue, its sample filled and rendered to PDF, the blank PDF, the fillable
blank and the fillable blank filled in with pypdf; the blank DOCX of a few forms
exported to PDF by LibreOffice when ``soffice`` is installed (an office suite's PDF);
and one page of a filled form rasterised into an image-only PDF (a scan).

Each input is a seed with 1 to 8 mutations: bits flipped, bytes replaced, inserted
(random, or PDF tokens), deleted or duplicated, numbers changed in object headers,
references, lengths, counts and xref offsets, the file cut short, a piece of another
seed spliced in, and a compressed stream inflated, mutated and deflated again (so the
content-stream parsers see bytes that inflate). Every input goes through
``parse_pdf`` with small caps (``--timeout``, default 20 s).

Outcomes: ``ok`` (a record), ``refused`` (a FormkitError; by class, and by cap for
LimitExceeded), ``crash`` (any other exception: a bug, saved to ``fuzz/crashes/``
with its traceback), ``hang`` (the time cap was reached: saved to ``fuzz/hangs/``;
``over_cap`` counts parses that took longer than the cap plus a margin, which
would mean the cap did not hold), ``worker_died`` (the worker was killed by a
signal; saved to ``fuzz/deaths/``) and ``suspicious`` (an EnvironmentProblem:
tesseract is installed, so a file that makes it fail is misreported; saved to
``fuzz/suspicious/``). A JSON summary goes to stdout at the end
(and on Ctrl-C); progress goes to stderr.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import zlib
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
AS_OF = date(2024, 6, 1)
MARGIN_S = 10.0  # a parse longer than its cap by more than this: the cap did not hold

# ---------------------------------------------------------------- the seed corpus


def build_corpus(folder: Path, *, office: bool = True, log: Any = print) -> list[Path]:
    """The seeds (made once, then read from ``folder``)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = folder / ".complete"
    if done.exists():
        return sorted(p for p in folder.glob("*.pdf"))
    import formkit
    from formkit.forms import catalog
    from formkit.render.fillable import field_values, prefill, render_fillable_pdf

    log("fuzz: building the seed corpus (about a minute)")
    docx: dict[str, bytes] = {}
    for form in catalog():
        stem = form.id.replace("/", "__")
        record = formkit.fill(form.id, form.sample, as_of=AS_OF).record
        (folder / f"{stem}.filled.pdf").write_bytes(formkit.render_pdf(form.id, record))
        (folder / f"{stem}.blank.pdf").write_bytes(formkit.render_pdf(form.id, None))
        blank = render_fillable_pdf(form.id)
        (folder / f"{stem}.fillable.pdf").write_bytes(blank)
        try:
            from formkit.parse.fields import acroform_values
            from formkit.parse.pdfio import open_pdf

            names = sorted(acroform_values(open_pdf(blank, name="blank"), "blank") or {})
            filled = prefill(blank, field_values(form.id, record, names))
            (folder / f"{stem}.fillable-filled.pdf").write_bytes(filled)
        except Exception as exc:  # noqa: BLE001 - a seed less
            log(f"fuzz: no filled fillable seed for {form.id}: {exc}")
        docx[stem] = formkit.render_docx(form.id, record)
    soffice = shutil.which("soffice")
    if office and soffice:
        with tempfile.TemporaryDirectory() as tmp:
            for stem, data in list(docx.items())[:3]:
                (Path(tmp) / f"{stem}.docx").write_bytes(data)
            try:
                subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/lo",
                                "--convert-to", "pdf", "--outdir", tmp,
                                *sorted(str(p) for p in Path(tmp).glob("*.docx"))],
                               check=True, capture_output=True, timeout=600)
                for pdf in Path(tmp).glob("*.pdf"):
                    shutil.copy(pdf, folder / f"{pdf.stem}.office.pdf")
            except (subprocess.SubprocessError, OSError) as exc:
                log(f"fuzz: no office-suite seeds ({exc})")
    _scan_seed(folder)
    done.write_text("ok\n", encoding="ascii")
    return sorted(p for p in folder.glob("*.pdf"))


def _scan_seed(folder: Path) -> None:
    """One page of a filled form as a 150 dpi image-only PDF: the OCR route."""
    import pypdfium2 as pdfium

    source = folder / "mit__annex-11-product-certificate.filled.pdf"
    doc = pdfium.PdfDocument(source.read_bytes())
    image = doc[0].render(scale=150 / 72, grayscale=True).to_pil().convert("L")
    doc.close()
    out = io.BytesIO()
    image.save(out, "PDF", resolution=150)
    (folder / "scan.pdf").write_bytes(out.getvalue())


# ---------------------------------------------------------------- mutations

TOKENS = [b"<<", b">>", b"[", b"]", b"(", b")", b"/", b" R ", b" 0 obj", b"endobj", b"stream\n",
          b"\nendstream", b"xref\n", b"trailer", b"startxref\n", b"%%EOF", b"/Kids [", b"/Parent ",
          b"/Prev ", b"/Length ", b"/Filter /FlateDecode", b"/Type /Page", b"/Count ", b"Tj",
          b"TJ", b"BT", b"ET", b"Do", b"cm", b"re f", b"-1", b"0", b"4294967296",
          b"99999999999999999999", b"1e308", b"NaN", b"\x00", b"\xff" * 8, b"#", b"\\",
          b"/Encoding /Identity-H", b"/ToUnicode ", b"/W [", b"/Annots [", b"/AcroForm <<",
          b"/Fields [", b"/V (", b"/EmbeddedFiles", b"/Names [", b"/DecodeParms << /Predictor 15"
          b" /Columns 100000 >>"]
NUMBERS = re.compile(rb"\d+(?= \d+ obj| \d+ R)|(?<=/Length )\d+|(?<=/Count )\d+|"
                     rb"(?<=startxref\n)\d+|(?<=/Size )\d+|(?<=/Prev )\d+|(?<=/W \[)\d+|"
                     rb"(?<=/First )\d+|(?<=/N )\d+|(?<=/Columns )\d+|(?<=/Width )\d+|"
                     rb"(?<=/Height )\d+")
STREAM = re.compile(rb"<<(?:(?!<<|>>).|<<(?:(?!>>).)*>>){0,400}?/FlateDecode"
                    rb"(?:(?!stream).){0,400}?>>\s*stream\r?\n", re.S)


def _number(rng: random.Random) -> bytes:
    return rng.choice([b"0", b"1", b"-1", b"2", b"255", b"65535", b"2147483647", b"2147483648",
                       b"4294967295", b"99999999999999", str(rng.randrange(10**7)).encode()])


def _basic(data: bytearray, rng: random.Random, seeds: list[bytes]) -> None:
    n = len(data)
    at = rng.randrange(n) if n else 0
    op = rng.choice(["flip", "byte", "insert", "token", "delete", "dup", "number", "truncate",
                     "splice"])
    if op == "flip" and n:
        data[at] ^= 1 << rng.randrange(8)
    elif op == "byte" and n:
        data[at] = rng.randrange(256)
    elif op == "insert":
        data[at:at] = rng.randbytes(rng.randrange(1, 64))
    elif op == "token":
        data[at:at] = rng.choice(TOKENS)
    elif op == "delete" and n:
        del data[at:at + rng.choice([1, 2, 8, 64, 512, 4096])]
    elif op == "dup" and n:
        piece = data[at:at + rng.choice([1, 16, 256, 4096])]
        where = rng.randrange(n)
        data[where:where] = piece * rng.choice([1, 2, 16])
    elif op == "number":
        spots = list(NUMBERS.finditer(data))
        if spots:
            m = rng.choice(spots)
            data[m.start():m.end()] = _number(rng)
    elif op == "truncate" and n > 64:
        del data[rng.randrange(n // 4, n):]
    elif op == "splice":
        other = rng.choice(seeds)
        start = rng.randrange(len(other))
        data[at:at] = other[start:start + rng.choice([64, 1024, 16384])]


def _in_stream(data: bytearray, rng: random.Random, seeds: list[bytes]) -> bool:
    """Inflate one FlateDecode stream, mutate it, deflate it again and fix its /Length."""
    heads = list(STREAM.finditer(data))
    if not heads:
        return False
    head = rng.choice(heads)
    end = data.find(b"endstream", head.end())
    if end < 0:
        return False
    try:
        d = zlib.decompressobj()
        inner = bytearray(d.decompress(bytes(data[head.end():end]), 8 << 20))
    except zlib.error:
        return False
    if not inner:
        return False
    for _ in range(rng.randrange(1, 4)):
        _basic(inner, rng, [bytes(inner)])
    packed = zlib.compress(bytes(inner))
    header = re.sub(rb"/Length \d+( \d+ R)?", b"/Length %d" % len(packed), bytes(data[
        head.start():head.end()]), count=1)
    data[head.start():end] = header + packed + b"\n"
    return True


def mutate(seed: bytes, rng: random.Random, seeds: list[bytes]) -> bytes:
    data = bytearray(seed)
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4, 8])):
        if rng.random() < 0.25 and _in_stream(data, rng, seeds):
            continue
        _basic(data, rng, seeds)
    return bytes(data)


# ---------------------------------------------------------------- running inputs


class Tally:
    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self.crash_kinds: Counter[str] = Counter()
        self.saved: list[str] = []
        self.slowest: list[tuple[float, str]] = []
        self.total_s = 0.0

    def save(self, kind: str, data: bytes, note: str) -> str:
        digest = hashlib.sha1(data).hexdigest()[:16]
        folder = self.out_dir / kind
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{digest}.pdf"
        path.write_bytes(data)
        (folder / f"{digest}.txt").write_text(note, encoding="utf-8")
        return str(path.relative_to(self.out_dir.parent) if self.out_dir.parent in path.parents
                   else path)

    def record(self, data: bytes, origin: str, outcome: str, detail: str, elapsed: float,
               note: str = "") -> None:
        with self.lock:
            self.counts["inputs"] += 1
            self.counts[outcome] += 1
            self.total_s += elapsed
            if outcome == "refused":
                self.refused[detail] += 1
            self.slowest = sorted([*self.slowest, (elapsed, f"{origin}: {outcome} {detail}")],
                                  reverse=True)[:5]
            if outcome in ("crash", "hang", "worker_died", "over_cap", "suspicious"):
                if outcome in ("crash", "suspicious"):
                    self.crash_kinds[detail[:200]] += 1
                folder = {"crash": "crashes", "hang": "hangs", "worker_died": "deaths",
                          "over_cap": "hangs", "suspicious": "suspicious"}[outcome]
                path = self.save(folder, data, f"seed: {origin}\n{outcome}: {detail}\n"
                                               f"elapsed: {elapsed:.2f} s\n\n{note}")
                if len(self.saved) < 200:
                    self.saved.append(path)


def run_one(data: bytes, origin: str, limits: Any, tally: Tally) -> None:
    from formkit import parse_pdf
    from formkit.errors import EnvironmentProblem, FormkitError, LimitExceeded

    started = time.monotonic()
    timed_out = ""
    try:
        parse_pdf(data, as_of=AS_OF, limits=limits)
    except LimitExceeded as exc:
        elapsed = time.monotonic() - started
        limit = getattr(exc, "limit", "?")
        if limit == "time":
            timed_out = str(exc)
            tally.record(data, origin, "hang", str(exc), elapsed)
        elif limit == "memory" and "stopped by" in str(exc):
            tally.record(data, origin, "worker_died", str(exc), elapsed)
        else:
            tally.record(data, origin, "refused", f"LimitExceeded[{limit}]", elapsed)
    except EnvironmentProblem as exc:
        # tesseract is installed: a file that makes it fail is not the machine's fault
        tally.record(data, origin, "suspicious", f"EnvironmentProblem: {exc}",
                     time.monotonic() - started)
    except FormkitError as exc:
        tally.record(data, origin, "refused", type(exc).__name__, time.monotonic() - started)
    except Exception as exc:  # noqa: BLE001 - what the fuzzer is looking for
        text = "".join(traceback.format_exception(exc))
        kind = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
        tally.record(data, origin, "crash", kind, time.monotonic() - started, text)
    else:
        tally.record(data, origin, "ok", "", time.monotonic() - started)
    elapsed = time.monotonic() - started
    if limits.timeout_s is None:
        return
    # The cap a parse had: what a time-out says it was allowed, else the most it could be.
    cap = (limits.timeout_s or 0) + limits.ocr_s_per_page * limits.max_pages
    if timed_out:
        m = re.search(r"\((\d+(?:\.\d+)?) s(?: \+ (\d+(?:\.\d+)?) s for each of the (\d+) )?",
                      timed_out)
        if m:
            cap = float(m[1]) + (float(m[2]) * int(m[3]) if m[2] else 0.0)
    if elapsed > cap + MARGIN_S:
        tally.record(data, origin, "over_cap", f"{elapsed:.1f} s for a cap of {cap:g} s",
                     elapsed)


def summary(tally: Tally, started: float, args: argparse.Namespace, seeds: int,
            interrupted: bool) -> dict[str, Any]:
    elapsed = time.monotonic() - started
    c = tally.counts
    return {
        "inputs": c["inputs"], "ok": c["ok"], "refused": c["refused"], "crashes": c["crash"],
        "hangs": c["hang"], "over_cap": c["over_cap"], "worker_died": c["worker_died"],
        "suspicious": c["suspicious"],
        "refused_by": dict(tally.refused.most_common()),
        "crash_kinds": dict(tally.crash_kinds.most_common()),
        "saved": tally.saved, "slowest": [{"s": round(s, 2), "input": w} for s, w in tally.slowest],
        "elapsed_s": round(elapsed, 1), "inputs_per_s": round(c["inputs"] / elapsed, 2)
        if elapsed else 0.0, "mean_parse_s": round(tally.total_s / c["inputs"], 3)
        if c["inputs"] else 0.0, "seeds": seeds, "seed": args.seed, "jobs": args.jobs,
        "timeout_s": args.timeout, "max_memory_mib": args.max_memory, "interrupted": interrupted,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=20.0, help="wall time to run (default 20)")
    parser.add_argument("--inputs", type=int, default=0, help="stop after this many inputs")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument("--jobs", type=int, default=1, help="parses side by side (default 1)")
    parser.add_argument("--timeout", type=float, default=20.0, help="time cap a parse (20 s)")
    parser.add_argument("--max-memory", type=int, default=1024, help="memory cap, MiB (1024)")
    parser.add_argument("--corpus", type=Path, default=HERE / ".corpus", help="seed folder")
    parser.add_argument("--out", type=Path, default=HERE, help="where crashes/ hangs/ deaths/ go")
    parser.add_argument("--no-office", action="store_true", help="no LibreOffice seeds")
    parser.add_argument("--only", action="append", default=[], metavar="GLOB",
                        help="only the seeds whose file name matches (repeatable): 'scan.pdf'")
    parser.add_argument("--replay", type=Path, help="run the saved inputs of a folder, no mutation")
    args = parser.parse_args(argv)
    args.seed = args.seed if args.seed is not None else random.randrange(2**32)

    from formkit.parse import Limits

    # A scan read by OCR keeps its 10 s a page: a slow OCR is not a hang.
    limits = Limits(timeout_s=args.timeout, max_memory_mib=args.max_memory)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    # The PDF libraries' warnings about broken files: millions of them, and not findings.
    logging.basicConfig(level=logging.ERROR, format="fuzz: %(name)s: %(message)s")

    tally = Tally(args.out)
    started = time.monotonic()
    if args.replay:
        files = sorted(args.replay.glob("*.pdf")) if args.replay.is_dir() else [args.replay]
        for path in files:
            run_one(path.read_bytes(), path.name, limits, tally)
        print(json.dumps(summary(tally, started, args, 0, False), indent=2))
        return 1 if tally.counts["crash"] or tally.counts["over_cap"] else 0

    seed_paths = build_corpus(args.corpus, office=not args.no_office, log=log)
    if args.only:
        import fnmatch

        seed_paths = [p for p in seed_paths if any(fnmatch.fnmatch(p.name, g) for g in args.only)]
        if not seed_paths:
            parser.error(f"no seed matches {args.only}")
    seeds = [p.read_bytes() for p in seed_paths]
    names = [p.name for p in seed_paths]
    log(f"fuzz: {len(seeds)} seeds, random seed {args.seed}, {args.jobs} job(s), "
        f"{args.minutes:g} min")
    rng = random.Random(args.seed)
    deadline = started + args.minutes * 60
    last = started
    interrupted = False

    def more() -> bool:
        if args.inputs and tally.counts["inputs"] + len(pending) >= args.inputs:
            return False
        return time.monotonic() < deadline

    pending: set[Future[None]] = set()
    try:
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            while more() or pending:
                while more() and len(pending) < args.jobs:
                    i = rng.randrange(len(seeds))
                    data = mutate(seeds[i], rng, seeds)
                    pending.add(pool.submit(run_one, data, names[i], limits, tally))
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    f.result()
                if time.monotonic() - last >= 30:
                    last = time.monotonic()
                    c = tally.counts
                    log(f"fuzz: {c['inputs']} inputs in {last - started:.0f} s: {c['ok']} ok, "
                        f"{c['refused']} refused, {c['crash']} crashes, {c['hang']} hangs, "
                        f"{c['worker_died']} worker deaths")
    except KeyboardInterrupt:
        interrupted = True
    print(json.dumps(summary(tally, started, args, len(seeds), interrupted), indent=2,
                     ensure_ascii=False))
    return 1 if tally.counts["crash"] or tally.counts["over_cap"] else 0


if __name__ == "__main__":
    sys.exit(main())
