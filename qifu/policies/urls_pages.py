"""Page routes (see urls.py)."""

from django.urls import URLPattern, path

from qifu.policies import views_pages as views

urlpatterns: list[URLPattern] = [
    path("", views.catalogue, name="list"),
    path("for-us/", views.for_us, name="for_us"),
    path("introduce/", views.introduce, name="introduce"),
    path("brief/", views.brief, name="brief"),
    path("home-card/", views.home_card, name="home_card"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/matches/", views.matches, name="matches"),
    path("<str:code>/matches/export/", views.matches_export, name="matches_export"),
    path("<str:code>/grants/", views.grants, name="grants"),
    path("<str:code>/grants/refresh/", views.grants_refresh, name="grants_refresh"),
    path("<str:code>/grants/export/", views.grants_export, name="grants_export"),
    path("<str:code>/grants/<int:grant_id>/review/", views.grant_decide, name="grant_review"),
]
