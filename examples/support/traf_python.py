#!/usr/bin/env python3
"""Run trafilatura (Python) over a manifest of pages, for eval_extract.

Usage: traf_python.py MANIFEST

MANIFEST has one JSON object a line: {"html": PATH, "url": URL or null,
"out": PATH}. PATH may end in .gz. Each page's main text (no comments, the
library's default settings otherwise) is written to "out"; a page trafilatura
returns nothing for gets an empty file. Prints the version and the seconds spent
inside trafilatura.extract.
"""
import gzip
import json
import sys
import time

import trafilatura


def main():
    spent = 0.0
    n = 0
    with open(sys.argv[1], encoding="utf8") as fh:
        for line in fh:
            job = json.loads(line)
            path = job["html"]
            with open(path, "rb") as f:
                data = f.read()
            if path.endswith(".gz"):
                data = gzip.decompress(data)
            t = time.perf_counter()
            try:
                text = trafilatura.extract(data, url=job.get("url"), include_comments=False)
            except Exception:  # a crash counts as no output, as in trafilatura's benchmark
                text = None
            spent += time.perf_counter() - t
            n += 1
            with open(job["out"], "w", encoding="utf8") as f:
                f.write(text or "")
    print(f"trafilatura {trafilatura.__version__}: {n} pages, {spent:.1f} s in extract")


if __name__ == "__main__":
    main()
