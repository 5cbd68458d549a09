"""`formkit batch` over many records: wall time, documents per second, memory.

    .venv/bin/python benchmarks/batch.py --count 1000 -j 2
    .venv/bin/python benchmarks/batch.py --count 40 -j 2 --to pdf,docx --keep /tmp/out

Generates COUNT records from the form's sample (each with its own company, case
number and signatures, so every output differs), runs the `formkit` command as a
user would, and prints JSON:

- wall time and documents (files) per second, measured here;
- the batch report's own figures (elapsed, rendering time, rate, counts);
- the peak RSS of each worker as the worker reported it (``ru_maxrss``), and the
  worker's RSS after every ``--every`` documents (from the report's samples), with
  the growth from the first sample to the last: a flat line is what we want;
- the peak RSS of the parent ``formkit batch`` process (``wait4``'s rusage);
- with ``--trace``, RSS read from /proc every ``--trace`` seconds (parent, workers).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from formkit import get_form

ROOT = Path(__file__).resolve().parent.parent
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴徐"
GIVEN = ["志明", "淑芬", "建宏", "雅婷", "文雄", "美玲", "俊傑", "怡君", "宗翰", "佩珊"]
TRADES = ["紡織", "織造", "毛巾", "寢具", "成衣", "製襪", "針織", "染整"]


def records(form_id: str, count: int) -> list[dict[str, Any]]:
    """COUNT variants of the sample: names and numbers differ, the record stays valid."""
    sample = get_form(form_id).sample
    out = []
    for i in range(count):
        r = copy.deepcopy(sample)
        person = SURNAMES[i % len(SURNAMES)] + GIVEN[i // len(SURNAMES) % len(GIVEN)]
        assessor = SURNAMES[(i + 7) % len(SURNAMES)] + GIVEN[(i + 3) % len(GIVEN)]
        if form_id == "mit/annex-07-qms-assessment":
            r["company"] = f"{TRADES[i % len(TRADES)]}第{i + 1}號股份有限公司"
            r["summary"]["case_no"] = f"TTRC-MIT-113-{i + 1:05d}"
            r["company_rep_signature"] = person
            r["assessor_signature"] = assessor
        else:  # any other form: vary its number key when it has one
            key = get_form(form_id).meta.get("number_key")
            if key:
                node = r
                *parents, last = key.split(".")
                for part in parents:
                    node = node[part]
                node[last] = f"{node[last]}-{i + 1:05d}"
        out.append(r)
    return out


def _children(pid: int) -> list[int]:
    try:
        found = []
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found += [int(x) for x in fh.read().split()]
        return found
    except OSError:
        return []


def _status_kib(pid: int, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _workers(parent: int) -> list[int]:
    """The worker processes: children of the forkserver, itself a child of the parent."""
    found = []
    for child in _children(parent):
        grandchildren = _children(child)
        found += grandchildren
    return sorted(found)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--form", default="mit/annex-07-qms-assessment")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--to", default="pdf")
    ap.add_argument("--as-of", default="2024-06-01")
    ap.add_argument("--every", type=int, default=100,
                    help="report the worker RSS after every N documents (default 100)")
    ap.add_argument("--trace", type=float, default=0.0,
                    help="also read RSS from /proc every N seconds (0: off)")
    ap.add_argument("--keep", help="write the outputs here (default: a temporary folder)")
    args = ap.parse_args()

    formkit = str(Path(sys.executable).parent / "formkit")
    with tempfile.TemporaryDirectory(prefix="formkit-batch-bench-") as tmp:
        src = Path(tmp) / "records.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for r in records(args.form, args.count):
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        out = Path(args.keep) if args.keep else Path(tmp) / "out"
        cmd = [formkit, "batch", args.form, str(src), "-o", str(out), "-j", str(args.jobs),
               "--to", args.to, "--as-of", args.as_of, "--lang", "en"]
        trace: list[dict[str, Any]] = []
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        next_trace = t0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            now = time.perf_counter()
            if args.trace and now >= next_trace:
                trace.append({
                    "t_s": round(now - t0, 1),
                    "parent_rss_mib": round((_status_kib(proc.pid, "VmRSS") or 0) / 1024, 1),
                    "workers_rss_mib": [round((_status_kib(w, "VmRSS") or 0) / 1024, 1)
                                        for w in _workers(proc.pid)],
                })
                next_trace = now + args.trace
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code
        rep = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))

    workers = []
    for w in rep["workers"]:
        samples = w["rss_samples_kib"]
        picked, mark = [], args.every
        for docs, kib in samples:
            if docs >= mark:
                picked.append([docs, round(kib / 1024, 1)])
                mark = (docs // args.every + 1) * args.every
        if samples and (not picked or picked[-1][0] != samples[-1][0]):
            picked.append([samples[-1][0], round(samples[-1][1] / 1024, 1)])
        first, last = (samples[0][1], samples[-1][1]) if samples else (0, 0)
        workers.append({
            "pid": w["pid"],
            "documents": w["documents"],
            "peak_rss_mib": w["peak_rss_mib"],
            "rss_mib_by_documents": picked,
            "rss_growth_first_to_last_mib": round((last - first) / 1024, 1),
        })
    files = rep["counts"]["files_written"]
    result = {
        "form": args.form,
        "count": args.count,
        "jobs": args.jobs,
        "to": args.to,
        "exit_code": code,
        "wall_s": round(wall, 2),
        "docs_per_s_wall": round(files / wall, 2) if wall else None,
        "report": {k: rep[k] for k in ("elapsed_s", "render_s", "docs_per_s", "start_method",
                                       "counts")},
        "parent_peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "workers": workers,
    }
    if args.trace:
        result["rss_over_time"] = trace
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
