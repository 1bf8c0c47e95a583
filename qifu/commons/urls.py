from django.urls import path

from qifu.commons import views

app_name = "commons"
urlpatterns = [
    path("", views.clusters, name="clusters"),
    path("recompute/", views.recompute, name="recompute"),
    path("create/", views.create_from_cluster, name="create"),
    path("problems/", views.problems, name="problems"),
    path("problems/export/", views.export, name="export"),
    path("problems/<int:problem_id>/", views.problem, name="problem"),
    path("problems/<int:problem_id>/act/", views.problem_act, name="act"),
    path("similar/", views.similar, name="similar"),
    path("cases/<int:case_id>/merge/", views.merge, name="merge"),
]
