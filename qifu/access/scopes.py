"""The one visibility layer (PRODUCT.md §1). Each function returns a QuerySet filter.

- enterprise user: only its own enterprise;
- cadre / deputy: enterprises with an open link to them, and those of task forces they sit in;
- handler / department head: enterprises of task forces they sit in and of the cases their
  department leads or assists; cases: those their department leads or assists (and of those
  task-force enterprises);
- leader and service desk: everything;
- the three admins: no business data at all.
Selectors must start here; `<entity>_get` answers NotFound for objects outside the scope.
"""

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.accounts.roles import STAFF_ROLES
from qifu.cases.models import Case, CasePart
from qifu.enterprises.models import Enterprise
from qifu.linkage.models import Linkage, TaskForce, TaskForceMember
from qifu.projects.models import Milestone, Project
from qifu.visits.models import Visit, VisitParticipant

if TYPE_CHECKING:
    from qifu.alerts.models import Alert
    from qifu.commons.models import CommonProblem
    from qifu.indicators.models import MonthlyIndicator, ProjectInvestment
    from qifu.knowledge.models import KnowledgeEntry
    from qifu.policies.models import Policy
    from qifu.servicelists.models import ListOverride, Membership


def _task_force_enterprise_ids(actor: Actor) -> "QuerySet[TaskForceMember, int]":
    members = TaskForceMember.objects.filter(user_id=actor.id, task_force__active=True)
    return members.values_list("enterprise_id", flat=True)


def _lead_enterprise_ids(actor: Actor) -> "QuerySet[TaskForce, int]":
    return TaskForce.objects.filter(lead_id=actor.id, active=True).values_list("enterprise_id", flat=True)


def enterprise_filter(actor: Actor, prefix: str = "") -> Q:
    """A Q over `<prefix>id` (the enterprise key) that admits exactly what the actor may see."""
    key = f"{prefix}id" if not prefix else f"{prefix}_id"
    if actor.is_zone_wide:
        return Q()
    if actor.is_enterprise:
        return Q(**{key: actor.enterprise_id})
    if actor.is_liaison:
        linked = Linkage.objects.filter(liaison_id=actor.id, ended_on__isnull=True).values("enterprise_id")
        return (
            Q(**{f"{key}__in": linked})
            | Q(**{f"{key}__in": _task_force_enterprise_ids(actor)})
            | Q(**{f"{key}__in": _lead_enterprise_ids(actor)})
        )
    if actor.is_department:
        return (
            Q(**{f"{key}__in": _task_force_enterprise_ids(actor)})
            | Q(**{f"{key}__in": _lead_enterprise_ids(actor)})
            | Q(**{f"{key}__in": Case.objects.filter(lead_department_id=actor.dept).values("enterprise_id")})
            | Q(**{f"{key}__in": _assisted_parts(actor).values("enterprise_id")})
        )
    return Q(pk__in=[])


def _assisted_parts(actor: Actor) -> QuerySet[CasePart]:
    return CasePart.objects.filter(department_id=actor.dept, active=True)


def case_filter(actor: Actor) -> Q:
    """A Q over Case that admits exactly the cases the actor may see."""
    if actor.is_zone_wide:
        return Q()
    if actor.is_enterprise:
        return Q(enterprise_id=actor.enterprise_id)
    if actor.is_liaison:
        return enterprise_filter(actor, "enterprise") | Q(liaison_id=actor.id) | Q(filed_by_id=actor.id)
    if actor.is_department and actor.department_id is not None:
        return (
            Q(lead_department_id=actor.dept)
            | Q(pk__in=_assisted_parts(actor).values("case_id"))
            | Q(enterprise_id__in=_task_force_enterprise_ids(actor))
            | Q(enterprise_id__in=_lead_enterprise_ids(actor))
        )
    return Q(pk__in=[])


def scope_cases(actor: Actor) -> QuerySet[Case]:
    if actor.is_admin:
        return Case.objects.none()
    return Case.objects.filter(case_filter(actor))


def scope_led_cases(actor: Actor) -> QuerySet[Case]:
    """The cases the actor's own department leads: part of `scope_cases` for department staff (their
    work queue), stated without the OR over assisted parts and task forces so that the
    lead-department indexes serve the inbox. Nothing for everyone else."""
    if not actor.is_department:
        return Case.objects.none()
    return Case.objects.filter(lead_department_id=actor.dept)


def scope_enterprises(actor: Actor) -> QuerySet[Enterprise]:
    if actor.is_admin:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(enterprise_filter(actor))


def scope_projects(actor: Actor) -> QuerySet[Project]:
    if actor.is_admin:
        return Project.objects.none()
    return Project.objects.filter(enterprise_filter(actor, "enterprise"))


def scope_milestones(actor: Actor) -> QuerySet[Milestone]:
    if actor.is_admin:
        return Milestone.objects.none()
    return Milestone.objects.filter(enterprise_filter(actor, "enterprise"))


def scope_linkages(actor: Actor) -> QuerySet[Linkage]:
    if actor.is_admin:
        return Linkage.objects.none()
    return Linkage.objects.filter(enterprise_filter(actor, "enterprise"))


def scope_task_forces(actor: Actor) -> QuerySet[TaskForce]:
    if actor.is_admin:
        return TaskForce.objects.none()
    return TaskForce.objects.filter(enterprise_filter(actor, "enterprise"))


def scope_staff(actor: Actor) -> QuerySet[User]:
    """Staff directory: staff see colleagues; an enterprise sees only its own liaisons."""
    staff = User.objects.filter(role__in=STAFF_ROLES, is_active=True)
    if actor.is_staff_role or actor.role == "sysadmin":
        return staff
    if actor.is_enterprise and actor.enterprise_id is not None:
        mine = Linkage.objects.filter(enterprise_id=actor.enterprise_id, ended_on__isnull=True).values("liaison_id")
        return staff.filter(pk__in=mine)
    return User.objects.none()


def scope_visits(actor: Actor) -> QuerySet[Visit]:
    """Visits (issue 4): an enterprise its own; a liaison those of the enterprises they see and those
    they took part in; department staff those their department took part in and those of the
    enterprises in their case scope; the desk and leaders all; the three admins none."""
    if actor.is_admin:
        return Visit.objects.none()
    if actor.is_zone_wide:
        return Visit.objects.all()
    if actor.is_enterprise:
        return Visit.objects.filter(enterprise_id=actor.enterprise_id or 0)
    if actor.is_liaison:
        took_part = VisitParticipant.objects.filter(user_id=actor.id).values("visit_id")
    elif actor.is_department and actor.department_id is not None:
        took_part = VisitParticipant.objects.filter(department_id=actor.dept).values("visit_id")
    else:
        return Visit.objects.none()
    # One `enterprise_id IN (…)` term, not the three of enterprise_filter: SQLite then reads both
    # sides through their indexes (MULTI-INDEX OR) instead of scanning every visit.
    seen = Enterprise.objects.filter(enterprise_filter(actor)).values("id")
    return Visit.objects.filter(Q(enterprise_id__in=seen) | Q(pk__in=took_part))


def scope_policies(actor: Actor) -> "QuerySet[Policy]":
    """Policies (issue 5): published ones for every signed-in person of the zone; drafts and expired
    ones too for the desk and leaders (zone-wide) and for the issuing department's staff; the
    three admins none."""
    from qifu.policies.models import Policy, PolicyStatus

    if actor.is_admin:
        return Policy.objects.none()
    if actor.is_zone_wide:
        return Policy.objects.all()
    if actor.is_department and actor.department_id is not None:
        return Policy.objects.filter(Q(status=PolicyStatus.PUBLISHED) | Q(department_id=actor.dept))
    return Policy.objects.filter(status=PolicyStatus.PUBLISHED)


def scope_policy_enterprises(actor: Actor, policy: "Policy") -> QuerySet[Enterprise]:
    """Whose eligibility for POLICY the actor may see: the issuing department (and the desk and
    leaders) every enterprise — they push the policy zone-wide; anyone else the enterprises they
    already see."""
    if actor.is_admin:
        return Enterprise.objects.none()
    if actor.is_zone_wide or (actor.is_department and actor.department_id == policy.department_id):
        return Enterprise.objects.all()
    return scope_enterprises(actor)


# --- Monthly indicators (issue 6) --------------------------------------------------------------
# The one place that says who reads and who writes an enterprise's monthly indicators and a
# project's monthly investment. Reading follows the enterprise scope, widened for the economic
# department, which keeps the zone's statistics. Writing: the service desk and the economic
# department for every enterprise and project, a liaison for the enterprises linked to them (an
# open link to the enterprise itself) and their projects. Everyone else reads only.

ECONOMIC_DEPARTMENT = "JFJ"  # taxonomy.yaml: 经济发展局


def is_economic_department(actor: Actor) -> bool:
    """Staff (handler or head) of the economic department (no query: the departments are cached)."""
    from qifu.reference.selectors import department_by_id

    if not actor.is_department or actor.department_id is None:
        return False
    department = department_by_id(actor.department_id)
    return department is not None and department.code == ECONOMIC_DEPARTMENT


def _indicators_zone_wide(actor: Actor) -> bool:
    return actor.is_zone_wide or is_economic_department(actor)


def may_edit_indicators(actor: Actor) -> bool:
    """Whether the actor writes any indicators at all (pages, import and the API ask this first)."""
    return actor.role == "desk" or is_economic_department(actor) or actor.is_liaison


def scope_indicator_enterprises(actor: Actor) -> QuerySet[Enterprise]:
    """Enterprises whose monthly indicators the actor reads."""
    if actor.is_admin:
        return Enterprise.objects.none()
    if _indicators_zone_wide(actor):
        return Enterprise.objects.all()
    return scope_enterprises(actor)


def scope_indicator_editing(actor: Actor) -> QuerySet[Enterprise]:
    """Enterprises whose monthly indicators the actor writes."""
    if actor.role == "desk" or is_economic_department(actor):
        return Enterprise.objects.all()
    if actor.is_liaison:
        linked = Linkage.objects.filter(liaison_id=actor.id, ended_on__isnull=True, project__isnull=True)
        return Enterprise.objects.filter(pk__in=linked.values("enterprise_id"))
    return Enterprise.objects.none()


def may_edit_indicators_of(actor: Actor, enterprise_id: int) -> bool:
    """Whether the actor writes this enterprise's indicators (a query only for liaisons)."""
    if not may_edit_indicators(actor):
        return False
    if actor.role == "desk" or is_economic_department(actor):
        return True
    return scope_indicator_editing(actor).filter(pk=enterprise_id).exists()


def scope_indicators(actor: Actor) -> "QuerySet[MonthlyIndicator]":
    from qifu.indicators.models import MonthlyIndicator

    if actor.is_admin:
        return MonthlyIndicator.objects.none()
    if _indicators_zone_wide(actor):
        return MonthlyIndicator.objects.all()
    return MonthlyIndicator.objects.filter(enterprise_filter(actor, "enterprise"))


def scope_investment_projects(actor: Actor) -> QuerySet[Project]:
    """Projects whose monthly investment the actor reads."""
    if actor.is_admin:
        return Project.objects.none()
    if _indicators_zone_wide(actor):
        return Project.objects.all()
    return scope_projects(actor)


def scope_investment_editing(actor: Actor) -> QuerySet[Project]:
    """Projects whose monthly investment the actor writes: those of the enterprises whose
    indicators they write, and those they are linked to themselves."""
    if actor.role == "desk" or is_economic_department(actor):
        return Project.objects.all()
    if actor.is_liaison:
        linked = Linkage.objects.filter(liaison_id=actor.id, ended_on__isnull=True)
        return Project.objects.filter(
            Q(enterprise_id__in=linked.filter(project__isnull=True).values("enterprise_id"))
            | Q(pk__in=linked.filter(project__isnull=False).values("project_id"))
        )
    return Project.objects.none()


def scope_investments(actor: Actor) -> "QuerySet[ProjectInvestment]":
    from qifu.indicators.models import ProjectInvestment

    if actor.is_admin:
        return ProjectInvestment.objects.none()
    if _indicators_zone_wide(actor):
        return ProjectInvestment.objects.all()
    return ProjectInvestment.objects.filter(enterprise_filter(actor, "enterprise"))


# --- Service lists (issue 6, PRODUCT.md §2.5) ----------------------------------------------------
# The one place that says who sees the four lists and who changes them. Government staff see the
# lists: the desk, leaders and the economic department every member, other staff the members among
# the enterprises they already see. Enterprise users and the three administrators see none (the
# lists are the zone's internal service tool). The service desk edits the rules (the system
# administrator too, in the admin: zone settings) and runs an
# evaluation; the desk and the economic department put an enterprise on a list or take it off.


def may_see_service_lists(actor: Actor) -> bool:
    return actor.is_staff_role


def may_edit_list_rules(actor: Actor) -> bool:
    """The service desk on the rule page; the system administrator in the admin (zone settings)."""
    return actor.role in ("desk", "sysadmin")


def may_evaluate_lists(actor: Actor) -> bool:
    return actor.role == "desk"


def may_override_lists(actor: Actor) -> bool:
    return actor.role == "desk" or is_economic_department(actor)


def scope_list_enterprises(actor: Actor) -> QuerySet[Enterprise]:
    """Enterprises whose list memberships (and overrides) the actor sees."""
    if not may_see_service_lists(actor):
        return Enterprise.objects.none()
    if actor.is_zone_wide or is_economic_department(actor):
        return Enterprise.objects.all()
    return scope_enterprises(actor)


def list_members_zone_wide(actor: Actor) -> bool:
    """The actor sees every member (no enterprise filter on the snapshot)."""
    return may_see_service_lists(actor) and (actor.is_zone_wide or is_economic_department(actor))


def scope_list_members(actor: Actor) -> "QuerySet[Membership]":
    """Snapshot rows (every month) the actor sees."""
    from qifu.servicelists.models import Membership

    if not may_see_service_lists(actor):
        return Membership.objects.none()
    if list_members_zone_wide(actor):
        return Membership.objects.all()
    return Membership.objects.filter(enterprise_filter(actor, "enterprise"))


def scope_list_overrides(actor: Actor) -> "QuerySet[ListOverride]":
    """Manual overrides the actor sees (those of the enterprises whose memberships they see)."""
    from qifu.servicelists.models import ListOverride

    if not may_see_service_lists(actor):
        return ListOverride.objects.none()
    if list_members_zone_wide(actor):
        return ListOverride.objects.all()
    return ListOverride.objects.filter(enterprise_filter(actor, "enterprise"))


# --- Early warnings (issue 6 item 3, docs/ALERTS.md) ----------------------------------------------
# A liaison sees the alerts assigned to them and those of the enterprises they see (a colleague's
# alert on a task-force enterprise included); the desk and leaders every alert (the desk works the
# unassigned ones). Department staff, enterprise users and the three administrators see none:
# an alert is the liaison's proactive task, not a case the departments handle.


def may_see_alerts(actor: Actor) -> bool:
    return actor.is_zone_wide or actor.is_liaison


def may_act_on_alerts(actor: Actor) -> bool:
    """Close (done / dismiss) an alert in the actor's scope: liaisons and the service desk, not leaders."""
    return actor.is_liaison or actor.role == "desk"


def may_edit_alarm_rules(actor: Actor) -> bool:
    """The service desk on the thresholds page and the API; the system administrator in the admin."""
    return actor.role in ("desk", "sysadmin")


def scope_alerts(actor: Actor) -> "QuerySet[Alert]":
    from qifu.alerts.models import Alert

    if not may_see_alerts(actor):
        return Alert.objects.none()
    if actor.is_zone_wide:
        return Alert.objects.all()
    seen = Enterprise.objects.filter(enterprise_filter(actor)).values("id")
    return Alert.objects.filter(Q(liaison_id=actor.id) | Q(enterprise_id__in=seen))


def may_open_cockpit(actor: Actor) -> bool:
    """The leaders' cockpit (驾驶舱, issue 6 item 5): zone-wide figures, so only the roles that see the
    whole zone — leaders and the service desk. Everyone else (enterprises, liaisons, departments,
    the three administrators) is refused (403)."""
    return actor.is_zone_wide


# --- Knowledge base (issue 7 item 5, docs/KNOWLEDGE.md) -------------------------------------------
# Departments keep their own answers: their staff (handler, head) write their department's entries,
# the service desk every entry. Every government role reads every published entry (internal or
# public); drafts and retired entries only their department and the desk. Enterprise users read
# the public published entries only; the three administrators none (MC-1).


def may_write_knowledge(actor: Actor, department_id: int | None = None) -> bool:
    """Whether the actor writes entries at all (no DEPARTMENT_ID) or this department's entries."""
    if actor.role == "desk":
        return True
    if not actor.is_department or actor.department_id is None:
        return False
    return department_id is None or department_id == actor.department_id


def scope_knowledge(actor: Actor) -> "QuerySet[KnowledgeEntry]":
    from qifu.knowledge.models import EntryState, KnowledgeEntry

    if actor.is_admin:
        return KnowledgeEntry.objects.none()
    if actor.role == "desk":
        return KnowledgeEntry.objects.all()
    published = Q(state=EntryState.PUBLISHED)
    if actor.is_enterprise:
        return KnowledgeEntry.objects.filter(published, public=True)
    if actor.is_department and actor.department_id is not None:
        return KnowledgeEntry.objects.filter(published | Q(department_id=actor.department_id))
    if actor.is_staff_role:
        return KnowledgeEntry.objects.filter(published)
    return KnowledgeEntry.objects.none()


# --- Common problems (issue 7 items 3-4, docs/COMMONS.md) -----------------------------------------
# The service desk finds clusters, merges duplicates and keeps the common problems; leaders read
# every common problem; a department's staff read (and its staff answer) the ones it leads. The
# enterprises meet a common problem only through their own cases; the administrators see none.


def may_manage_commons(actor: Actor) -> bool:
    return actor.role == "desk"


def scope_common_problems(actor: Actor) -> "QuerySet[CommonProblem]":
    from qifu.commons.models import CommonProblem

    if actor.is_zone_wide:
        return CommonProblem.objects.all()
    if actor.is_department and actor.department_id is not None:
        return CommonProblem.objects.filter(lead_department_id=actor.department_id)
    return CommonProblem.objects.none()
