"""The ledger and the work queues, under /cases/ beside the case pages (qifu.cases.urls).

Every path here starts with a word (or is the bare /cases/), so none can match the case pages'
`<int:id>/`, `new/` or `mine/`.
"""

from django.urls import path

from qifu.cases import views_lists as views

app_name = "ledger"
urlpatterns = [
    path("", views.ledger, name="list"),
    path("export.xlsx", views.export, name="export"),
    path("intake/", views.intake, name="intake"),
    path("intake/<int:case_id>/accept/", views.accept, name="accept"),
    path("inbox/", views.inbox, name="inbox"),
    path("approvals/", views.approvals_page, name="approvals"),
    path("approvals/<int:case_id>/<slug:decision>/", views.decide, name="decide"),
    path("supervision/", views.supervision, name="supervision"),
    path("routing/", views.routing_page, name="routing"),
    path("routing/<slug:code>/", views.routing_update, name="routing_update"),
]
