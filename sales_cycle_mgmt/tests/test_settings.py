import pathlib
import re

from lxml import etree

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..models.res_config_settings import SETTING_DEFAULTS, get_setting, setting_key


@tagged("post_install", "-at_install")
class TestSettings(TransactionCase):
    """The addon's settings: one default each, the same for the settings form
    and for the code reading them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Param = cls.env["ir.config_parameter"].sudo()
        # what each setting changes, as the models read it
        cls.readers = {
            "benchmark_min_samples": cls.env["crm.stage"]._benchmark_min_samples,
            "followup_horizon_days": cls.env["sales.followup"]._horizon_days,
            "question_gap_threshold": cls.env["sales.customer.question"]._gap_threshold,
        }

    def _fields(self):
        """{setting name: settings field} of the addon's parameters."""
        fields = {
            field.config_parameter.removeprefix("sales_cycle_mgmt."): field
            for field in self.env["res.config.settings"]._fields.values()
            if getattr(field, "config_parameter", "").startswith("sales_cycle_mgmt.")
        }
        self.assertEqual(set(fields), set(SETTING_DEFAULTS), "every setting has its default here")
        self.assertEqual(set(self.readers), set(SETTING_DEFAULTS))
        return fields

    def test_unset_settings_read_as_the_form_shows_them(self):
        for name in SETTING_DEFAULTS:
            self.Param.search([("key", "=", setting_key(name))]).unlink()
        form = self.env["res.config.settings"].create({})
        for name, field in self._fields().items():
            with self.subTest(setting=name):
                self.assertEqual(form[field.name], SETTING_DEFAULTS[name])
                self.assertEqual(self.readers[name](), SETTING_DEFAULTS[name])

    def test_saved_settings_are_what_the_models_read(self):
        fields = self._fields()
        values = {name: SETTING_DEFAULTS[name] + 2 for name in fields}
        self.env["res.config.settings"].create(
            {fields[name].name: value for name, value in values.items()}
        ).execute()
        for name, value in values.items():
            with self.subTest(setting=name):
                self.assertEqual(self.Param.get_param(setting_key(name)), str(value))
                self.assertEqual(self.readers[name](), value)
                self.assertEqual(self.env["res.config.settings"].create({})[fields[name].name], value)

    @mute_logger("odoo.addons.sales_cycle_mgmt.models.res_config_settings")
    def test_a_setting_that_is_not_a_number_reads_as_its_default(self):
        self.Param.set_param(setting_key("followup_horizon_days"), "a week")
        self.assertEqual(self.readers["followup_horizon_days"](), SETTING_DEFAULTS["followup_horizon_days"])
        self.assertEqual(get_setting(self.env, "followup_horizon_days"), 7)
        with self.assertRaises(KeyError):
            get_setting(self.env, "unknown_setting")

    def test_zero_is_stored_and_read_as_zero(self):
        field = self._fields()["followup_horizon_days"]
        self.env["res.config.settings"].create({field.name: 0}).execute()
        self.assertEqual(self.readers["followup_horizon_days"](), 0, "0: the activity on the due date")
        self.assertEqual(self.env["res.config.settings"].create({})[field.name], 0)

    def test_settings_are_a_block_of_their_own_after_the_stock_crm_ones(self):
        arch = etree.fromstring(
            self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        )
        [crm_app] = arch.xpath("//app[@name='crm']")
        blocks = crm_app.findall("block")
        self.assertEqual(blocks[-1].get("name"), "sales_cycle_settings", "last, not between stock blocks")
        ours = {field.name for field in self._fields().values()}
        for block in blocks:
            names = {node.get("name") for node in block.iter("field")}
            self.assertEqual(bool(names & ours), block is blocks[-1], block.get("title"))
        self.assertEqual({node.get("name") for node in blocks[-1].iter("field")}, ours)

    def test_defaults_are_those_the_settings_and_the_readme_state(self):
        arch = etree.fromstring(
            self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        )
        readme = (pathlib.Path(__file__).parents[1] / "readme" / "CONFIGURE.rst").read_text()
        readme = " ".join(readme.split())
        for name, field in self._fields().items():
            with self.subTest(setting=name):
                [setting] = arch.xpath(f"//setting[.//field[@name='{field.name}']]")
                default = SETTING_DEFAULTS[name]
                self.assertIn(f"Default: {default}.", setting.get("help"))
                label = setting.get("string")
                self.assertRegex(readme, rf"\*{re.escape(label)}\*[^*]*\(default {default}\b",
                                 "the README names the setting as the screen does, with its default")
