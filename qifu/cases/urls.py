"""The case pages under /cases/ (the ledger and the queues are `qifu.cases.urls_lists`, namespace
"ledger", beside these)."""

from django.urls import path

from qifu.cases import views

app_name = "cases"
urlpatterns = [
    path("new/", views.file_request, name="new"),
    path("new/enterprises/", views.enterprise_options, name="enterprise_options"),
    path("mine/", views.my_requests, name="mine"),
    path("<int:case_id>/", views.show_case, name="detail"),
    path("<int:case_id>/act/", views.act, name="act"),
    path("<int:case_id>/updates/", views.updates, name="updates"),
    path("<int:case_id>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
