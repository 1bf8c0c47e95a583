from django.urls import path

from qifu.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.list_projects, name="list"),
    path("board/", views.show_board, name="board"),
    path("board/export/", views.export_board, name="board_export"),
    path("<str:code>/", views.show_project, name="detail"),
]
