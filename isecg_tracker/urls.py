from django.contrib import admin
from django.urls import include, path

from apps.core.views import healthz, livez

# A plain page, or JSON under /api/, never a traceback; 503 while the database is down.
handler500 = "apps.web.errors.server_error"
# The site's page, with what was missing; 403.html is Django's own handler's template.
handler404 = "apps.web.errors.page_not_found"

admin.site.site_header = "ISECG deliverables tracker"
admin.site.site_title = "ISECG tracker"
admin.site.index_title = "The ISECG record"

urlpatterns = [
    path("", include("apps.web.urls")),
    path("api/", include("apps.api.urls")),
    path("admin/", admin.site.urls),
    # The throttled password reset first: it shadows django.contrib.auth's of the same name.
    path("accounts/", include("apps.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
]
