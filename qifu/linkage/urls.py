from django.urls import path

from qifu.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.manage, name="manage"),
    path("assign/", views.assign, name="assign"),
    path("reassign/", views.reassign, name="reassign"),
    path("<int:linkage_id>/end/", views.end, name="end"),
    path("bulk-reassign/", views.bulk_reassign, name="bulk_reassign"),
    path("bulk-assign/", views.bulk_assign, name="bulk_assign"),
    path("enterprise-options/", views.search_enterprises, name="enterprise_options"),
]
