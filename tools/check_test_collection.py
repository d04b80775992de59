"""Odoo's own test runner and pytest-odoo must run the same tests of the addon.

`odoo-bin --test-enable -i sales_cycle_mgmt` (as runbot and OCA CI run an addon)
only runs the test classes of the modules tests/__init__.py imports, defined in
that module, tagged at_install or post_install and standard (BaseCase does it),
and only the test methods of the class itself. pytest collects every test_*.py
file and every TestCase it sees. This lists both, without running any test, and
fails with the difference.

Usage: check_test_collection.py PYTEST_OPTIONS... (the --odoo-* options of the
pytest run; --odoo-config is read for Odoo's side too).
"""

import subprocess
import sys
from pathlib import Path

from odoo.tests import loader
from odoo.tools import config

ROOT = Path(__file__).resolve().parent.parent
ADDON = "sales_cycle_mgmt"
TESTS = f"{ADDON}/tests"


def pytest_ids(options):
    """The test ids pytest-odoo collects, as path::Class::method."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", *options, TESTS],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    if run.returncode != 0:
        sys.exit(f"pytest could not collect the tests:\n{run.stdout}{run.stderr}")
    return {line.strip() for line in run.stdout.splitlines() if "::" in line}


def odoo_ids(config_file, database=()):
    """The tests Odoo's runner finds after installing the addon, with the tags
    --test-enable selects, as path::Class::method."""
    config.parse_config(["-c", config_file, *database, "--test-enable"])
    ids = set()
    for position in ("at_install", "post_install"):
        for test in loader.make_suite([ADDON], position):
            path = test.__module__.removeprefix("odoo.addons.").replace(".", "/")
            ids.add(f"{path}.py::{type(test).__name__}::{test._testMethodName}")
    return ids


def main(options):
    config_file = next(
        (option.split("=", 1)[1] for option in options if option.startswith("--odoo-config=")), None
    )
    if not config_file:
        sys.exit("usage: check_test_collection.py --odoo-config=FILE [other pytest-odoo options]")
    database = [f"--database={option.split('=', 1)[1]}" for option in options
                if option.startswith("--odoo-database=")]
    by_pytest, by_odoo = pytest_ids(options), odoo_ids(config_file, database)
    if by_pytest == by_odoo:
        print(f"Odoo's runner and pytest-odoo both collect the same {len(by_odoo)} tests")
        return 0
    for label, missing in (("only pytest-odoo runs", by_pytest - by_odoo),
                           ("only Odoo's runner runs", by_odoo - by_pytest)):
        if missing:
            print(f"{label} {len(missing)} test(s):", *sorted(missing), sep="\n  ")
    print("make both run them: a BaseCase/TransactionCase tagged like the others, "
          "its module imported by tests/__init__.py, no test class imported into another module")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
