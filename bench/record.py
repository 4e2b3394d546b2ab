#!/usr/bin/env python3
"""Results of bench/run, one file per scenario: bench/results/<scenario>.json.

  record.py SCENARIO BACKEND RESULT_JSON [EXTRA_JSON]   a measured sample (replaces that backend's entry)
  record.py --extra SCENARIO BACKEND JSON               more fields for that backend's entry
  record.py --drills LOG EXIT_CODE ROUNDS               the fault drills' outcome, from the test log
  record.py --signing OURS_JSON "SIGN/S VERIFY/S"      PAdES throughput beside openssl speed ecdsap256

Quick runs write to bench/results/quick/. The run's metadata (commit, date, CPU, quick or full) comes from the RESULTS_META environment
variable and is stored per backend, so that a SQLite-only run does not relabel PostgreSQL figures.
"""
import json
import os
import re
import sys

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
if json.loads(os.environ.get("RESULTS_META", "{}")).get("quick"):
    # Quick runs (smaller history, shorter samples) never overwrite the full run's figures.
    DIR = os.path.join(DIR, "quick")


def load(name):
    path = os.path.join(DIR, name + ".json")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {"scenario": name}


def save(name, doc):
    os.makedirs(DIR, exist_ok=True)
    with open(os.path.join(DIR, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")


def main(argv):
    meta = json.loads(os.environ.get("RESULTS_META", "{}"))
    if argv[0] == "--extra":
        _, scenario, backend, extra = argv
        doc = load(scenario)
        doc.setdefault(backend, {}).update(json.loads(extra))
        save(scenario, doc)
        return
    if argv[0] == "--signing":
        # record.py --signing OURS_JSON "OPENSSL_SIGN_PER_S OPENSSL_VERIFY_PER_S"
        _, ours, ossl = argv
        r = json.loads(ours)
        o_sign, o_verify = (float(x) for x in ossl.split())
        r.update({"openssl_sign_per_s": o_sign, "openssl_verify_per_s": o_verify,
                  "sign_ratio_to_openssl": round(r["sign_per_s"] / o_sign, 3),
                  "verify_ratio_to_openssl": round(r["verify_per_s"] / o_verify, 3), "meta": meta})
        save("signing", {"scenario": "signing", "result": r})
        print(f"   signing   {r['sign_per_s']:>10,.0f} signs/s ({r['sign_ratio_to_openssl']:.3f} of openssl's {o_sign:,.0f} ECDSA signs/s), "
              f"{r['verify_per_s']:,.0f} verifications/s ({r['verify_ratio_to_openssl']:.3f} of openssl's {o_verify:,.0f})")
        return
    if argv[0] == "--drills":
        _, log, rc, rounds = argv
        text = open(log, encoding="utf-8", errors="replace").read()
        lines = ["DRILL " + l.split("DRILL ", 1)[1] for l in text.splitlines() if "DRILL " in l]
        # With --nocapture a test's "ok" can follow its own output on a later line: a test that
        # did not fail passed when the whole run passed.
        failed = set(re.findall(r"^    (\S+)$", text.split("failures:")[-1], re.M)) if rc != "0" else set()
        tests = [(n, "FAILED" if n in failed or rc != "0" and not failed else "ok")
                 for n in re.findall(r"^test (\S+) \.\.\. ", text, re.M)]
        doc = {"scenario": "drills", "meta": meta, "rounds": int(rounds), "passed": rc == "0",
               "tests": {name: outcome for name, outcome in tests}, "lines": lines}
        save("drills", doc)
        return
    scenario, backend, result = argv[0], argv[1], json.loads(argv[2])
    extra = json.loads(argv[3]) if len(argv) > 3 else {}
    result.update(extra)
    if result.get("limit_rps"):
        result["ratio_to_limit"] = round(result["rps"] / result["limit_rps"], 3)
    result["meta"] = meta
    doc = load(scenario)
    doc[backend] = result
    save(scenario, doc)
    p = lambda k: f"{result[k] / 1000:.2f} ms" if k in result else "-"
    ratio = f", {result['ratio_to_limit']:.2f} of the limit" if "ratio_to_limit" in result else ""
    errors = sum(result.get("errors", {}).values())
    print(f"   {scenario:<9} {backend:<8} {result['rps']:>10,.0f}/s  p50 {p('p50_us')}  p95 {p('p95_us')}  "
          f"p99 {p('p99_us')}  errors {errors}{ratio}")


if __name__ == "__main__":
    main(sys.argv[1:])
