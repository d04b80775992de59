import re

from odoo.modules.module import get_manifest, get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path


@tagged("post_install", "-at_install")
class TestAppsPage(TransactionCase):
    def test_every_screenshot_the_apps_page_shows_is_shipped(self):
        manifest = get_manifest("sales_cycle_mgmt")
        with open(file_path("sales_cycle_mgmt/static/description/index.html"), encoding="utf-8") as page:
            shown = set(re.findall(r'<img [^>]*src="([^"]+)"', page.read()))
        self.assertEqual(
            {f"static/description/{src}" for src in shown}, set(manifest["images"]),
            "the page and the manifest show the same screenshots",
        )
        root = get_module_path("sales_cycle_mgmt")
        for image in manifest["images"]:
            with open(f"{root}/{image}", "rb") as png:
                self.assertEqual(png.read(8), b"\x89PNG\r\n\x1a\n", image)

    def test_the_summary_names_every_feature(self):
        summary = get_manifest("sales_cycle_mgmt")["summary"].lower()
        for feature in ("phases", "playbooks", "exit checklists", "stage history", "conversion",
                        "rotting", "follow-ups", "nps", "content", "pulse", "enps", "one-on-ones",
                        "coaching", "reports", "dashboard"):
            self.assertIn(feature, summary)
