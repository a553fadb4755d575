from django import forms


def date_input() -> forms.DateInput:
    # The browser's date picker reads and writes ISO dates, whatever the site's locale.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
