"""Sphinx extension: Korean UI strings that the theme's and extensions' own catalogs lack.

Compiles every ``book/_locale/<language>/LC_MESSAGES/<catalog>.po`` (``booktheme`` for
sphinx-book-theme, ``exercise`` for sphinx-exercise) and registers it as that message catalog.
List this extension before those it translates: the catalog registered first is consulted
first, and the extension's own Korean catalog becomes the fallback for anything not listed.
The ``sphinx`` catalog beside them (pydata-sphinx-theme's strings) is compiled and loaded by
Sphinx itself through ``locale_dirs``, so it is skipped here.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.util.i18n import CatalogInfo

LOCALE_DIR = Path(__file__).resolve().parent.parent / "_locale"


def setup(app):
    language = app.config.language
    messages = LOCALE_DIR / language / "LC_MESSAGES"
    for po in sorted(messages.glob("*.po")):
        if po.stem == "sphinx":
            continue
        info = CatalogInfo(str(messages), po.stem, "utf-8")
        if info.is_outdated():
            info.write_mo(language)
        app.add_message_catalog(po.stem, str(LOCALE_DIR))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
