from django import forms

from .common import date_input


class MembersOnForm(forms.Form):
    on = forms.DateField(label="Members on", required=False, widget=date_input())
