"""Translations: the committed template matches the code, id.po translates all
of it with the same placeholders and markup, and Odoo really uses it.

When the first two tests fail, run `make i18n` (it regenerates the .pot and
updates id.po), then translate the new, empty entries of id.po.
"""

import json
import re
from collections import Counter

import polib

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import FORMAT_REGEX, TRANSLATED_ATTRS, TranslationModuleReader

from ..cycle_math import MIN_SAMPLE

MODULE = "sales_cycle_mgmt"
POT_PATH = f"{MODULE}/i18n/{MODULE}.pot"
ID_PO_PATH = f"{MODULE}/i18n/id.po"
DASHBOARD_PATH = f"{MODULE}/data/files/sales_cycle_dashboard.json"

# %(name)s, %s, %d...; a literal %% is no placeholder
PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]")
TAG_RE = re.compile(r"<\s*(/?)\s*([\w:.-]+)((?:\s+[^\s=/>]+(?:\s*=\s*\"[^\"]*\")?)*)\s*/?>")
ATTR_RE = re.compile(r"([^\s=/>]+)(?:\s*=\s*\"([^\"]*)\")?")


def _placeholders(text):
    text = text.replace("%%", "")
    found = PLACEHOLDER_RE.findall(text)
    found += [f"#{{{a or b}}}" for a, b in FORMAT_REGEX.findall(text)]
    return Counter(found)


def _markup(text):
    """The tags of a term with their untranslatable attributes (class, t-*,
    invisible...): a translation may reword the text and the translatable
    attributes (title, placeholder...), never these."""
    tags = []
    for closing, name, attrs in TAG_RE.findall(text):
        kept = tuple(sorted(
            (key, value) for key, value in ATTR_RE.findall(attrs) if key not in TRANSLATED_ATTRS
        ))
        tags.append((closing, name, kept))
    return tags


def _short(terms):
    return "\n".join(f"  {term!r}" for term in sorted(terms))


@tagged("post_install", "-at_install")
class TestI18n(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pot = polib.pofile(file_path(POT_PATH))
        cls.id_po = polib.pofile(file_path(ID_PO_PATH))

    def _code_terms(self):
        """The module's translatable terms as `odoo-bin i18n export` sees them
        in this database: field labels and help, selections, views, actions,
        menus, data records, and the strings of the code marked with _()."""
        self.env.flush_all()
        reader = TranslationModuleReader(self.env.cr, modules=[MODULE])
        return {src for module, _type, _name, _res_id, src, _value, _comments in reader if module == MODULE}

    def test_template_is_up_to_date(self):
        terms = self._code_terms()
        self.assertGreater(len(terms), 50, "the reader found the module's terms")
        in_pot = {entry.msgid for entry in self.pot if not entry.obsolete}
        missing = terms - in_pot
        self.assertFalse(
            missing,
            f"{len(missing)} translatable term(s) of the code are missing from {POT_PATH}: "
            f"run make i18n, then translate them in id.po.\n{_short(missing)}",
        )
        stale = in_pot - terms
        self.assertFalse(
            stale,
            f"{len(stale)} term(s) of {POT_PATH} are no longer in the code: run make i18n.\n"
            f"{_short(stale)}",
        )

    def test_indonesian_translates_every_term(self):
        translated = {
            entry.msgid
            for entry in self.id_po
            if entry.msgstr.strip() and not entry.obsolete and "fuzzy" not in entry.flags
        }
        untranslated = self._code_terms() - translated
        self.assertFalse(
            untranslated,
            f"{len(untranslated)} term(s) have no Indonesian translation in {ID_PO_PATH} "
            f"(run make i18n if they are not in it yet, then translate them):\n{_short(untranslated)}",
        )

    def test_indonesian_scorecard_notes_are_no_longer_than_english(self):
        """The note under a key figure without enough data ("not enough data: 4
        answers") has the width of the English one on the dashboard: a longer
        translation is cut."""
        with open(file_path(DASHBOARD_PATH)) as f:
            data = json.load(f)
        cards = [fig["data"] for sheet in data["sheets"] for fig in sheet["figures"]
                 if fig["data"]["type"] == "scorecard" and fig["data"].get("baselineDescr")]
        self.assertTrue(cards)
        indonesian = {entry.msgid: entry.msgstr for entry in self.id_po}
        for card in cards:
            words = card["baselineDescr"]["text"]
            english = f"not enough data: {MIN_SAMPLE - 1} {words}"
            translated = f"{indonesian['not enough data:']} {MIN_SAMPLE - 1} {indonesian[words]}"
            with self.subTest(figure=card["title"]["text"]):
                self.assertLessEqual(len(translated), len(english), translated)

    def test_indonesian_keeps_placeholders_and_markup(self):
        self.assertEqual(self.id_po.metadata.get("Language"), "id")
        self.assertEqual(self.id_po.metadata.get("Content-Type"), "text/plain; charset=UTF-8")
        msgids = [entry.msgid for entry in self.id_po]
        self.assertEqual(len(msgids), len(set(msgids)), "no msgid twice in id.po")
        wrong = []
        for entry in self.id_po:
            if not entry.msgstr:
                continue
            if _placeholders(entry.msgid) != _placeholders(entry.msgstr):
                wrong.append(f"placeholders differ: {entry.msgid!r} -> {entry.msgstr!r}")
            if _markup(entry.msgid) != _markup(entry.msgstr):
                wrong.append(f"markup differs: {entry.msgid!r} -> {entry.msgstr!r}")
        self.assertFalse(wrong, "\n".join(wrong))

    def test_indonesian_is_used_once_loaded(self):
        po = {entry.msgid: entry.msgstr for entry in self.id_po}
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms([MODULE], ["id_ID"], overwrite=True)
        env_id = self.env(context=dict(self.env.context, lang="id_ID"))

        # a field label of the addon
        label = env_id["crm.lead"].fields_get(["cycle_phase_id"], ["string"])["cycle_phase_id"]["string"]
        self.assertNotEqual(po["Cycle Phase"], "Cycle Phase")
        self.assertEqual(label, po["Cycle Phase"])
        # a selection's labels
        selection = env_id["sales.cycle.stage.history"].fields_get(["direction"], ["selection"])
        self.assertEqual(
            selection["direction"]["selection"],
            [("first", po["First"]), ("forward", po["Forward"]), ("backward", po["Backward"])],
        )
        # a data record (phases are noupdate: their translations still load)
        closing = env_id.ref("sales_cycle_mgmt.phase_closing")
        self.assertEqual(closing.name, po["Closing"])
        self.assertEqual(closing.with_context(lang="en_US").name, "Closing")
        # a menu and a view
        menu = env_id.ref("sales_cycle_mgmt.menu_sales_cycle_stage_playbooks")
        self.assertEqual(menu.name, po["Stage Playbooks"])
        arch = env_id["crm.lead"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn(po["Exit Checklist"], arch)
        # a mail template: subject and body translated, its placeholders kept
        template = env_id.ref("sales_cycle_mgmt.mail_template_followup_survey")
        english = template.with_context(lang="en_US")
        self.assertEqual(template.subject, po[english.subject])
        self.assertNotEqual(str(template.body_html), str(english.body_html))
        for expression in ("object.partner_id.name", "object._survey_url()", "object.user_id.name"):
            self.assertIn(expression, str(template.body_html))
        # a message raised by the code
        stage = env_id.ref("crm.stage_lead1")
        expected = po["Days to rot of stage '%(stage)s' cannot be negative (0: never rots)."] % {
            "stage": stage.name,
        }
        with self.assertRaises(ValidationError) as caught:
            stage.rotting_threshold_days = -1
        self.assertEqual(str(caught.exception), expected)
