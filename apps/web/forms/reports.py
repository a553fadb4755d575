from django import forms


class ReportRequestForm(forms.Form):
    year = forms.IntegerField(label="Year to draft", min_value=2007, max_value=2100)
