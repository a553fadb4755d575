from django.contrib import admin
from django.urls import include, path

from apps.core.views import healthz

admin.site.site_header = "ISECG deliverables tracker"
admin.site.site_title = "ISECG tracker"
admin.site.index_title = "The ISECG record"

urlpatterns = [
    path("", include("apps.web.urls")),
    path("api/", include("apps.api.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", healthz, name="healthz"),
]
