"""The import page (导入企业): the service desk only; others get 404 (the page is not advertised)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from qifu.audit.models import AuditEntry
from qifu.enterprises.models import Enterprise
from qifu.enterprises.tests.sheets import csv_bytes, row, xlsx
from qifu.enterprises.uscc import make_uscc

URL = reverse("enterprises:import")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(file, name: str = "企业.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, file.getvalue(), content_type="application/octet-stream")


def test_desk_sees_the_form_with_hint_template_link_and_progress(cast):
    # when
    response = client_for(cast.desk).get(URL)
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file"' in html and 'name="skip_invalid"' in html
    assert reverse("enterprises:template") in html
    assert f'hx-post="{URL}"' in html and 'hx-encoding="multipart/form-data"' in html
    assert 'hx-indicator="#import-progress"' in html and "正在校验并导入…" in html
    assert "统一社会信用代码" in html and "C3985" in html  # the column hints
    # CSP: no inline script anywhere on the page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_desk_imports_a_file_and_sees_the_counts(cast):
    # given
    client = client_for(cast.desk)
    # when an HTMX upload
    response = client.post(
        URL, {"file": upload(xlsx([row(9501), row(9502)])), "skip_invalid": ""}, headers={"HX-Request": "true"}
    )
    # then only the result fragment comes back, with the counts
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="import-result"' in html
    assert "导入完成" in html and re.search(r'data-count="created">2<', html)
    assert Enterprise.objects.filter(uscc__in=[make_uscc(9501), make_uscc(9502)]).count() == 2
    assert AuditEntry.objects.filter(action="enterprise_import", actor_username="desk").count() == 1


def test_desk_sees_the_row_by_row_report_and_nothing_is_written(cast):
    # given
    client = client_for(cast.desk)
    enterprises, audits = Enterprise.objects.count(), AuditEntry.objects.count()
    file = xlsx([row(9503), row(9504, employees="-2"), row(9505, uscc=make_uscc(9503))])
    # when a plain (non-HTMX) post
    response = client.post(URL, {"file": upload(file)})
    # then the whole page, with the error table in Chinese
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert "文件未导入，没有写入任何数据" in html
    table = html[html.index('id="import-errors"') :]
    assert "第3行" in table and "从业人数" in table and "不能为负数" in table
    assert "第2行" in table and "第4行" in table and "重复" in table
    assert (Enterprise.objects.count(), AuditEntry.objects.count()) == (enterprises, audits)


def test_skip_invalid_checkbox(cast):
    client = client_for(cast.desk)
    file = csv_bytes([row(9506), row(9507, founded_on="明年")], bom=True)
    response = client.post(
        URL, {"file": upload(file, "企业.csv"), "skip_invalid": "on"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "已导入有效行" in html and "成立日期" in html and "第3行" in html
    assert Enterprise.objects.filter(uscc=make_uscc(9506)).exists()
    assert not Enterprise.objects.filter(uscc=make_uscc(9507)).exists()


def test_non_excel_upload_is_explained(cast):
    client = client_for(cast.desk)
    response = client.post(URL, {"file": SimpleUploadedFile("企业.xlsx", b"MZ\x90\x00 not excel")})
    assert "不是有效的Excel文件" in response.content.decode()


def test_missing_file_is_a_form_error(cast):
    client = client_for(cast.desk)
    audits = AuditEntry.objects.count()
    response = client.post(URL, {}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    assert AuditEntry.objects.count() == audits


@pytest.mark.parametrize("who", ["leader", "liaison_a", "jfj_handler", "jfj_head", "deputy", "ent_a", "sysadmin"])
def test_others_get_404_and_nothing_is_written_case(cast, who):
    # given
    client = client_for(getattr(cast, who))
    enterprises, audits = Enterprise.objects.count(), AuditEntry.objects.count()
    # when
    get = client.get(URL)
    post = client.post(URL, {"file": upload(xlsx([row(9508)]))})
    # then
    assert (get.status_code, post.status_code) == (404, 404)
    assert (Enterprise.objects.count(), AuditEntry.objects.count()) == (enterprises, audits)


def test_anonymous_is_sent_to_login(db):
    response = Client().get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
