"""/visits/: the plan, 记录走访, the visit page, the ledger, coverage, the desk's contacts, preferences."""

from django.urls import path

from qifu.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("export.xlsx", views.export, name="export"),
    path("plan/", views.plan, name="plan"),
    path("new/", views.new_visit, name="new"),
    path("new/staff/", views.staff_picker, name="staff"),
    path("plan/new/", views.plan_visit, name="plan_visit"),
    path("coverage/", views.coverage, name="coverage"),
    path("contacts/", views.contacts, name="contacts"),
    path("contacts/merge/", views.merge, name="merge"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/quiet/<int:period_id>/remove/", views.quiet_remove, name="quiet_remove"),
    path("<int:visit_id>/", views.detail, name="detail"),
    path("<int:visit_id>/rate/", views.rate, name="rate"),
    path("<int:visit_id>/photos/<int:photo_id>/", views.photo, name="photo"),
]
