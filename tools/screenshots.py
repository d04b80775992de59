#!/usr/bin/env python3
"""Take the Apps page's screenshots from the screens tours, in real Chromium.

Runs the tours of ``static/tests/tours/screens_tour.js`` on a running Odoo with
the demo database (``make run``), one per role, and saves a PNG of each screen
step into ``sales_cycle_mgmt/static/description/``. The tours wait at each
screen step until the picture is taken. Chromium is driven over its DevTools
protocol with ``websocket-client``, which Odoo's own tours use too.

    make run &                 # in another terminal, until it serves
    make screenshots           # or: .venv/bin/python tools/screenshots.py --help
"""

import argparse
import base64
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "sales_cycle_mgmt" / "static" / "description"
TOURS = (
    ("salesperson", "sales_cycle_mgmt_screens_salesperson_tour"),
    ("manager", "sales_cycle_mgmt_screens_manager_tour"),
)
# the debug menu shows while the tour bundle is loaded: not part of the product
HIDE_DEBUG = ".o_debug_manager, .o_tour_pointer { display: none !important; }"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8069",
                        help="the Odoo server (default %(default)s)")
    parser.add_argument("--db", default="sales_cycle", help="its demo database (default %(default)s)")
    parser.add_argument("--salesperson", default="demo:demo", help="login:password (default %(default)s)")
    parser.add_argument("--manager", default="admin:admin", help="login:password (default %(default)s)")
    parser.add_argument("--out", type=Path, default=OUT, help="where the PNGs go (default %(default)s)")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--timeout", type=float, default=180, help="seconds per tour (default %(default)s)")
    return parser.parse_args(argv)


def authenticate(base, db, login, password):
    body = json.dumps({"jsonrpc": "2.0", "params": {"db": db, "login": login, "password": password}})
    request = urllib.request.Request(f"{base}/web/session/authenticate", data=body.encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        reply = json.load(response)
        if reply.get("error"):
            raise SystemExit(f"cannot log in as {login}: {reply['error']['data']['message']}")
        for header in response.headers.get_all("Set-Cookie"):
            if header.startswith("session_id="):
                return header.split(";", 1)[0].split("=", 1)[1]
    raise SystemExit(f"no session for {login}")


class Page:
    """One Chromium tab over the DevTools protocol."""

    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.ids = itertools.count(1)
        self.console = []

    def call(self, method, **params):
        call_id = next(self.ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("method") == "Runtime.consoleAPICalled":
                self.console.append(" ".join(str(arg.get("value", "")) for arg in message["params"]["args"]))
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")


def start_chromium(port, profile):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    return subprocess.Popen([
        chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", f"--remote-debugging-port={port}", f"--user-data-dir={profile}", "about:blank",
    ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def page_socket(port):
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as response:
                pages = [tab for tab in json.load(response) if tab["type"] == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("chromium did not start")


def run_tour(page, args, role, tour, session_id):
    host = args.base.split("//", 1)[1].split("/", 1)[0].split(":")[0]
    page.call("Network.setCookie", name="session_id", value=session_id, domain=host, path="/")
    page.call("Page.navigate", url=f"{args.base}/odoo?debug=tests")
    deadline = time.monotonic() + args.timeout
    while not page.evaluate(f"!!(window.odoo && odoo.isTourReady && odoo.isTourReady({tour!r}))"):
        if time.monotonic() > deadline:
            raise SystemExit(f"the {tour} tour never got ready: is the addon installed on {args.db}?")
        time.sleep(0.5)
    page.evaluate("sessionStorage.setItem('sales_cycle_mgmt_screenshots', '1')")
    page.evaluate(f"odoo.startTour({tour!r}, {{stepDelay: 0, startUrl: '/odoo?debug=tests'}}) && true")
    taken = []
    while time.monotonic() < deadline:
        if any("tour succeeded" in line for line in page.console):
            return taken
        failed = [line for line in page.console if "FAILED" in line]
        if failed:
            raise SystemExit(f"{tour}: {failed[0]}")
        name = page.evaluate("document.body && document.body.dataset.salesCycleScreenshot")
        if name:
            page.evaluate(f"""(() => {{ const style = document.createElement('style');
                style.textContent = {HIDE_DEBUG!r}; document.head.appendChild(style); }})()""")
            time.sleep(2)  # let charts finish their animation
            shot = page.call("Page.captureScreenshot", format="png")
            path = args.out / f"screenshot_{name}.png"
            path.write_bytes(base64.b64decode(shot["data"]))
            taken.append(path)
            print(f"{role}: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
            page.evaluate("delete document.body.dataset.salesCycleScreenshot")
        time.sleep(0.2)
    raise SystemExit(f"{tour} did not finish in {args.timeout:.0f} s")


def main(argv=None):
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    port = 9300 + int(time.time()) % 500
    with tempfile.TemporaryDirectory() as profile:
        chromium = start_chromium(port, profile)
        try:
            page = Page(page_socket(port))
            page.call("Runtime.enable")
            page.call("Page.enable")
            page.call("Emulation.setDeviceMetricsOverride", width=args.width, height=args.height,
                      deviceScaleFactor=1, mobile=False)
            for role, tour in TOURS:
                login, password = getattr(args, role).split(":", 1)
                page.console.clear()
                run_tour(page, args, role, tour, authenticate(args.base, args.db, login, password))
        finally:
            chromium.terminate()
            chromium.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
