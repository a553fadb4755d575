from django import forms

from apps.core.limits import FIRST_YEAR, LAST_YEAR


class ReportRequestForm(forms.Form):
    year = forms.IntegerField(label="Year to draft", min_value=FIRST_YEAR, max_value=LAST_YEAR)
