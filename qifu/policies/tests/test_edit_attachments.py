"""Policy attachments: uploaded on the edit page, checked by content (a disguised program refused and
audited, nothing stored), downloaded as an attachment by anyone who may read the policy (a draft is
404 to an enterprise)."""

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from qifu.access.actor import Actor
from qifu.audit.models import AuditEntry, Outcome
from qifu.files.scanning import EicarScanner
from qifu.files.tests import samples
from qifu.policies.models import Policy, PolicyAttachment
from qifu.policies.services import policy_save

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def files_dir(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "files"
    settings.FILES_DIR = path
    settings.UPLOAD_MAX_MB = 20
    settings.FILES_SCANNER = f"{EicarScanner.__module__}.{EicarScanner.__qualname__}"
    return path


def stored(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def policy(cast: Any, *, status: str = "published", code: str = "KJJ-ATT") -> Policy:
    return policy_save(
        actor=Actor.of(cast.desk),
        data={
            "code": code,
            "title": "科技政策",
            "category": "innovation",
            "department": "KJJ",
            "conditions": {"field": "high_tech", "op": "is", "value": True},
            "status": status,
        },
    )


def attach(client: Client, code: str, name: str, data: bytes) -> Any:
    return client.post(f"/policies/{code}/attachments/", {"file": samples.upload(name, data)})


def test_the_issuing_department_attaches_a_pdf_and_an_enterprise_downloads_it(cast: Any, files_dir: Path) -> None:
    p = policy(cast)
    response = attach(login(cast.kjj_handler), p.code, "申报指南.pdf", samples.pdf_bytes())
    assert response.status_code == 302
    att = PolicyAttachment.objects.get()
    assert (att.name, att.content_type, att.policy_id) == ("申报指南.pdf", "application/pdf", p.pk)
    assert len(stored(files_dir)) == 1 and len(att.digest) == 64
    edit = login(cast.desk).get(f"/policies/{p.code}/edit/").content.decode()
    assert f"/policies/{p.code}/attachments/{att.pk}/" in edit

    download = login(cast.ent_a).get(f"/policies/{p.code}/attachments/{att.pk}/")
    assert download.status_code == 200
    assert (
        download["Content-Disposition"].startswith("attachment;")
        and "filename*=UTF-8''" in download["Content-Disposition"]
    )
    assert download["Content-Type"] == "application/pdf" and download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == samples.pdf_bytes()
    assert AuditEntry.objects.filter(action="policy_attachment_download", object_id=p.code).exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("政策原文.pdf", samples.exe_bytes()),  # a program dressed as a PDF
        ("setup.exe", samples.exe_bytes()),
        ("原文.pdf", samples.png_bytes()),  # content and extension disagree
        ("slides.pptx", b""),  # empty
        ("病毒.pdf", samples.pdf_bytes(samples.EICAR)),
    ],
    ids=["exe_as_pdf", "exe", "png_as_pdf", "empty", "infected"],
)
def test_a_bad_file_is_refused_audited_and_not_stored(cast: Any, files_dir: Path, name: str, data: bytes) -> None:
    p = policy(cast)
    client = login(cast.desk)
    response = attach(client, p.code, name, data)
    assert response.status_code in (413, 422)
    assert 'role="alert"' in response.content.decode()
    assert not PolicyAttachment.objects.exists() and stored(files_dir) == []
    assert AuditEntry.objects.filter(action="policy_attachment_add", outcome=Outcome.FAILURE).count() == 1


def test_only_policy_types_are_accepted(cast: Any, files_dir: Path) -> None:
    """A genuine PowerPoint is a fine case attachment, but not one of a policy's documents."""
    p = policy(cast)
    pptx = samples.pptx_bytes() if hasattr(samples, "pptx_bytes") else None
    if pptx is None:
        pytest.skip("no PowerPoint sample")
    response = attach(login(cast.desk), p.code, "slides.pptx", pptx)
    assert response.status_code == 422 and not PolicyAttachment.objects.exists()


def test_a_draft_policys_attachment_is_not_found_for_an_enterprise(cast: Any) -> None:
    p = policy(cast, status="draft")
    assert attach(login(cast.kjj_head), p.code, "草稿.pdf", samples.pdf_bytes()).status_code == 302
    att = PolicyAttachment.objects.get()
    url = f"/policies/{p.code}/attachments/{att.pk}/"
    assert login(cast.ent_a).get(url).status_code == 404
    assert login(cast.jfj_handler).get(url).status_code == 404  # another department does not see drafts
    assert login(cast.kjj_handler).get(url).status_code == 200
    other = policy(cast, code="KJJ-OTHER")
    assert login(cast.desk).get(f"/policies/{other.code}/attachments/{att.pk}/").status_code == 404  # not its own


def test_who_may_attach(cast: Any, files_dir: Path) -> None:
    p = policy(cast)
    assert attach(login(cast.jfj_handler), p.code, "a.pdf", samples.pdf_bytes()).status_code == 403
    assert attach(login(cast.ent_a), p.code, "a.pdf", samples.pdf_bytes()).status_code == 404
    assert not PolicyAttachment.objects.exists() and stored(files_dir) == []
