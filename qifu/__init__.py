"""Qifu (企服)."""

import os

# python-docx (meeting minutes) brings lxml, and openpyxl then parses uploaded workbooks with
# lxml.etree instead of defusedxml. Keep openpyxl on the defused parser (security checklist IP-6 d):
# read here, before any module imports openpyxl; qifu.core.excel fails closed otherwise.
os.environ.setdefault("OPENPYXL_LXML", "False")
