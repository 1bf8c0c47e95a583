"""/safety/: the checklist of a safety visit and the rectifications (隐患整改)."""

from django.urls import path

from qifu.safety import views

app_name = "safety"
urlpatterns = [
    path("", views.rectifications, name="list"),
    path("visits/<int:visit_id>/", views.fill_check, name="check"),
    path("rectifications/<int:rectification_id>/", views.rectification, name="detail"),
    path("rectifications/<int:rectification_id>/act/", views.rectification_act, name="act"),
    path("rectifications/<int:rectification_id>/photo/", views.photo, name="photo"),
]
