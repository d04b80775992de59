"""Normalise a freshly exported .pot and bring a language's .po up to date with it.

    i18n_merge.py TEMPLATE.pot LANG.po LANG_CODE

Like msgmerge, without fuzzy matching: every entry of the template ends up in the
.po with the translation it already had there (same msgid), new entries get an
empty msgstr, entries the template no longer has are dropped. The dates Odoo
writes in the headers are removed, so re-running on unchanged code changes
nothing. Prints how many entries of the .po are still untranslated.
"""

import pathlib
import sys

import polib

VOLATILE = ("POT-Creation-Date", "PO-Revision-Date")
# Header lines of a .po that belong to its translators, not to the template.
TRANSLATOR_KEYS = ("Last-Translator", "Language-Team", "Language", "Plural-Forms")
# The header of Odoo's own translation files, for a .po created from scratch.
LANGUAGE_TEAMS = {"id": "Indonesian"}
PLURAL_FORMS = {"id": "nplurals=1; plural=0;"}


def load(path):
    # wrapwidth as Odoo's writer (polib's default): rewriting gives the same lines
    return polib.pofile(str(path), wrapwidth=78)


def normalise_template(pot_path):
    pot = load(pot_path)
    for key in VOLATILE:
        pot.metadata.pop(key, None)
    pot.save(str(pot_path))
    return pot


def merge(pot, po_path, lang):
    old = load(po_path) if po_path.exists() else None
    translations = {}
    if old is not None:
        for entry in old:
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            translations[(entry.msgctxt, entry.msgid)] = entry
    po = polib.POFile(wrapwidth=78)
    po.header = pot.header
    metadata = dict(pot.metadata)
    metadata.update({
        "Language-Team": LANGUAGE_TEAMS.get(lang, ""),
        "Language": lang,
        "Plural-Forms": PLURAL_FORMS.get(lang, ""),
    })
    if old is not None:
        # the translators' own header lines (team, plural forms...) win
        metadata.update({k: v for k, v in old.metadata.items() if k in TRANSLATOR_KEYS})
    po.metadata = metadata
    for template_entry in pot:
        previous = translations.get((template_entry.msgctxt, template_entry.msgid))
        entry = polib.POEntry(
            msgctxt=template_entry.msgctxt,
            msgid=template_entry.msgid,
            msgstr=previous.msgstr if previous else "",
            comment=template_entry.comment,
            tcomment=previous.tcomment if previous else "",
            occurrences=template_entry.occurrences,
            flags=[f for f in template_entry.flags if f != "fuzzy"],
        )
        po.append(entry)
    po.save(str(po_path))
    return po


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    pot_path, po_path, lang = pathlib.Path(argv[1]), pathlib.Path(argv[2]), argv[3]
    pot = normalise_template(pot_path)
    po = merge(pot, po_path, lang)
    untranslated = [e for e in po if not e.msgstr]
    print(f"{po_path.name}: {len(untranslated)} of {len(po)} entries untranslated")
    for entry in untranslated:
        print(f"  {entry.msgid!r}")


if __name__ == "__main__":
    main(sys.argv)
