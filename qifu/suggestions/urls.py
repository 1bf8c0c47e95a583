"""The suggestion pages under /suggestions/ (PRODUCT.md §2.3)."""

from django.urls import path

from qifu.suggestions import views

app_name = "suggestions"
urlpatterns = [
    path("new/", views.new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("desk/", views.desk, name="desk"),
    path("department/", views.department, name="department"),
    path("stats/", views.stats, name="stats"),
    path("<int:suggestion_id>/", views.detail, name="detail"),
    path("<int:suggestion_id>/assign/", views.assign, name="assign"),
    path("<int:suggestion_id>/answer/", views.answer, name="answer"),
    path("<int:suggestion_id>/close/", views.close, name="close"),
]
