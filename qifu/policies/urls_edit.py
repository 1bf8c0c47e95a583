"""Editor routes (see urls.py): listed before the page routes, so `new/`, `import/`, `preview/` and
`export.json` are never read as a policy code."""

from django.urls import URLPattern, path

from qifu.policies import views_edit

urlpatterns: list[URLPattern] = [
    path("new/", views_edit.new, name="new"),
    path("import/", views_edit.import_policies, name="import"),
    path("preview/", views_edit.preview, name="preview"),
    path("export.json", views_edit.export_all, name="export"),
    path("<str:code>/edit/", views_edit.edit, name="edit"),
    path("<str:code>/status/", views_edit.set_status, name="status"),
    path("<str:code>/export.json", views_edit.export_one, name="export_one"),
    path("<str:code>/attachments/", views_edit.attachment_add, name="attachment_add"),
    path("<str:code>/attachments/<int:attachment_id>/", views_edit.attachment, name="attachment"),
]
