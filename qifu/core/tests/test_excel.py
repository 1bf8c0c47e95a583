"""openpyxl's XML parser (security checklist IP-6 d)."""


def test_openpyxl_parses_uploads_with_defusedxml_even_with_lxml_installed():
    # python-docx installs lxml; openpyxl would then use lxml.etree.fromstring for workbook parts
    from openpyxl.xml import functions

    assert functions.fromstring.__module__.startswith("defusedxml")
    assert functions.iterparse.__module__.startswith("defusedxml")
