"""Build the addon's wheel with whool and prove that pip installs it where Odoo finds it.

Builds odoo-addon-sales_cycle_mgmt from sales_cycle_mgmt/ (pyproject.toml, version
from __manifest__.py), installs it with `pip install --no-deps --target` into a
throwaway folder and checks there: the package name and version, the manifest, every
file the manifest loads (data, demo, asset globs) and the addon's other tracked files,
and that `odoo.addons.sales_cycle_mgmt` resolves to the installed copy. Needs only
the virtualenv (pip, whool, wheel), git and the Odoo source it points to.
Exits 1 on any finding.
"""

import ast
import email.parser
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDON = "sales_cycle_mgmt"
DIST = f"odoo-addon-{ADDON}"


def run(*cmd, env_extra=None, **kwargs):
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", **(env_extra or {})}
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, **kwargs)


def manifest_files(manifest):
    """Files and globs (relative to the addon) the manifest loads."""
    names = [*manifest.get("data", []), *manifest.get("demo", [])]
    for entries in manifest.get("assets", {}).values():
        for entry in entries:
            path = entry if isinstance(entry, str) else entry[-1]
            if path.startswith(f"{ADDON}/"):
                names.append(path.split("/", 1)[1])
    return names


def main():
    problems = []
    source_manifest = ast.literal_eval((ROOT / ADDON / "__manifest__.py").read_text())
    version = source_manifest["version"]
    with tempfile.TemporaryDirectory(prefix="scm_wheel_") as tmp:
        tmp = Path(tmp)
        try:
            run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                "-w", str(tmp / "dist"), str(ROOT / ADDON))
            wheels = list((tmp / "dist").glob("*.whl"))
            run(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                "--target", str(tmp / "site"), *map(str, wheels))
        except subprocess.CalledProcessError as e:
            print(f"check_wheel: {' '.join(e.cmd[:4])} failed:\n{e.stdout}{e.stderr}", file=sys.stderr)
            return 1
        wheel = wheels[0].name
        print(f"check_wheel: built {wheel}")
        expected = f"{DIST.replace('-', '_')}-{version}-py3-none-any.whl"
        if wheel != expected:
            problems.append(f"wheel is {wheel}, expected {expected}")
        site = tmp / "site"
        dist_infos = list(site.glob("*.dist-info"))
        meta = email.parser.Parser().parsestr((dist_infos[0] / "METADATA").read_text()) if dist_infos else {}
        if (meta.get("Name"), meta.get("Version")) != (DIST, version):
            found = f"{meta.get('Name')} {meta.get('Version')}"
            problems.append(f"metadata says {found}, expected {DIST} {version}")
        installed = site / "odoo" / "addons" / ADDON
        if not (installed / "__manifest__.py").is_file():
            problems.append(f"no odoo/addons/{ADDON}/__manifest__.py in the installed wheel")
        else:
            manifest = ast.literal_eval((installed / "__manifest__.py").read_text())
            if manifest.get("version") != version:
                problems.append(f"installed manifest has version {manifest.get('version')}, source {version}")
            for name in manifest_files(manifest):
                if not any(installed.glob(name)):
                    problems.append(f"{name} (loaded by the manifest) is not in the wheel")
            tracked = run("git", "-C", str(ROOT), "ls-files", "--", ADDON).stdout.split()
            for path in tracked:
                rel = path.split("/", 1)[1]
                if rel != "pyproject.toml" and (ROOT / path).exists() and not (installed / rel).is_file():
                    problems.append(f"{rel} is not in the wheel")
        # what Odoo does: odoo.addons is a namespace package spanning sys.path
        found = run(sys.executable, "-c",
                    f"import importlib.util; s = importlib.util.find_spec('odoo.addons.{ADDON}'); "
                    "print(list(s.submodule_search_locations) if s else '')",
                    cwd=tmp, env_extra={"PYTHONPATH": str(site)}).stdout.strip()
        if str(installed) not in found:
            problems.append(f"odoo.addons.{ADDON} resolves to {found or 'nothing'}, not to {installed}")
    for problem in problems:
        print(f"check_wheel: {problem}", file=sys.stderr)
    if not problems:
        print(f"check_wheel: {DIST} {version} installs as odoo/addons/{ADDON} with every file")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
