"""The English translation: a complete catalogue, compiled, and served to those who ask for English.

- qifu/locale/en/LC_MESSAGES/django.po has no untranslated or fuzzy entry, keeps every placeholder,
  and the committed django.mo says the same (machines without gettext use it as is);
- every msgid the code and templates use is in the catalogue (makemessages re-run into a temp dir;
  skipped when gettext's xgettext/msguniq/msgmerge are missing);
- a staff user whose language cookie is English gets English pages; without cookie or
  Accept-Language the pages are Chinese; the login page follows Accept-Language.
"""

import gettext as gettext_module
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

import qifu

PACKAGE = Path(qifu.__file__).resolve().parent
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge")
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{(\w*)\}")
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


@dataclass
class Entry:
    msgid: str | None = None
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid or "", self.msgid_plural)


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """The live (non-obsolete) entries of a .po file, header included (msgid "")."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                current, target = None, None
            continue
        if line.startswith("#"):
            if current is None or target is not None:
                current, target = Entry(line=number), None
                entries.append(current)
            if line.startswith("#,"):
                current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith('"'):
            assert current is not None and target is not None, f"{path}:{number}: stray string"
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, (getattr(current, name) or "") + _unquote(line))
            continue
        keyword, _, value = line.partition(" ")
        starts_entry = keyword == "msgctxt" or (keyword == "msgid" and (target or ("",))[0] != "msgctxt")
        if current is None or (starts_entry and target is not None):
            current = Entry(line=number)
            entries.append(current)
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if match or keyword == "msgstr":
            index = int(match.group(1)) if match else 0
            current.msgstr[index] = _unquote(value)
            target = ("msgstr", index)
        elif keyword in ("msgid", "msgid_plural", "msgctxt"):
            setattr(current, keyword, _unquote(value))
            target = (keyword, 0)
        else:
            raise AssertionError(f"{path}:{number}: unexpected {keyword!r}")
    return entries


def _messages(entries: list[Entry]) -> list[Entry]:
    """All entries but the header (and comment-only leftovers of obsolete ones)."""
    return [e for e in entries if e.msgid]


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


# --- the catalogue ----------------------------------------------------------------------------------


def test_catalogue_is_complete_and_not_fuzzy() -> None:
    entries = parse_po(PO)
    header = [e for e in entries if e.msgid == ""]
    assert header and "fuzzy" not in header[0].flags, "the header is marked fuzzy"
    assert "Language: en" in header[0].msgstr[0]
    messages = _messages(entries)
    assert len(messages) > 300
    untranslated = [e.msgid for e in messages if not all(e.msgstr.get(i) for i in range(2 if e.msgid_plural else 1))]
    fuzzy = [e.msgid for e in messages if "fuzzy" in e.flags]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    # English, not a copy of the Chinese (enterprise examples and names live in data, not in msgstr).
    chinese = [e.msgid for e in messages if any(CJK.search(s) for s in e.msgstr.values())]
    assert not chinese, f"msgstr still in Chinese: {chinese}"


def test_placeholders_are_kept() -> None:
    wrong = []
    for e in _messages(parse_po(PO)):
        for index, text in e.msgstr.items():
            source = (e.msgid_plural if index and e.msgid_plural else e.msgid) or ""
            if _placeholders(text) != _placeholders(source):
                wrong.append((e.msgid, text))
    assert not wrong, wrong


def test_committed_mo_matches_the_po() -> None:
    with MO.open("rb") as fp:
        compiled = gettext_module.GNUTranslations(fp)
    stale = []
    for e in _messages(parse_po(PO)):
        msgid = (f"{e.msgctxt}\x04" if e.msgctxt is not None else "") + (e.msgid or "")
        if e.msgid_plural is None:
            got = [compiled._catalog.get(msgid)]
        else:
            got = [compiled._catalog.get((msgid, i)) for i in sorted(e.msgstr)]
        if got != [e.msgstr[i] for i in sorted(e.msgstr)]:
            stale.append(e.msgid)
    assert not stale, f"django.mo is older than django.po (run compilemessages): {stale}"


def test_every_msgid_in_use_is_in_the_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing_tools = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing_tools:
        tools = ", ".join(missing_tools)
        pytest.skip(f"makemessages needs GNU gettext ({tools} missing): msgid coverage of the catalogue not checked")
    # Extract from a copy, so that makemessages writes nothing (not even its temporary files) in the tree.
    source = tmp_path / "src"
    shutil.copytree(PACKAGE, source / "qifu", ignore=shutil.ignore_patterns("static", "locale", "__pycache__", "*.pyc"))
    out = tmp_path / "locale"
    out.mkdir()
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[str(out)]):
        call_command("makemessages", locale=["en"], verbosity=0)
    fresh = {e.key for e in _messages(parse_po(out / "en" / "LC_MESSAGES" / "django.po"))}
    committed = {e.key for e in _messages(parse_po(PO))}
    missing = sorted(msgid for _, msgid, _ in fresh - committed)
    assert not missing, f"not in the en catalogue (run makemessages -l en and translate): {missing}"


# --- pages ------------------------------------------------------------------------------------------


NAV_EN = ["Dashboard", "Enterprises", "Projects", "Liaison management", "Import enterprises"]
NAV_ZH = ["工作台", "企业", "项目", "挂钩管理", "导入企业"]


def _page(client: Client, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode()


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
    assert match
    return match.group(1)


@pytest.fixture
def desk(cast, client: Client) -> Client:
    client.force_login(cast.desk)
    return client


def test_english_cookie_gives_english_pages(desk: Client) -> None:
    desk.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    home = _page(desk, reverse("dashboard:home"))
    assert '<html lang="en">' in home
    assert _title(home).startswith("Dashboard · Qifu")
    for label in NAV_EN:
        assert f"</i> {label}</a>" in home, label
    assert "Service desk dashboard: liaison assignments and project scheduling" in home
    assert "工作台" not in home and "挂钩管理" not in home

    directory = _page(desk, reverse("enterprises:list"))
    assert _title(directory).startswith("Enterprise directory · Qifu")
    assert "All registered enterprises in the zone" in directory
    assert "Unified Social Credit Code (USCC)" in directory
    for label in NAV_EN:
        assert f"</i> {label}</a>" in directory, label
    assert "企业名录" not in directory and "统一社会信用代码" not in directory


def test_chinese_by_default(desk: Client) -> None:
    home = _page(desk, reverse("dashboard:home"))
    assert '<html lang="zh-hans">' in home
    assert _title(home).startswith("工作台 · 企服")
    for label in NAV_ZH:
        assert f"</i> {label}</a>" in home, label
    assert "Dashboard" not in home

    directory = _page(desk, reverse("enterprises:list"))
    assert _title(directory).startswith("企业名录 · 企服")
    assert "Enterprise directory" not in directory


def test_login_page_follows_accept_language(client: Client) -> None:
    english = _page(client, reverse("accounts:login"), accept_language="en")
    assert _title(english).startswith("Sign in · Qifu")
    assert "Sign in to Qifu" in english and "Username" in english and "Password" in english
    assert "登录企服" not in english

    chinese = _page(Client(), reverse("accounts:login"))
    assert "登录企服" in chinese and "Sign in" not in chinese
