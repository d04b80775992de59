"""Compare the two sides of `make test-compat` from pytest's JUnit XML files.

Usage: compat_report.py STATE_DIR GROUP... (reads STATE_DIR/compat-GROUP-{stock,addon}.xml)

Prints, per suite (the addon whose tests ran), the number of tests, the failures
(failed or errored tests) on each side and the tests failing only with
sales_cycle_mgmt; then lists the failing tests. Exits 1 when a test fails only with
the addon, or is missing on its side; 2 when a file is missing.
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

SIDES = ("stock", "addon")


def results(xml_path):
    """{(suite, test id): "pass"|"fail"|"skip"} of one JUnit file."""
    out = {}
    for case in ET.parse(xml_path).getroot().iter("testcase"):
        parts = case.get("classname", "").split(".")
        suite = parts[parts.index("tests") - 1] if "tests" in parts[1:] else parts[0]
        test = f"{'.'.join(parts)}.{case.get('name')}"
        kinds = {child.tag for child in case}
        state = "fail" if kinds & {"failure", "error"} else "skip" if "skipped" in kinds else "pass"
        # a teardown error is a second entry of the same test: a failure wins
        if out.get((suite, test)) != "fail":
            out[(suite, test)] = state
    return out


def main(state_dir, groups):
    runs = {side: {} for side in SIDES}
    for group in groups:
        for side in SIDES:
            path = Path(state_dir) / f"compat-{group}-{side}.xml"
            if not path.is_file():
                print(f"no {path}: run make test-compat first", file=sys.stderr)
                return 2
            runs[side].update(results(path))
    suites = sorted({suite for side in SIDES for suite, _ in runs[side]})
    header = ("suite", "tests", "failures stock", "failures addon", "only with addon", "skipped s/a")
    rows = []
    regressions, both, stock_only, missing = [], [], [], []
    for suite in suites:
        tests = sorted({t for side in SIDES for s, t in runs[side] if s == suite})
        fails = {side: {t for t in tests if runs[side].get((suite, t)) == "fail"} for side in SIDES}
        skips = {side: sum(runs[side].get((suite, t)) == "skip" for t in tests) for side in SIDES}
        gone = [t for t in tests if (suite, t) in runs["stock"] and (suite, t) not in runs["addon"]]
        only = sorted(fails["addon"] - fails["stock"])
        regressions += only
        missing += gone
        both += sorted(fails["addon"] & fails["stock"])
        stock_only += sorted(fails["stock"] - fails["addon"])
        counts = {side: sum((suite, t) in runs[side] for t in tests) for side in SIDES}
        ntests = str(counts["stock"])
        if counts["stock"] != counts["addon"]:
            ntests = "{stock}/{addon}".format(**counts)
        rows.append((suite, ntests, len(fails["stock"]), len(fails["addon"]), len(only) + len(gone),
                     f"{skips['stock']}/{skips['addon']}"))
    total = [sum(int(str(r[1]).split("/")[0]) for r in rows)] + [sum(r[i] for r in rows) for i in (2, 3, 4)]
    rows.append(("total", *total, ""))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for i, row in enumerate([header, *rows]):
        if i == len(rows):
            print("  ".join("-" * w for w in widths))
        cells = zip(row, widths, strict=True)
        print("  ".join(str(c).ljust(w) if j == 0 else str(c).rjust(w) for j, (c, w) in enumerate(cells)))
    for title, tests in (
        ("Failing on both sides (stock failures, not caused by the addon)", both),
        ("Failing only without the addon (flaky on stock?)", stock_only),
        ("Run without the addon but not with it", missing),
        ("Failing only with the addon (regressions)", regressions),
    ):
        print(f"\n{title}:")
        print("\n".join(f"  {t}" for t in tests) or "  none")
    print(f"\nLogs: {state_dir}/compat-<group>-<side>.log (groups: {', '.join(groups)})")
    return 1 if regressions or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
