"""Linkage writes (PRODUCT.md §2.1 挂钩关系, 专班): two-way, kept with history, bulk reassignment."""

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.accounts.roles import LIAISON_ROLES, STAFF_ROLES
from qifu.audit.services import audit_record
from qifu.core.errors import Conflict, PermissionDenied, RuleViolation
from qifu.enterprises.models import Enterprise
from qifu.linkage.models import Linkage, LinkRole, TaskForce, TaskForceMember
from qifu.projects.models import Project


class LinkageErrorCode(StrEnum):
    FORBIDDEN = "linkage_forbidden"
    NOT_A_LIAISON = "linkage_not_a_liaison"
    PRIMARY_EXISTS = "linkage_primary_exists"
    ALREADY_LINKED = "linkage_already_linked"
    NOT_OPEN = "linkage_not_open"
    SAME_LIAISON = "linkage_same_liaison"
    PROJECT_MISMATCH = "linkage_project_mismatch"
    NOT_STAFF = "taskforce_member_not_staff"
    TASKFORCE_MEMBER_EXISTS = "taskforce_member_exists"


def _today() -> date:
    return timezone.localdate()


def _check_may_manage(actor: Actor) -> None:
    if not actor.can_manage_registry:
        raise PermissionDenied("only the service desk manages linkage", code=LinkageErrorCode.FORBIDDEN)


def _check_liaison(user: User) -> None:
    if user.role not in LIAISON_ROLES or not user.is_active:
        raise RuleViolation(f"{user.username} is not an active cadre or deputy", code=LinkageErrorCode.NOT_A_LIAISON)


def _sync_primary(enterprise: Enterprise, project: Project | None) -> None:
    """Keep the denormalised primary liaison on the enterprise / project in step with the links."""
    link = Linkage.objects.filter(
        enterprise=enterprise, project=project, role=LinkRole.PRIMARY, ended_on__isnull=True
    ).first()
    liaison_id = link.liaison_id if link else None
    target: Enterprise | Project = project if project is not None else enterprise
    if target.primary_liaison_id != liaison_id:
        target.primary_liaison_id = liaison_id
        target.save(update_fields=["primary_liaison", "updated_at"])


@transaction.atomic
def linkage_assign(
    *,
    actor: Actor,
    enterprise: Enterprise,
    liaison: User,
    role: str = LinkRole.PRIMARY,
    project: Project | None = None,
    started_on: date | None = None,
    reason: str = "",
) -> Linkage:
    """Link a cadre or deputy to an enterprise (or one of its projects); one open primary each."""
    _check_may_manage(actor)
    _check_liaison(liaison)
    if role not in LinkRole.values:
        raise RuleViolation(f"unknown link role {role}", code="linkage_invalid")
    if project is not None and project.enterprise_id != enterprise.pk:
        raise RuleViolation("the project belongs to another enterprise", code=LinkageErrorCode.PROJECT_MISMATCH)
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()  # serialise per enterprise
    open_links = Linkage.objects.filter(enterprise=enterprise, project=project, ended_on__isnull=True)
    if open_links.filter(liaison=liaison).exists():
        raise Conflict(f"{liaison.username} is already linked", code=LinkageErrorCode.ALREADY_LINKED)
    if role == LinkRole.PRIMARY and open_links.filter(role=LinkRole.PRIMARY).exists():
        raise Conflict("a primary liaison is already assigned; reassign instead", code=LinkageErrorCode.PRIMARY_EXISTS)
    link = Linkage(
        liaison=liaison,
        enterprise=enterprise,
        project=project,
        role=role,
        started_on=started_on or _today(),
        reason=reason,
        assigned_by=actor.user,
    )
    link.full_clean()
    link.save()
    _sync_primary(enterprise, project)
    audit_record(
        actor=actor,
        action="linkage_assign",
        object_type="enterprise",
        object_id=enterprise.uscc,
        changes={"liaison": liaison.username, "role": role, "project": project.code if project else None},
    )
    return link


@transaction.atomic
def linkage_end(*, actor: Actor, linkage: Linkage, reason: str = "", ended_on: date | None = None) -> Linkage:
    """End a link; the row stays as history."""
    _check_may_manage(actor)
    locked = Linkage.objects.select_for_update().get(pk=linkage.pk)
    if locked.ended_on is not None:
        raise Conflict("the link has already ended", code=LinkageErrorCode.NOT_OPEN)
    locked.ended_on = ended_on or _today()
    locked.reason = reason or locked.reason
    locked.save(update_fields=["ended_on", "reason", "updated_at"])
    _sync_primary(locked.enterprise, locked.project)
    audit_record(
        actor=actor,
        action="linkage_end",
        object_type="enterprise",
        object_id=locked.enterprise.uscc,
        changes={"liaison": locked.liaison.username, "role": locked.role, "reason": reason},
    )
    return locked


@transaction.atomic
def linkage_reassign(
    *, actor: Actor, enterprise: Enterprise, liaison: User, reason: str, project: Project | None = None
) -> Linkage:
    """Hand the primary link to another liaison: the old link ends today, history is kept."""
    _check_may_manage(actor)
    _check_liaison(liaison)
    if not reason.strip():
        raise RuleViolation("a reason is required to reassign", code="linkage_reason_required")
    current = (
        Linkage.objects.select_for_update()
        .filter(enterprise=enterprise, project=project, role=LinkRole.PRIMARY, ended_on__isnull=True)
        .first()
    )
    if current is not None and current.liaison_id == liaison.pk:
        raise Conflict("already the primary liaison", code=LinkageErrorCode.SAME_LIAISON)
    if current is not None:
        linkage_end(actor=actor, linkage=current, reason=reason)
    # A backup who becomes primary gives up the backup link.
    backup = Linkage.objects.filter(
        enterprise=enterprise, project=project, liaison=liaison, ended_on__isnull=True
    ).first()
    if backup is not None:
        linkage_end(actor=actor, linkage=backup, reason=reason)
    return linkage_assign(
        actor=actor, enterprise=enterprise, liaison=liaison, role=LinkRole.PRIMARY, project=project, reason=reason
    )


def linkage_bulk_reassign(
    *, actor: Actor, from_liaison: User, to_liaison: User, reason: str, enterprise_ids: Iterable[int] | None = None
) -> int:
    """Move every (or the chosen) primary enterprise links of one liaison to another, atomically."""
    _check_may_manage(actor)
    _check_liaison(to_liaison)
    with transaction.atomic():
        links = Linkage.objects.filter(
            liaison=from_liaison, role=LinkRole.PRIMARY, ended_on__isnull=True, project__isnull=True
        ).select_related("enterprise")
        if enterprise_ids is not None:
            links = links.filter(enterprise_id__in=list(enterprise_ids))
        moved = 0
        for link in list(links):
            linkage_reassign(actor=actor, enterprise=link.enterprise, liaison=to_liaison, reason=reason)
            moved += 1
        audit_record(
            actor=actor,
            action="linkage_bulk_reassign",
            object_type="user",
            object_id=from_liaison.pk,
            changes={"from": from_liaison.username, "to": to_liaison.username, "count": moved, "reason": reason},
        )
    return moved


def linkage_bulk_assign(*, actor: Actor, liaison: User, enterprises: Iterable[Enterprise], reason: str = "") -> int:
    """Give enterprises that have no primary liaison to one liaison (those already linked are skipped)."""
    _check_may_manage(actor)
    _check_liaison(liaison)
    count = 0
    with transaction.atomic():
        for enterprise in enterprises:
            if enterprise.primary_liaison_id is None:
                linkage_assign(actor=actor, enterprise=enterprise, liaison=liaison, reason=reason)
                count += 1
    return count


@transaction.atomic
def taskforce_create(
    *,
    actor: Actor,
    enterprise: Enterprise,
    name: str,
    lead: User,
    members: Iterable[tuple[User, str]] = (),
    project: Project | None = None,
    goal: str = "",
) -> TaskForce:
    """一企业一专班: a lead and members (staff, usually from several departments)."""
    _check_may_manage(actor)
    if lead.role not in STAFF_ROLES:
        raise RuleViolation("the lead must be staff", code=LinkageErrorCode.NOT_STAFF)
    force = TaskForce(name=name.strip(), enterprise=enterprise, project=project, lead=lead, goal=goal)
    force.full_clean()
    force.save()
    for user, duty in members:
        taskforce_add_member(actor=actor, task_force=force, user=user, duty=duty)
    audit_record(
        actor=actor, action="taskforce_create", object_type="taskforce", object_id=force.pk, changes={"name": name}
    )
    return force


@transaction.atomic
def taskforce_add_member(*, actor: Actor, task_force: TaskForce, user: User, duty: str = "") -> TaskForceMember:
    _check_may_manage(actor)
    if user.role not in STAFF_ROLES:
        raise RuleViolation("task force members must be staff", code=LinkageErrorCode.NOT_STAFF)
    if TaskForceMember.objects.filter(task_force=task_force, user=user).exists():
        raise Conflict("already a member", code=LinkageErrorCode.TASKFORCE_MEMBER_EXISTS)
    member = TaskForceMember.objects.create(
        task_force=task_force, enterprise_id=task_force.enterprise_id, user=user, duty=duty
    )
    audit_record(
        actor=actor,
        action="taskforce_add_member",
        object_type="taskforce",
        object_id=task_force.pk,
        changes={"user": user.username, "duty": duty},
    )
    return member


@transaction.atomic
def taskforce_remove_member(*, actor: Actor, task_force: TaskForce, user: User) -> None:
    _check_may_manage(actor)
    deleted, _ = TaskForceMember.objects.filter(task_force=task_force, user=user).delete()
    if deleted:
        audit_record(
            actor=actor,
            action="taskforce_remove_member",
            object_type="taskforce",
            object_id=task_force.pk,
            changes={"user": user.username},
        )
