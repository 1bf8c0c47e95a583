"""The policy editor (PRODUCT.md §2.6): create and edit a policy with its conditions (a form-based,
nested condition editor, or the JSON), publish / withdraw / expire it, attach its documents; JSON
import (all or nothing, every fault reported by its path) and export.

Who: the desk writes every policy, a department's head and handlers their own department's
(`services.may_edit`). A policy the actor cannot see is 404 (`policy_get`); one they see but may not
edit is 403. Everyone who may read a policy may download its attachments.
"""

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qifu.access.actor import Actor
from qifu.access.scopes import scope_policy_enterprises
from qifu.access.web import business_view, role_view
from qifu.core.errors import Conflict, PermissionDenied, QifuError, RuleViolation
from qifu.policies import engine
from qifu.policies.attachments import (
    ACCEPT,
    policy_attachment_add,
    policy_attachment_get,
    policy_attachment_response,
    policy_attachments,
)
from qifu.policies.conditions import ConditionError, parse
from qifu.policies.forms_edit import AttachmentForm, ImportForm, PolicyForm, editor_catalogue, policy_json
from qifu.policies.models import Policy, PolicyStatus
from qifu.policies.selectors import policy_get, policy_list
from qifu.policies.services import (
    ImportResult,
    may_edit,
    policies_parse_file,
    policy_import,
    policy_save,
    policy_set_status,
)
from qifu.reference.selectors import department_list, policy_categories, service_list_names

IMPORT_MAX_BYTES = 20 * 1024 * 1024


def may_write_policies(actor: Actor) -> bool:
    """The desk, and the staff of a department (each for its own department's policies)."""
    return may_edit(actor, None) or (actor.is_department and actor.department_id is not None)


def _editable(actor: Actor, code: str) -> Policy:
    policy = policy_get(actor=actor, code=code)  # NotFound (404) when missing or invisible
    if not may_edit(actor, policy.department_id):
        raise DjangoPermissionDenied
    return policy


def _form(request: HttpRequest, actor: Actor, policy: Policy | None) -> PolicyForm:
    return PolicyForm(
        request.POST if request.method == "POST" else None,
        actor=actor,
        categories=policy_categories(),
        departments=list(department_list()),
        policy=policy,
        initial=PolicyForm.initial_of(policy),
    )


def _render_editor(
    request: HttpRequest,
    actor: Actor,
    form: PolicyForm,
    policy: Policy | None,
    *,
    faults: list[dict[str, Any]] | None = None,
    attachment_form: AttachmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    catalogue = editor_catalogue(service_list_names())
    catalogue["faults"] = [[f.get("path") or "", f.get("message") or ""] for f in faults or []]
    context = {
        "form": form,
        "policy": policy,
        "faults": faults or [],
        "catalogue": catalogue,
        "attachments": policy_attachments(policy) if policy is not None else [],
        "attachment_form": attachment_form or AttachmentForm(accept=ACCEPT),
        "accept": ACCEPT,
        "statuses": _status_actions(policy),
        "read_only": policy is not None and policy.status == PolicyStatus.EXPIRED,
    }
    return render(request, "policies/edit.html", context, status=status)


def _status_actions(policy: Policy | None) -> list[dict[str, str]]:
    if policy is None:
        return []
    publish = {
        "to": PolicyStatus.PUBLISHED,
        "label": _("发布"),
        "style": "success",
        "confirm": _("确定发布这条政策吗？发布后企业即可看到，新符合条件的企业会收到一次通知。"),
    }
    withdraw = {
        "to": PolicyStatus.DRAFT,
        "label": _("撤回为草稿"),
        "style": "outline-secondary",
        "confirm": _("确定撤回这条政策吗？撤回后企业将看不到它。"),
    }
    expire = {
        "to": PolicyStatus.EXPIRED,
        "label": _("设为失效"),
        "style": "outline-danger",
        "confirm": _("确定将这条政策设为失效吗？失效后不再匹配企业。"),
    }
    return {
        PolicyStatus.DRAFT: [publish],
        PolicyStatus.PUBLISHED: [withdraw, expire],
        PolicyStatus.EXPIRED: [withdraw],
    }.get(PolicyStatus(policy.status), [])


def _save(request: HttpRequest, actor: Actor, policy: Policy | None) -> HttpResponse:
    form = _form(request, actor, policy)
    if request.method == "POST" and form.is_valid():
        if policy is not None and policy.status == PolicyStatus.EXPIRED:
            form.add_error(None, _("已失效的政策不能直接修改，请先撤回为草稿。"))
            return _render_editor(request, actor, form, policy, status=409)
        data, early = form.policy_data()
        faults = [{"path": p, "message": m} for p, m in early]
        if not faults:
            try:
                saved = policy_save(actor=actor, data=data, policy=policy)
            except RuleViolation as exc:
                faults = list(exc.data.get("faults") or [{"path": "", "message": exc.message}])
            except (PermissionDenied, Conflict) as exc:
                form.add_error(None, exc.message)
                return _render_editor(request, actor, form, policy, status=exc.http_status)
            else:
                if policy is None:
                    messages.success(request, _("政策已创建：%(code)s。") % {"code": saved.code})
                else:
                    messages.success(request, _("政策已保存。"))
                return redirect("policies:edit", code=saved.code)
        form.add_faults(faults)
        return _render_editor(request, actor, form, policy, faults=faults, status=422)
    return _render_editor(request, actor, form, policy, status=422 if request.method == "POST" else 200)


@role_view(may_write_policies)
def new(request: HttpRequest, actor: Actor) -> HttpResponse:
    """新建政策."""
    return _save(request, actor, None)


@role_view(may_write_policies)
def edit(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    """编辑政策: the catalogue fields, the conditions, the status buttons and the attachments."""
    return _save(request, actor, _editable(actor, code))


@require_POST
@role_view(may_write_policies)
def set_status(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    policy = _editable(actor, code)
    to = request.POST.get("status", "")
    try:
        policy_set_status(actor=actor, policy=policy, status=to)
    except (Conflict, PermissionDenied, RuleViolation) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("政策状态已改为“%(state)s”。") % {"state": PolicyStatus(to).label})
    return redirect("policies:edit", code=policy.code)


@require_POST
@role_view(may_write_policies)
def preview(request: HttpRequest, actor: Actor) -> HttpResponse:
    """预览：符合条件的企业 n 家 (HTMX): the posted conditions over the enterprises whose eligibility
    the actor may see for a policy of the chosen department — one COUNT query each."""
    context: dict[str, Any] = {"faults": [], "eligible": None, "unknown": None}
    try:
        node = parse(json.loads(request.POST.get("conditions") or ""))
    except json.JSONDecodeError:
        context["faults"] = [("conditions", _("不是有效的 JSON。"))]
    except ConditionError as exc:
        context["faults"] = exc.faults
    else:
        department = _chosen_department(actor, request.POST.get("department", ""))
        base = scope_policy_enterprises(actor, Policy(department_id=department or 0)).filter(status="active")
        ctx = engine.context(timezone.localdate())
        context["eligible"] = engine.matching(node, ctx, base=base).count()
        context["unknown"] = engine.outcomes(node, ctx, base=base).filter(**{"outcome__isnull": True}).count()
    return render(request, "policies/edit_preview.html", context)


def _chosen_department(actor: Actor, code: str) -> int | None:
    if not actor.is_zone_wide:
        return actor.department_id
    for d in department_list():
        if d.code == code:
            return int(d.pk)
    return None


# --- JSON import and export --------------------------------------------------------------------------


@role_view(may_write_policies)
def import_policies(request: HttpRequest, actor: Actor) -> HttpResponse:
    """导入政策 (JSON): all or nothing; the report lists every fault (序号, 编号, 位置, 原因)."""
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    faults: list[dict[str, Any]] = []
    result: ImportResult | None = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        if upload is None:
            form.add_error("file", _("请选择要导入的 JSON 文件。"))
            status = 422
        elif (upload.size or 0) > IMPORT_MAX_BYTES:
            form.add_error("file", _("文件过大：不能超过 %(mb)d MB。") % {"mb": IMPORT_MAX_BYTES // (1024 * 1024)})
            status = 413
        else:
            try:
                items = policies_parse_file(upload.read())
                result = policy_import(actor=actor, items=items, replace=bool(form.cleaned_data.get("replace")))
            except RuleViolation as exc:
                form.add_error(None, exc.message)
                faults = list(exc.data.get("faults") or [])
                status = exc.http_status
            except PermissionDenied as exc:
                form.add_error(None, exc.message)
                status = exc.http_status
    rows = [
        {**f, "number": f["index"] + 1 if isinstance(f.get("index"), int) else ""}
        for f in faults  # 序号 counts from 1, as people do
    ]
    return render(request, "policies/import.html", {"form": form, "faults": rows, "result": result}, status=status)


def _json_download(payload: Any, filename: str) -> HttpResponse:
    body = json.dumps(payload, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _staff(actor: Actor) -> bool:
    """The JSON files carry the conditions whole (with any 一企一策 list): staff only."""
    return actor.is_staff_role


@role_view(_staff)
def export_all(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Every policy the actor sees, in the formats.md shape (import reads it back)."""
    rows = [policy_json(p) for p in policy_list(actor=actor)]
    return _json_download(rows, f"policies-{timezone.localdate():%Y%m%d}.json")


@role_view(_staff)
def export_one(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    policy = policy_get(actor=actor, code=code)
    return _json_download([policy_json(policy)], f"policy-{policy.code}.json")


# --- attachments -----------------------------------------------------------------------------------


@require_POST
@role_view(may_write_policies)
def attachment_add(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    policy = _editable(actor, code)
    form = AttachmentForm(request.POST, request.FILES, accept=ACCEPT)
    form.is_valid()
    upload = form.cleaned_data.get("file")
    if upload is None:
        form.add_error("file", _("请选择要上传的文件。"))
        status = 422
    else:
        try:
            attachment = policy_attachment_add(actor=actor, policy=policy, upload=upload)
        except QifuError as exc:
            form.add_error("file", exc.message)
            status = exc.http_status
        else:
            messages.success(request, _("附件已上传：%(name)s。") % {"name": attachment.name})
            return redirect("policies:edit", code=policy.code)
    editor = PolicyForm(
        actor=actor,
        categories=policy_categories(),
        departments=list(department_list()),
        policy=policy,
        initial=PolicyForm.initial_of(policy),
    )
    return _render_editor(request, actor, editor, policy, attachment_form=form, status=status)


@require_GET
@business_view  # type: ignore[arg-type]  # a FileResponse streams (HttpResponseBase)
def attachment(request: HttpRequest, actor: Actor, code: str, attachment_id: int) -> FileResponse:
    """The download, for anyone who may read the policy (a draft is 404 to those who may not)."""
    policy = policy_get(actor=actor, code=code)
    found = policy_attachment_get(policy=policy, attachment_id=attachment_id)
    return policy_attachment_response(actor=actor, policy=policy, attachment=found)
