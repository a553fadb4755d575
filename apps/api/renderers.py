from rest_framework.renderers import BrowsableAPIRenderer


class StrictBrowsableAPIRenderer(BrowsableAPIRenderer):
    """The browsable API without its inline <style> of syntax colours, which the content
    security policy (style-src 'self') would block and report on every page; in our own page
    (apps/api/templates/api/browsable.html), which adds what accessibility needs."""

    template = "api/browsable.html"

    def get_context(self, *args, **kwargs):
        context = super().get_context(*args, **kwargs)
        context["code_style"] = None
        return context
