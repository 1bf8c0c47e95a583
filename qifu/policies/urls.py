"""/policies/: the catalogue, 适合我们的政策, who qualifies, grant lists (urls_pages) and the editor,
JSON import and export, attachments (urls_edit)."""

from qifu.policies.urls_edit import urlpatterns as edit_urls
from qifu.policies.urls_pages import urlpatterns as page_urls

app_name = "policies"
urlpatterns = [*edit_urls, *page_urls]
