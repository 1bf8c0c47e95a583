from django.urls import path

from qifu.servicelists import views

app_name = "servicelists"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("evaluate/", views.evaluate, name="evaluate"),
    path("overrides/<int:pk>/withdraw/", views.withdraw_override, name="withdraw"),
    path("<slug:code>/", views.members, name="list"),
    path("<slug:code>/export.xlsx", views.export_members, name="export"),
    path("<slug:code>/overrides/", views.add_override, name="override"),
    path("<slug:code>/rule/", views.rule, name="rule"),
]
