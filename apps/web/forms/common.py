from django import forms

from apps.core.dates import TYPING_HELP, StoredDate, typed_date, typed_text


def date_input() -> forms.DateInput:
    # The browser's date picker reads and writes ISO dates, whatever the site's locale.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DateAsTypedField(forms.Field):
    """A date typed as precisely as it is known, in one box: "2026", "2026-12", "2026-12-20",
    or "by 2026" for a bound (core.dates.typed_date). Cleans to a StoredDate (day, precision),
    or None when left empty; shows a stored one the way it reads back."""

    widget = forms.TextInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", TYPING_HELP)
        super().__init__(**kwargs)

    def widget_attrs(self, widget) -> dict:
        return {**super().widget_attrs(widget), "maxlength": 40, "placeholder": "2026-12-20"}

    def prepare_value(self, value):
        if isinstance(value, StoredDate):
            return typed_text(value.day, value.precision)
        return value

    def to_python(self, value) -> StoredDate | None:
        try:
            return typed_date(value if isinstance(value, str) else "")
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from None
