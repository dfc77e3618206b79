"""Article extraction speed and place-name precision, against a naive peer.

The issue names Mordecai 3 as the peer; it needs a transformer model and an
Elasticsearch index and cannot be installed on this machine (no network
beyond PyPI, npm and Debian, and no 2 GB index). The peer measured here is
the naive approach it improves on, which anyone can run: one regular
expression per gazetteer name (the same Syrian name keys and well-known
places abroad that zonemap looks for), each searched over the folded text,
every hit taken for a place and resolved by the geocoder.

Measured in one run, on this machine:

1. cold start: a fresh process that imports zonemap and extracts one article
   (what ``zonemap extract`` costs), vs the peer's start (compiling its
   expressions) plus one article;
2. articles per second on a 1,000-word article after warm-up (target: 50/s),
   vs the peer, in wall time and in this process's CPU time (on a shared
   machine the second says what the code costs; the load average is printed);
3. precision and recall of place names in Syria on the project's annotated
   reports (``tests/data/extract/reports.yaml``, and ``heldout.yaml``,
   written after the rules were settled), vs the peer; and incidents, which
   the peer does not find.

Run: ``.venv/bin/python bench/extract.py [--quick]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tables import print_table  # noqa: E402

DATA = ROOT / "tests" / "data" / "extract"

CHILD_COLD_START = """
import json, sys, time
start = time.perf_counter()
sys.path.insert(0, {root!r})
import zonemap
zonemap.extract_scenario({text!r}, date="2018-01-01")
print(json.dumps({{"seconds": time.perf_counter() - start}}))
"""


def thousand_words() -> str:
    """An article of at least 1,000 words made of the annotated reports (the project's own text)."""
    from zonemap.extract.evaluation import load_reports

    texts = [r["text"] for name in ("reports.yaml", "heldout.yaml") for r in load_reports(DATA / name)]
    article, n = [], 0
    while sum(len(t.split()) for t in article) < 1000:
        article.append(texts[n % len(texts)])
        n += 1
    return "\n".join(article)


class NaivePeer:
    """One compiled regular expression per name; every hit is a place, resolved by the geocoder."""

    def __init__(self, gazetteer, country: str = "SY"):
        from zonemap.extract.places import patterns

        found = patterns(gazetteer, country)
        self.gazetteer = gazetteer
        self.country = country
        self.expressions = [(key, re.compile(rf"(?<!\w){re.escape(key)}(?!\w)"))
                            for key in sorted(found.home | set(found.abroad))]

    def places(self, text: str) -> set[tuple[str, str | None]]:
        """``(name key, governorate)`` of each name found in the country."""
        from zonemap.errors import GeocodeError
        from zonemap.geocoding.geocoder import geocode
        from zonemap.geocoding.text import fold_words

        folded = " ".join(" ".join(fold_words(word)) for word in re.findall(r"[^\W_]+(?:['’][^\W_]+)*", text))
        out = set()
        for key, expression in self.expressions:
            if expression.search(folded):
                try:
                    result = geocode(key, self.country, gazetteer=self.gazetteer, min_confidence=0)
                except GeocodeError:
                    continue
                if not result.outside_country:
                    out.add((key, result.admin1))
        return out


def peer_scores(peer: NaivePeer, reports: list[dict]) -> tuple[float, float]:
    """The peer's precision and recall of places in the country on annotated reports."""
    from zonemap.geocoding.text import name_key

    right = given = found = expected = 0
    for report in reports:
        truth = {(name_key(name), admin1) for name, admin1 in report["places"]}
        answers = peer.places(report["text"])
        given += len(answers)
        right += len(answers & truth)
        expected += len(truth)
        found += len(truth & answers)
    return (right / given if given else 1.0), (found / expected if expected else 1.0)


def per_second(function, seconds: float) -> tuple[float, float]:
    """Calls per second of wall time and per second of this process's CPU time (the machine may be shared)."""
    count, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        function()
        count += 1
    return count / (time.perf_counter() - start), count / max(time.process_time() - cpu, 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter timings")
    args = parser.parse_args()
    seconds = 1.0 if args.quick else 5.0

    from zonemap.extract.draft import extract_scenario
    from zonemap.extract.evaluation import evaluate, load_reports
    from zonemap.geocoding.gazetteer import load_gazetteer

    article = thousand_words()
    words = len(article.split())
    child = subprocess.run([sys.executable, "-c", CHILD_COLD_START.format(root=str(ROOT), text=article)],
                           capture_output=True, text=True, check=True)
    cold = json.loads(child.stdout)["seconds"]

    g = load_gazetteer()
    start = time.perf_counter()
    peer = NaivePeer(g)
    peer.places(article)
    peer_cold = time.perf_counter() - start
    extract_scenario(article, date="2018-01-01", gazetteer=g)  # warm-up

    ours = per_second(lambda: extract_scenario(article, date="2018-01-01", gazetteer=g), seconds)
    theirs = per_second(lambda: peer.places(article), seconds)

    load = os.getloadavg()[0]
    print(f"Extraction: a {words:,}-word article; peer: {len(peer.expressions):,} regular expressions, one per name "
          f"(Mordecai 3, the issue's peer, cannot be installed here); load average {load:.1f} on {os.cpu_count()} "
          "cores\n")
    print_table(["measure", "zonemap", "naive peer", "ratio"], [
        ["cold start + one article (s)", f"{cold:.2f}", f"{peer_cold:.2f}", f"{peer_cold / cold:.1f}x faster"],
        ["articles per second (wall, warm)", f"{ours[0]:.1f}", f"{theirs[0]:.1f}", f"{ours[0] / theirs[0]:.1f}x"],
        ["articles per CPU second (warm)", f"{ours[1]:.1f}", f"{theirs[1]:.1f}", f"{ours[1] / theirs[1]:.1f}x"],
        ["target: >= 50 articles/s (wall)", "met" if ours[0] >= 50 else "NOT met", "", ""],
    ])
    print()
    rows = []
    for name in ("reports.yaml", "heldout.yaml"):
        reports = load_reports(DATA / name)
        scores = evaluate(reports, gazetteer=g)
        peer_precision, peer_recall = peer_scores(peer, reports)
        rows.append([name, len(reports), f"{scores.places.precision:.1%}", f"{scores.places.recall:.1%}",
                     f"{peer_precision:.1%}", f"{peer_recall:.1%}", f"{scores.abroad.precision:.1%}",
                     f"{scores.incidents.precision:.1%}", f"{scores.incidents.recall:.1%}",
                     f"{scores.fatalities_right}/{scores.incidents.right}", scores.incidents_abroad])
    print_table(["reports", "n", "places P", "places R", "peer P", "peer R", "abroad P", "incidents P", "incidents R",
                 "fatalities right", "incidents abroad"], rows)


if __name__ == "__main__":
    main()
