"""Roles (PRODUCT.md §1). A user holds exactly one role, so no one holds two of the three admins."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业用户")
    CADRE = "cadre", _("挂钩干部")
    DEPUTY = "deputy", _("人大代表")
    HANDLER = "handler", _("承办人")
    DEPT_HEAD = "dept_head", _("部门负责人")
    DESK = "desk", _("服务专班")
    LEADER = "leader", _("领导")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")


ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
LIAISON_ROLES = frozenset({Role.CADRE, Role.DEPUTY})
DEPARTMENT_ROLES = frozenset({Role.HANDLER, Role.DEPT_HEAD})
STAFF_ROLES = frozenset({Role.CADRE, Role.DEPUTY, Role.HANDLER, Role.DEPT_HEAD, Role.DESK, Role.LEADER})
# Roles that see every enterprise (read): leaders and the service desk.
ZONE_WIDE_ROLES = frozenset({Role.LEADER, Role.DESK})
