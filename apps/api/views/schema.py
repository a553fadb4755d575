"""The OpenAPI schema endpoint (its errors are JSON, like the rest of the API's)."""

from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import JSONRenderer

from .base import ApiView


class SchemaView(ApiView, SpectacularAPIView):
    """The OpenAPI 3 schema (YAML; ?format=json for JSON), for signed-in users and token
    holders."""

    def handle_exception(self, exc):
        # Errors are JSON like everywhere else in the API, not an OpenAPI document.
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response
