"""Admin change forms that save through the domain's services, like every other door.

The service runs once the form's own validation has passed, inside the admin's transaction:
a refusal becomes a form error (on its field when the service names one) and the page is shown
again with what the person typed; nothing is saved. The admin's own `save_model` and
`save_related` then have nothing left to do. (HackSoft's Styleguide-Example `users/admin.py`
calls its `user_create` service the same way.)
"""

from django import forms
from django.contrib import admin

from .errors import ApplicationError


class ServiceForm(forms.ModelForm):
    """Subclasses write `save_through_service()`, returning the saved object."""

    actor = None  # the signed-in person, set by ServiceAdmin.get_form
    saved = None

    def save_through_service(self):
        raise NotImplementedError

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        try:
            self.saved = self.save_through_service()
        except ApplicationError as error:
            placed = False
            for field, messages in (error.extra.get("fields") or {}).items():
                if field in self.fields:
                    self.add_error(field, messages)
                    placed = True
            self.add_error(None, error.message if not placed else f"Not saved: {error.message}")

    def save(self, commit: bool = True):
        # The service has saved (and set many-to-many links); the admin gets the result.
        self.save_m2m = lambda: None
        return self.saved


class ServiceAdmin(admin.ModelAdmin):
    """Mixin for a ModelAdmin whose form is a ServiceForm."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change) -> None:
        """Saved by the service during validation."""

    def save_related(self, request, form, formsets, change) -> None:
        """Saved by the service during validation (this admin has no inlines)."""
