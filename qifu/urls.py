from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from qifu.api import api


def healthz(request: HttpRequest) -> HttpResponse:
    """No database, no session: the baseline endpoint of `qifu bench`."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("qifu.accounts.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("enterprises/", include("qifu.enterprises.urls", namespace="enterprises")),
    path("projects/", include("qifu.projects.urls", namespace="projects")),
    path("linkage/", include("qifu.linkage.urls", namespace="linkage")),
    path("assessment/", include("qifu.assessment.urls", namespace="assessment")),
    path("cockpit/", include("qifu.cockpit.urls", namespace="cockpit")),
    path("cases/", include("qifu.cases.urls_lists", namespace="ledger")),  # ledger and work queues
    path("cases/", include("qifu.cases.urls", namespace="cases")),  # 提诉求, 我的诉求, the case page
    path("notifications/", include("qifu.notify.urls", namespace="notify")),
    path("visits/", include("qifu.visits.urls", namespace="visits")),
    path("safety/", include("qifu.safety.urls", namespace="safety")),
    path("suggestions/", include("qifu.suggestions.urls", namespace="suggestions")),
    path("meetings/", include("qifu.meetings.urls", namespace="meetings")),
    path("indicators/", include("qifu.indicators.urls", namespace="indicators")),
    path("policies/", include("qifu.policies.urls", namespace="policies")),
    path("lists/", include("qifu.servicelists.urls", namespace="servicelists")),
    path("alerts/", include("qifu.alerts.urls", namespace="alerts")),
    path("search/", include("qifu.search.urls", namespace="search")),
    path("knowledge/", include("qifu.knowledge.urls", namespace="knowledge")),
    path("commons/", include("qifu.commons.urls", namespace="commons")),  # 共性问题, duplicates
    path("triage/", include("qifu.triage.urls", namespace="triage")),  # 智能分办: the hint, the model page
    path("cockpit/report/", include("qifu.cockpit.urls_report", namespace="cockpit_report")),  # 月度工作报告
    path("", include("qifu.dashboard.urls")),
]
