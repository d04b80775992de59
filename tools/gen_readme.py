"""Build sales_cycle_mgmt/README.rst from the fragments in sales_cycle_mgmt/readme/.

The OCA way: fragments are edited, the README is generated. `--check` exits 1
when README.rst is out of date or does not render cleanly (make test runs it).
"""

import ast
import io
import pathlib
import sys

from docutils.core import publish_string

ADDON = pathlib.Path(__file__).resolve().parent.parent / "sales_cycle_mgmt"
SECTIONS = [
    ("DESCRIPTION.rst", None),
    ("CONFIGURE.rst", "Configuration"),
    ("USAGE.rst", "Usage"),
    ("ROADMAP.rst", "Known issues / Roadmap"),
    ("CONTRIBUTORS.rst", "Contributors"),
]


def build():
    manifest = ast.literal_eval((ADDON / "__manifest__.py").read_text())
    title = manifest["name"]
    out = [
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        f"*{manifest['summary']}*",
        "",
        f"Version {manifest['version']}, license {manifest['license']}.",
        "",
        ".. contents::",
        "   :local:",
        "",
    ]
    for filename, heading in SECTIONS:
        path = ADDON / "readme" / filename
        if not path.exists():
            continue
        if heading:
            out += [heading, "=" * len(heading), ""]
        out += [path.read_text().rstrip(), ""]
    return "\n".join(out)


def main():
    text = build()
    target = ADDON / "README.rst"
    if "--check" in sys.argv:
        if not target.exists() or target.read_text() != text:
            sys.stderr.write(
                "sales_cycle_mgmt/README.rst is out of date: run python tools/gen_readme.py\n"
            )
            return 1
        # what the Apps page and PyPI-style renderers would show: no warnings
        warnings = io.StringIO()
        publish_string(text, writer_name="html",
                       settings_overrides={"warning_stream": warnings, "report_level": 2})
        if warnings.getvalue():
            sys.stderr.write(f"sales_cycle_mgmt/README.rst does not render cleanly:\n{warnings.getvalue()}")
            return 1
        return 0
    target.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
