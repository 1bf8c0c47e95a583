import io
import json
from typing import Any

import pytest
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from qifu.conftest import Cast
from qifu.files.middleware import FORM_SLACK_BYTES, UploadGuardMiddleware, request_max_bytes
from qifu.files.services import file_store
from qifu.files.tests import samples
from qifu.files.tests.conftest import stored_paths

MB = 1024 * 1024


class _Unreadable(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")


def _ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@pytest.mark.django_db
def test_a_25_mb_multipart_upload_to_the_api_gets_413_json() -> None:
    # given
    big = samples.upload("big.pdf", b"\0" * (25 * MB))
    # when
    response = Client().post("/api/v1/cases/1/attachments", {"file": big})
    # then
    assert response.status_code == 413
    body = json.loads(response.content)
    assert (body["code"], body["max_mb"]) == ("file_too_large", 20)
    assert "20 MB" in body["detail"]


@pytest.mark.django_db
def test_a_25_mb_multipart_upload_to_a_page_gets_413_in_chinese() -> None:
    response = Client().post("/cases/1/attachments", {"file": samples.upload("big.pdf", b"\0" * (25 * MB))})
    assert response.status_code == 413
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "上传的内容过大" in response.content.decode()


def test_the_413_comes_before_the_body_is_read() -> None:
    # given a request that declares a huge body but whose body must not be touched
    request = RequestFactory().post(
        "/api/v1/x", data=b"", content_type="multipart/form-data; boundary=xyz", CONTENT_LENGTH=str(100 * MB)
    )
    request.META["wsgi.input"] = _Unreadable()
    # when
    response = UploadGuardMiddleware(_ok)(request)
    # then
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("length", "status"),
    [
        pytest.param(None, 200, id="no_length_case"),
        pytest.param("abc", 200, id="malformed_length_case"),
        pytest.param("1000", 200, id="small_case"),
        pytest.param("limit", 200, id="at_limit_case"),
        pytest.param("limit+1", 413, id="over_limit_case"),
    ],
)
def test_the_limit_is_the_setting_plus_slack_case(length: str | None, status: int, settings: Any) -> None:
    # given
    settings.IMPORT_MAX_BYTES = 0
    limit = 20 * MB + FORM_SLACK_BYTES
    request = RequestFactory().post("/x", data=b"", content_type="multipart/form-data; boundary=xyz")
    if length is None:
        request.META.pop("CONTENT_LENGTH", None)
    else:
        request.META["CONTENT_LENGTH"] = {"limit": str(limit), "limit+1": str(limit + 1)}.get(length, length)
    # when
    response = UploadGuardMiddleware(_ok)(request)
    # then
    assert request_max_bytes() == limit
    assert response.status_code == status


def test_the_excel_import_limit_is_never_cut_by_a_smaller_upload_limit(settings: Any) -> None:
    settings.UPLOAD_MAX_MB = 5
    settings.IMPORT_MAX_BYTES = 20 * MB
    assert request_max_bytes() == 20 * MB + FORM_SLACK_BYTES


def test_a_request_whose_transaction_rolled_back_leaves_no_file(cast: Cast, files_dir: Any) -> None:
    # given a view that stores a file inside a transaction that then fails
    def view(request: HttpRequest) -> HttpResponse:
        try:
            with transaction.atomic():
                file_store(
                    actor=cast.actor(cast.desk),
                    upload=samples.upload("a.pdf", samples.pdf_bytes()),
                    enterprise_id=cast.a.pk,
                )
                raise RuntimeError("later step failed")
        except RuntimeError:
            return HttpResponse("handled", status=409)

    # when
    response = UploadGuardMiddleware(view)(RequestFactory().post("/x"))
    # then
    assert response.status_code == 409
    assert stored_paths(files_dir) == []
