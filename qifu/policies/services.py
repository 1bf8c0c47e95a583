"""Policy writes: check a formats.md object, import a file all-or-nothing, create, edit, publish,
expire, record an introduction (宣讲). Each write is atomic and audited.

Faults carry the path of the bad part inside the policy object (`conditions.all[2].op`, `title`),
and in a file also the item's index and code, so a report can point at every one of them.
"""

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.audit.services import audit_record
from qifu.core.errors import Conflict, PermissionDenied, RuleViolation
from qifu.enterprises.models import Enterprise
from qifu.policies.conditions import ConditionError, parse
from qifu.policies.errors import PolicyErrorCode as Code
from qifu.policies.models import Policy, PolicyIntroduction, PolicyStatus
from qifu.reference.models import Department
from qifu.reference.selectors import policy_categories
from qifu.search.services import search_index_policies

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
# Page addresses under /policies/ that a policy code would shadow (urls_pages.py, urls_edit.py).
RESERVED_CODES = frozenset({"new", "import", "preview", "export.json", "for-us", "introduce", "brief", "home-card"})
TEXT_LIMITS = {
    "title": 200, "document_no": 100, "benefit": 500, "summary": 20_000, "interpretation": 20_000, "full_text": 200_000,
}  # fmt: skip
DATE_FIELDS = ("valid_from", "valid_to", "apply_from", "apply_to")
KNOWN_KEYS = {
    "code", "title", "category", "department", "document_no", "valid_from", "valid_to", "apply_from", "apply_to",
    "benefit", "auto_grant", "summary", "interpretation", "full_text", "conditions", "status",
}  # fmt: skip


@dataclass(frozen=True)
class Fault:
    path: str  # inside the policy object: "title", "conditions.all[2].op"
    message: str
    index: int | None = None  # the item's place in a file
    code: str = ""  # the item's policy code, when it has one

    def as_json(self) -> dict[str, Any]:
        return {"index": self.index, "code": self.code, "path": self.path, "message": self.message}


@dataclass
class PolicyIn:
    code: str
    title: str
    category: str
    department: Department
    conditions: dict[str, Any]
    document_no: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    apply_from: date | None = None
    apply_to: date | None = None
    benefit: str = ""
    auto_grant: bool = False
    summary: str = ""
    interpretation: str = ""
    full_text: str = ""
    status: str = PolicyStatus.PUBLISHED

    def values(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in KNOWN_KEYS if k != "code"}


def policy_check(data: Any, *, index: int | None = None) -> tuple[PolicyIn | None, list[Fault]]:
    """A formats.md policy object checked field by field: (the policy, []) or (None, every fault)."""
    faults: list[Fault] = []
    if not isinstance(data, dict):
        return None, [Fault("", _("每条政策应为一个 JSON 对象。"), index)]
    code: str = data["code"] if isinstance(data.get("code"), str) else ""

    def bad(path: str, message: str) -> None:
        faults.append(Fault(path, message, index, code))

    for key in sorted(set(data) - KNOWN_KEYS):
        bad(key, _("未知的键：%(key)s。") % {"key": key})
    if not code or not CODE_PATTERN.match(code):
        bad("code", _("政策编号必填：2至64位字母、数字、点、横线或下划线。"))
    elif code.lower() in RESERVED_CODES:
        bad("code", _("“%(code)s”是系统保留字，不能用作政策编号。") % {"code": code})
    texts: dict[str, str] = {}
    for key, limit in TEXT_LIMITS.items():
        value = data.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            bad(key, _("应为文字。"))
        elif len(value) > limit:
            bad(key, _("不能超过%(n)s个字。") % {"n": limit})
        else:
            texts[key] = value.strip()
    if not texts.get("title"):
        bad("title", _("政策名称必填。"))
    category = data.get("category")
    categories = policy_categories()
    if category not in categories:
        bad("category", _("政策类别应为以下之一：%(codes)s。") % {"codes": " ".join(categories)})
    department = None
    dept_code = data.get("department")
    if isinstance(dept_code, str):
        department = Department.objects.filter(code=dept_code.upper(), active=True).first()
    if department is None:
        bad("department", _("未知的发布部门：%(code)s。") % {"code": dept_code})
    dates: dict[str, date | None] = {}
    for key in DATE_FIELDS:
        raw = data.get(key)
        if raw in (None, ""):
            dates[key] = None
            continue
        try:
            if not isinstance(raw, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                raise ValueError
            dates[key] = date.fromisoformat(raw)
        except ValueError:
            bad(key, _("应为日期 YYYY-MM-DD。"))
    for start, end in (("valid_from", "valid_to"), ("apply_from", "apply_to")):
        if dates.get(start) and dates.get(end) and dates[end] < dates[start]:  # type: ignore[operator]
            bad(end, _("结束日期不能早于开始日期。"))
    auto_grant = data.get("auto_grant", False)
    if not isinstance(auto_grant, bool):
        bad("auto_grant", _("应为 true 或 false。"))
    status = data.get("status", PolicyStatus.PUBLISHED)
    if status not in (PolicyStatus.DRAFT, PolicyStatus.PUBLISHED):
        bad("status", _("状态应为 draft 或 published。"))
    conditions = data.get("conditions")
    if "conditions" not in data:
        bad("conditions", _("申报条件必填。"))
    else:
        try:
            parse(conditions)
        except ConditionError as exc:
            for path, message in exc.faults:
                bad(path, message)
    if faults:
        return None, faults
    if department is None or not isinstance(conditions, dict):
        return None, [Fault("conditions", _("申报条件应为一个条件对象。"), index, code)]
    return (
        PolicyIn(
            code=code,
            title=texts["title"],
            category=str(category),
            department=department,
            conditions=conditions,
            document_no=texts.get("document_no", ""),
            benefit=texts.get("benefit", ""),
            summary=texts.get("summary", ""),
            interpretation=texts.get("interpretation", ""),
            full_text=texts.get("full_text", ""),
            auto_grant=bool(auto_grant),
            status=str(status),
            **dates,
        ),
        [],
    )


def _invalid(faults: Sequence[Fault]) -> RuleViolation:
    first = faults[0]
    where = f"[{first.index}] " if first.index is not None else ""
    return RuleViolation(
        _("政策有误（%(n)s处），例如 %(where)s%(path)s：%(message)s")
        % {"n": len(faults), "where": where, "path": first.path or "-", "message": first.message},
        code=Code.INVALID_POLICY,
        data={"faults": [f.as_json() for f in faults]},
    )


def may_edit(actor: Actor, department_id: int | None) -> bool:
    """The desk writes every policy; a department's head and handlers write their own."""
    if actor.role == "desk":
        return True
    return actor.is_department and department_id is not None and actor.department_id == department_id


def _require_edit(actor: Actor, department_id: int | None) -> None:
    if not may_edit(actor, department_id):
        raise PermissionDenied(_("只有服务专班和发布部门可以编辑政策。"), code=Code.EDIT_FORBIDDEN)


def _effective_status(p: PolicyIn, today: date) -> str:
    if p.status == PolicyStatus.PUBLISHED and p.valid_to is not None and p.valid_to < today:
        return PolicyStatus.EXPIRED
    return p.status


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def policies_parse_file(content: bytes | str) -> list[Any]:
    """The list of policy objects in a formats.md JSON file, or RuleViolation(malformed_json)."""
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
        items = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RuleViolation(
            _("文件不是有效的 JSON：%(error)s") % {"error": exc},
            code=Code.MALFORMED_JSON,
            data={"faults": [{"index": None, "code": "", "path": "", "message": str(exc)}]},
        ) from None
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not items:
        raise RuleViolation(
            _("文件应为政策对象的 JSON 列表。"),
            code=Code.MALFORMED_JSON,
            data={"faults": [{"index": None, "code": "", "path": "", "message": "not a list of objects"}]},
        )
    return items


def policy_import(*, actor: Actor | None, items: Sequence[Any], replace: bool = False) -> ImportResult:
    """All or nothing (formats.md): every item checked first; any fault, or a code twice in the
    file, or (without REPLACE) a code already taken by a different policy, refuses the whole file.
    Re-importing the same file changes nothing."""
    checked: list[PolicyIn] = []
    faults: list[Fault] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        policy, bad = policy_check(item, index=i)
        faults.extend(bad)
        if policy is None:
            continue
        if policy.code in seen:
            faults.append(
                Fault("code", _("政策编号重复：与第%(n)s条相同。") % {"n": seen[policy.code] + 1}, i, policy.code)
            )
            continue
        seen[policy.code] = i
        checked.append(policy)
    if actor is not None:
        for p in checked:
            if not may_edit(actor, p.department.pk):
                raise PermissionDenied(_("只有服务专班和发布部门可以导入政策。"), code=Code.EDIT_FORBIDDEN)
    existing = {p.code: p for p in Policy.objects.filter(code__in=list(seen))}
    today = timezone.localdate()
    result = ImportResult()
    plans: list[tuple[PolicyIn, Policy | None]] = []
    for p in checked:
        old = existing.get(p.code)
        if old is None:
            plans.append((p, None))
        elif _same(old, p, today):
            result.unchanged.append(p.code)
        elif not replace:
            faults.append(
                Fault(
                    "code",
                    _("政策编号已存在：%(code)s（要覆盖请选择“替换已有政策”）。") % {"code": p.code},
                    seen[p.code],
                    p.code,
                )
            )
        else:
            plans.append((p, old))
    if faults:
        duplicate = any(f.path == "code" and ("重复" in f.message or "已存在" in f.message) for f in faults)
        error = _invalid(sorted(faults, key=lambda f: f.index or 0))
        if duplicate and all(f.path == "code" for f in faults):
            error.code = Code.DUPLICATE_CODE
        raise error
    indexed: list[int] = []
    with transaction.atomic():
        for p, old in plans:
            status = _effective_status(p, today)
            if old is None:
                saved = Policy.objects.create(
                    code=p.code, **{**p.values(), "status": status}, published_at=_published_at(status)
                )
                result.created.append(p.code)
            else:
                for key, value in p.values().items():
                    setattr(old, key, value)
                old.status = status
                if status == PolicyStatus.PUBLISHED and old.published_at is None:
                    old.published_at = timezone.now()
                old.save()
                saved = old
                result.updated.append(p.code)
            indexed.append(saved.pk)
            audit_record(
                actor=actor,
                action="policy_import",
                object_type="policy",
                object_id=saved.code,
                changes={"status": status, "replace": old is not None},
            )
        search_index_policies(indexed)  # the full-text index, in this transaction
        if plans:
            _after_publish([p.code for p, _old in plans if _effective_status(p, today) == PolicyStatus.PUBLISHED])
    return result


def _published_at(status: str) -> Any:
    return timezone.now() if status in (PolicyStatus.PUBLISHED, PolicyStatus.EXPIRED) else None


def _same(old: Policy, p: PolicyIn, today: date) -> bool:
    values = {**p.values(), "status": _effective_status(p, today)}
    for key, value in values.items():
        current = old.department_id if key == "department" else getattr(old, key)
        if key == "department":
            value = value.pk
        if current != value:
            return False
    return True


def policy_save(*, actor: Actor, data: dict[str, Any], policy: Policy | None = None) -> Policy:
    """Create (POLICY None) or edit a policy from a formats.md object (the editor and the API)."""
    if policy is not None:
        _require_edit(actor, policy.department_id)
        data = {**data, "code": policy.code}
    checked, faults = policy_check(data)
    if faults or checked is None:
        raise _invalid(faults)
    _require_edit(actor, checked.department.pk)
    today = timezone.localdate()
    status = _effective_status(checked, today)
    with transaction.atomic():
        if policy is None:
            if Policy.objects.filter(code=checked.code).exists():
                raise RuleViolation(
                    _("政策编号已存在：%(code)s。") % {"code": checked.code},
                    code=Code.DUPLICATE_CODE,
                    data={"faults": [Fault("code", _("政策编号已存在。"), None, checked.code).as_json()]},
                )
            policy = Policy.objects.create(
                code=checked.code, **{**checked.values(), "status": status}, published_at=_published_at(status)
            )
            action = "policy_create"
        else:
            policy = Policy.objects.select_for_update().get(pk=policy.pk)
            was = policy.status
            for key, value in checked.values().items():
                setattr(policy, key, value)
            policy.status = status
            if status == PolicyStatus.PUBLISHED and policy.published_at is None:
                policy.published_at = timezone.now()
            policy.save()
            action = "policy_update" if was == status else "policy_update_status"
        search_index_policies([policy.pk])  # the full-text index, in this transaction
        audit_record(
            actor=actor, action=action, object_type="policy", object_id=policy.code, changes={"status": status}
        )
        if status == PolicyStatus.PUBLISHED:
            _after_publish([policy.code])
    return policy


def policy_set_status(*, actor: Actor, policy: Policy, status: str) -> Policy:
    """Publish a draft, withdraw a published policy to draft, or expire it by hand."""
    _require_edit(actor, policy.department_id)
    allowed: dict[str, set[str]] = {
        PolicyStatus.DRAFT: {PolicyStatus.PUBLISHED},
        PolicyStatus.PUBLISHED: {PolicyStatus.DRAFT, PolicyStatus.EXPIRED},
        PolicyStatus.EXPIRED: {PolicyStatus.DRAFT},
    }
    if status not in allowed.get(policy.status, set()):
        raise Conflict(
            _("政策当前为“%(state)s”，不能改为“%(to)s”。")
            % {"state": PolicyStatus(policy.status).label, "to": dict(PolicyStatus.choices).get(status, status)},
            code=Code.INVALID_STATE,
        )
    today = timezone.localdate()
    if status == PolicyStatus.PUBLISHED and policy.valid_to is not None and policy.valid_to < today:
        raise Conflict(_("政策有效期已过，不能发布。"), code=Code.INVALID_STATE)
    with transaction.atomic():
        was = policy.status
        policy.status = status
        if status == PolicyStatus.PUBLISHED and policy.published_at is None:
            policy.published_at = timezone.now()
        policy.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            action="policy_status",
            object_type="policy",
            object_id=policy.code,
            changes={"status": [was, status]},
        )
        if status == PolicyStatus.PUBLISHED:
            _after_publish([policy.code])
    return policy


def policies_expire(*, today: date | None = None) -> int:
    """The nightly step: published policies past their validity become expired."""
    today = today or timezone.localdate()
    with transaction.atomic():
        stale = list(
            Policy.objects.filter(status=PolicyStatus.PUBLISHED, valid_to__lt=today).values_list("code", flat=True)
        )
        Policy.objects.filter(code__in=stale).update(status=PolicyStatus.EXPIRED, updated_at=timezone.now())
        for code in stale:
            audit_record(actor=None, action="policy_expire", object_type="policy", object_id=code)
    return len(stale)


def policy_introduce(
    *,
    actor: Actor,
    policy: Policy,
    enterprise: Enterprise,
    on: date | None = None,
    visit_id: int | None = None,
    note: str = "",
) -> PolicyIntroduction:
    """宣讲: staff record that they introduced POLICY to ENTERPRISE (the caller has checked that the
    actor sees both)."""
    if not actor.is_staff_role:
        raise PermissionDenied(_("只有工作人员可以记录政策宣讲。"), code=Code.INTRODUCE_FORBIDDEN)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise RuleViolation(_("宣讲日期不能晚于今天。"), code="invalid_date", data={"field": "on"})
    note = (note or "").strip()
    if len(note) > 200:
        raise RuleViolation(_("备注不能超过200个字。"), code="too_long", data={"field": "note"})
    with transaction.atomic():
        intro = PolicyIntroduction.objects.create(
            enterprise=enterprise,
            policy=policy,
            introduced_by=actor.user,
            introduced_on=on,
            visit_id=visit_id,
            note=note,
        )
        audit_record(
            actor=actor,
            action="policy_introduce",
            object_type="policy",
            object_id=policy.code,
            changes={"enterprise": enterprise.uscc, "on": on, "visit": visit_id},
        )
    return intro


def _after_publish(codes: list[str]) -> None:
    """Newly published: tell the newly eligible enterprises (once each) after the commit."""
    if not codes:
        return
    from qifu.policies.notices import schedule_publish_notices

    transaction.on_commit(lambda: schedule_publish_notices(codes))
