from django.urls import path

from qifu.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.list_projects, name="list"),
    path("<str:code>/", views.show_project, name="detail"),
]
