"""MC-1/MC-2: who reaches which admin page, and what the three admins can do there."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.accounts.tests.support import STRONG, logged_in, login, make_user
from qifu.admin import ADMIN_POLICY, policy_allows
from qifu.audit.models import AuditEntry
from qifu.reference.models import Department

CAST_PASSWORD = "Qf!test-Pass42"
PAGES = {
    "index": "/admin/",
    "users": "/admin/accounts/user/",
    "user_add": "/admin/accounts/user/add/",
    "staff": "/admin/people/staff/",
    "departments": "/admin/reference/department/",
    "categories": "/admin/reference/category/",
    "lockouts": "/admin/accounts/loginlockout/",
    "audit": "/admin/audit/auditentry/",
    "audit_add": "/admin/audit/auditentry/add/",
    "groups": "/admin/auth/group/",
    "axes_raw": "/admin/axes/accessattempt/",
}
# Expected status per role; every page not listed for a role is 403 (or 404 where nothing exists).
ALLOWED: dict[str, set[str]] = {
    Role.SYSADMIN: {"index", "users", "user_add", "staff", "departments", "categories"},
    Role.SECADMIN: {"index", "lockouts"},
    Role.AUDITOR: {"index", "audit"},
}
# Not registered at all: roles do not use Django groups; axes rows are shown only as LoginLockout.
MISSING = {"groups", "axes_raw"}
BUSINESS_ROLES = [r for r in Role.values if r not in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR)]


def _as(cast, role: str) -> Client:
    user = next(u for u in cast.all_users.values() if u.role == role)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
def test_anonymous_is_sent_to_the_login_page(client, page: str) -> None:
    # given no session
    # when an admin page is requested
    response = client.get(PAGES[page])
    # then it redirects to the one login page, keeping the target
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("role", BUSINESS_ROLES)
def test_business_roles_get_403_everywhere(cast, role: str) -> None:
    # given a signed-in business user (desk, leader, enterprise ...)
    client = _as(cast, role)
    # when every admin page is requested
    statuses = {page: client.get(url).status_code for page, url in PAGES.items()}
    # then every one answers 403
    assert statuses == dict.fromkeys(PAGES, 403)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
def test_admin_matrix(cast, role: str) -> None:
    # given one of the three admins
    client = _as(cast, role)
    # when every admin page is requested
    statuses = {page: client.get(url).status_code for page, url in PAGES.items()}
    # then a page opens only where the policy allows it; the rest is 403 (404 where nothing is registered)
    expected = {page: 200 if page in ALLOWED[role] else 404 if page in MISSING else 403 for page in PAGES}
    assert statuses == expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
def test_index_lists_only_the_role_s_models(cast, role: str) -> None:
    # given an admin
    client = _as(cast, role)
    # when the admin index opens
    response = client.get("/admin/")
    # then it lists exactly the models the policy gives that role
    listed = {m["object_name"].lower() for app in response.context["app_list"] for m in app["models"]}
    expected: set[str] = {
        Role.SYSADMIN: {
            "user",
            "staff",
            "department",
            "category",
            "servicelist",
            "code",
            "calendaroverride",
            "suggestiontopic",
            "alarmrule",
        },
        Role.SECADMIN: {"loginlockout"},
        Role.AUDITOR: {"auditentry"},
    }[Role(role)]
    assert listed == expected


def test_policy_grants_no_delete_and_no_overlap() -> None:
    # given the policy table
    # when the rights of the three admins are collected
    holders: dict[str, set[str]] = {}
    for label, rights in ADMIN_POLICY.items():
        assert not rights["delete"], f"{label} grants delete"
        for roles in rights.values():
            for role in roles:
                holders.setdefault(role, set()).add(label)
    # then no two roles share a model, and the audit log is the auditor's alone
    assert not holders[Role.SYSADMIN] & holders[Role.SECADMIN]
    assert not holders[Role.SYSADMIN] & holders[Role.AUDITOR]
    assert not holders[Role.SECADMIN] & holders[Role.AUDITOR]
    assert holders[Role.AUDITOR] == {"audit.auditentry"}
    assert not policy_allows(Role.SYSADMIN, "enterprises.enterprise", "view")


@pytest.mark.django_db
def test_auditor_reads_the_log_read_only_and_queries_are_audited(cast) -> None:
    # given the auditor and a log with entries
    client = _as(cast, Role.AUDITOR)
    entry = AuditEntry.objects.order_by("id").first()
    assert entry is not None
    url = f"/admin/audit/auditentry/{entry.pk}/change/"
    before = AuditEntry.objects.count()
    # when the auditor filters the list, opens a record, and tries to change or delete it
    listing = client.get("/admin/audit/auditentry/", {"user": "desk", "outcome__exact": "success"})
    detail = client.get(url)
    change = client.post(url, {"action": "forged"})
    delete = client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
    # then the list and record open; change and delete are refused; the reads are audited
    assert listing.status_code == 200
    assert {e.actor_username for e in listing.context["cl"].result_list} == {"desk"}
    assert detail.status_code == 200
    assert change.status_code == 403
    assert delete.status_code == 403
    entry.refresh_from_db()
    assert entry.action != "forged"
    assert AuditEntry.objects.filter(action="audit_query", actor_id=cast.auditor.pk).count() == 1
    assert AuditEntry.objects.filter(action="audit_view", actor_id=cast.auditor.pk).count() == 1
    assert AuditEntry.objects.count() == before + 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "filters",
    [
        pytest.param({"action__exact": "login"}, id="action_case"),
        pytest.param({"outcome__exact": "failure"}, id="outcome_case"),
        pytest.param({"actor_role__exact": "desk"}, id="role_case"),
        pytest.param({"at__gte": "2020-01-01 00:00:00+00:00", "at__lt": "2100-01-01 00:00:00+00:00"}, id="time_case"),
        pytest.param({"q": "desk"}, id="search_case"),
    ],
)
def test_auditor_filters(cast, filters: dict[str, str]) -> None:
    # given the auditor, and a login and a failed login in the log
    Client().post(reverse("accounts:login"), {"username": "desk", "password": CAST_PASSWORD})
    Client().post(reverse("accounts:login"), {"username": "desk", "password": "nope"})
    client = _as(cast, Role.AUDITOR)
    # when the list is filtered
    response = client.get("/admin/audit/auditentry/", filters)
    # then the page opens with matching rows only
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert rows
    for key, value in filters.items():
        field = key.split("__")[0]
        if key.endswith("__exact"):
            assert all(getattr(row, field) == value for row in rows)


@pytest.mark.django_db
def test_sysadmin_creates_a_user_through_the_service(cast) -> None:
    # given the system admin
    client = _as(cast, Role.SYSADMIN)
    jfj = Department.objects.get(code="JFJ")
    # when a cadre is added through the admin form
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": " Zhao.Lei ",
            "display_name": "赵磊",
            "role": Role.CADRE,
            "department": jfj.pk,
            "password1": STRONG,
            "password2": STRONG,
        },
    )
    # then the account exists (normalised name), must change its password, and the creation is audited once
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="Zhao.Lei")
    assert user.must_change_password and user.check_password(STRONG)
    assert (user.role, user.department_id, user.is_superuser) == (Role.CADRE, jfj.pk, False)
    entries = AuditEntry.objects.filter(object_type="user", object_id=str(user.pk))
    assert [e.action for e in entries] == ["user_create"]
    assert entries[0].actor_id == cast.sysadmin.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param({"username": "ＤＥＳＫ"}, "username", id="duplicate_full_width_case"),
        pytest.param({"password1": "abcdefgh", "password2": "abcdefgh"}, "password1", id="weak_password_case"),
        pytest.param({"password2": "Other#Strong9"}, "password2", id="mismatch_case"),
        pytest.param({"role": Role.AUDITOR}, "role", id="admin_role_case"),
        pytest.param({"role": Role.ENTERPRISE}, "enterprise", id="enterprise_without_company_case"),
    ],
)
def test_sysadmin_add_form_rejects(cast, data: dict[str, str], field: str) -> None:
    # given the system admin and a valid form
    client = _as(cast, Role.SYSADMIN)
    form = {"username": "newbie", "role": Role.CADRE, "password1": STRONG, "password2": STRONG, **data}
    users = User.objects.count()
    # when the form is posted with one defect
    response = client.post("/admin/accounts/user/add/", form)
    # then it is shown again with an error on the field, and no one is created
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert User.objects.count() == users


@pytest.mark.django_db
def test_sysadmin_edits_name_and_department_audited(cast) -> None:
    # given the system admin and a handler
    client = _as(cast, Role.SYSADMIN)
    user = cast.jfj_handler
    kjj = Department.objects.get(code="KJJ")
    # when the name and department are changed (role and active flag are not editable here)
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {"display_name": "新名字", "department": kjj.pk, "role": Role.LEADER, "is_active": ""},
    )
    # then only name and department change, and the diff is audited
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.department_id, user.role, user.is_active) == ("新名字", kjj.pk, Role.HANDLER, True)
    entry = AuditEntry.objects.get(action="user_update")
    assert entry.changes["display_name"][1] == "新名字"


@pytest.mark.django_db
def test_sysadmin_disables_and_enables_users(cast) -> None:
    # given the system admin, and a liaison who is signed in
    admin_client = _as(cast, Role.SYSADMIN)
    liaison = Client()
    login(liaison, "liaison_a", CAST_PASSWORD)
    assert logged_in(liaison)
    # when the sysadmin disables the liaison and, in the same action, the auditor
    admin_client.post(
        "/admin/accounts/user/",
        {"action": "deactivate_users", "_selected_action": [cast.liaison_a.pk, cast.auditor.pk]},
    )
    # then the liaison is disabled and signed out; the auditor account is untouched (MC-1)
    assert not User.objects.get(pk=cast.liaison_a.pk).is_active
    assert not logged_in(liaison)
    assert User.objects.get(pk=cast.auditor.pk).is_active
    assert AuditEntry.objects.filter(action="user_deactivate").count() == 1
    # and enabling brings the account back
    admin_client.post("/admin/accounts/user/", {"action": "activate_users", "_selected_action": [cast.liaison_a.pk]})
    assert User.objects.get(pk=cast.liaison_a.pk).is_active
    assert login(Client(), "liaison_a", CAST_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_sysadmin_resets_a_password(cast) -> None:
    # given the system admin
    client = _as(cast, Role.SYSADMIN)
    url = f"/admin/accounts/user/{cast.liaison_a.pk}/reset-password/"
    # when the reset page is opened and confirmed
    confirm = client.get(url)
    response = client.post(url)
    temporary = response.context["temporary_password"]
    # then a one-time password is shown once (not cached), the old one is dead, and a change is forced
    assert confirm.status_code == 200 and confirm.context["temporary_password"] is None
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert temporary.encode() in response.content
    user = User.objects.get(pk=cast.liaison_a.pk)
    assert user.must_change_password and user.check_password(temporary)
    assert not user.check_password(CAST_PASSWORD)
    entry = AuditEntry.objects.get(action="password_reset")
    assert temporary not in str(entry.changes)


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["auditor", "secadmin", "sysadmin"])
def test_sysadmin_cannot_take_over_an_admin_account(cast, target: str) -> None:
    # given the system admin and an admin account
    client = _as(cast, Role.SYSADMIN)
    user = getattr(cast, target)
    # when it tries to reset that account's password or edit it
    reset = client.post(f"/admin/accounts/user/{user.pk}/reset-password/")
    edit = client.post(f"/admin/accounts/user/{user.pk}/change/", {"display_name": "x"})
    # then both are refused and the password is unchanged
    assert reset.status_code == 403
    assert edit.status_code == 403
    assert User.objects.get(pk=user.pk).check_password(CAST_PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SECADMIN, Role.AUDITOR])
def test_other_admins_cannot_manage_users(cast, role: str) -> None:
    # given the security or audit admin
    client = _as(cast, role)
    # when it tries to create a user, reset a password or disable someone
    add = client.post("/admin/accounts/user/add/", {"username": "x", "role": Role.CADRE})
    reset = client.post(f"/admin/accounts/user/{cast.desk.pk}/reset-password/")
    disable = client.post("/admin/accounts/user/", {"action": "deactivate_users", "_selected_action": [cast.desk.pk]})
    # then all are refused
    assert (add.status_code, reset.status_code, disable.status_code) == (403, 403, 403)
    assert not User.objects.filter(username="x").exists()
    assert User.objects.get(pk=cast.desk.pk).is_active


@pytest.mark.django_db
def test_sysadmin_edits_reference_data_audited(cast) -> None:
    # given the system admin and a department
    client = _as(cast, Role.SYSADMIN)
    department = Department.objects.get(code="JFJ")
    url = f"/admin/reference/department/{department.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    data["name"] = "经济发展局（新）"
    # when the name is changed through the admin
    response = client.post(url, data)
    # then it is saved and audited as an admin change by the sysadmin
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.name == "经济发展局（新）"
    entry = AuditEntry.objects.get(action="admin_change")
    assert (entry.object_type, entry.object_id, entry.actor_id) == (
        "reference.department",
        str(department.pk),
        cast.sysadmin.pk,
    )


@pytest.mark.django_db
def test_secadmin_sees_and_lifts_a_lockout(cast) -> None:
    # given desk locked out after 5 wrong passwords
    attacker = Client()
    for _ in range(5):
        login(attacker, "desk", "Wr0ng!password")
    assert login(Client(), "desk", CAST_PASSWORD).status_code == 200
    client = _as(cast, Role.SECADMIN)
    # when the security admin opens the lockouts and unlocks desk
    listing = client.get("/admin/accounts/loginlockout/")
    ids = list(AccessAttempt.objects.filter(username="desk").values_list("pk", flat=True))
    response = client.post("/admin/accounts/loginlockout/", {"action": "unlock", "_selected_action": ids})
    # then the list shows desk as locked, desk can log in again, and the unlock is audited
    assert listing.status_code == 200
    assert "锁定中".encode() in listing.content
    assert response.status_code == 302
    assert login(Client(), "desk", CAST_PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(action="account_unlock")
    assert (entry.actor_id, entry.object_id) == (cast.secadmin.pk, "desk")


@pytest.mark.django_db
def test_secadmin_cannot_delete_lockout_rows_generically(cast) -> None:
    # given a lockout row
    login(Client(), "desk", "Wr0ng!password")
    attempt = AccessAttempt.objects.get(username="desk")
    client = _as(cast, Role.SECADMIN)
    # when the generic delete is tried (it would bypass the audited unlock)
    response = client.post(f"/admin/accounts/loginlockout/{attempt.pk}/delete/", {"post": "yes"})
    bulk = client.post("/admin/accounts/loginlockout/", {"action": "delete_selected", "_selected_action": [attempt.pk]})
    # then it is refused and the row stays
    assert response.status_code == 403
    assert bulk.status_code in (200, 302)
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


@pytest.mark.django_db
def test_admin_login_and_password_urls_lead_to_the_accounts_pages(cast) -> None:
    # given an anonymous visitor and a signed-in sysadmin
    # when the admin's own login and password pages are requested
    login_page = Client().get("/admin/login/?next=/admin/audit/")
    password_page = _as(cast, Role.SYSADMIN).get("/admin/password_change/")
    # then they lead to the one login page and the one password-change page
    assert login_page.status_code == 302
    assert login_page["Location"].startswith(reverse("accounts:login"))
    assert password_page["Location"] == reverse("accounts:password_change")


@pytest.mark.django_db
def test_no_superuser_and_one_role_each(cast) -> None:
    # given the named cast
    # when the users are inspected
    users = list(User.objects.all())
    # then nobody is a superuser and each holds exactly one known role
    assert not any(u.is_superuser for u in users)
    assert all(u.role in Role.values for u in users)
    make_user("solo", Role.CADRE)
    assert User.objects.filter(is_superuser=True).count() == 0
