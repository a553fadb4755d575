"""The meetings pages' forms: each parses what was typed; the services of apps.meetings decide
and their refusals are shown on the form (views/meetings.py)."""

import datetime
import zoneinfo

from django import forms
from django.contrib.auth import get_user_model

from apps.agencies.models import Agency
from apps.core.errors import ApplicationError
from apps.core.limits import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, text_checked
from apps.core.limits import validate_date_in_range as in_range
from apps.meetings.agenda import TITLE_MAX_LENGTH
from apps.meetings.models import Attendance
from apps.meetings.services import MINUTES_MAX_LENGTH
from apps.plenary.models import PlenaryMeeting

from .common import date_input

# Offered as the time zone is typed (any other IANA name is taken): where ISECG's member
# agencies meet, from Tokyo to Los Angeles.
COMMON_ZONES = (
    "UTC", "Europe/Paris", "Europe/Berlin", "Europe/Rome", "Europe/Madrid", "Europe/London",
    "Europe/Amsterdam", "Europe/Brussels", "Europe/Luxembourg", "Europe/Vienna", "Europe/Warsaw",
    "Europe/Athens", "Europe/Kyiv", "Europe/Lisbon", "Europe/Oslo", "Europe/Stockholm",
    "Europe/Moscow", "Asia/Dubai", "Asia/Kolkata", "Asia/Shanghai", "Asia/Seoul",
    "Asia/Tokyo", "Australia/Adelaide", "Australia/Sydney", "America/Toronto",
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Mexico_City", "America/Sao_Paulo", "America/Argentina/Buenos_Aires",
)  # fmt: skip


def time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ChairChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        name = user.get_full_name()
        return f"{name} ({user.username})" if name else user.username


class ScheduleMeetingForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=PlenaryMeeting.Kind.choices)
    day = forms.DateField(label="Date", widget=date_input(), validators=[in_range])
    starts = forms.TimeField(label="Starts at", widget=time_input())
    ends = forms.TimeField(label="Ends at", widget=time_input(), help_text="On the same day.")
    time_zone = forms.CharField(
        max_length=64,
        initial="UTC",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
        help_text="Where it is held, as an IANA name: choose one or type another, e.g. "
        "America/Toronto. The hours above are local to it.",
    )
    place = forms.CharField(max_length=200, required=False)
    # The service checks the address; the length is the column's.
    call_link = forms.CharField(
        label="Call link", max_length=200, required=False, help_text="https://…, if any."
    )
    host_agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("acronym"), required=False, label="Host agency"
    )
    chair = ChairChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("last_name", "username"),
        required=False,
    )

    # A service's field -> this form's field, to show a refusal where it belongs.
    SERVICE_FIELDS = {"starts_at": "starts", "ends_at": "ends"}

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"]
        try:
            zoneinfo.ZoneInfo(name)
        except OSError:  # a folder of the zone database ("Europe"): the service's check misses it
            raise forms.ValidationError(
                f"{name[:60]!r} is a region, not a time zone: give an IANA name such as "
                "Europe/Paris."
            ) from None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass  # the service says why
        return name

    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The start and end, local to the meeting's time zone."""
        data = self.cleaned_data
        try:
            zone = zoneinfo.ZoneInfo(data["time_zone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = datetime.UTC  # the service refuses the zone by its name
        return (
            datetime.datetime.combine(data["day"], data["starts"], tzinfo=zone),
            datetime.datetime.combine(data["day"], data["ends"], tzinfo=zone),
        )


class AgendaItemForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX_LENGTH)
    note = forms.CharField(
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: what the plenary is asked, who presents it.",
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "item-%s")
        super().__init__(*args, **kwargs)


class RemoveItemForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the agenda's history.",
    )

    def __init__(self, *args, item_id: int, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"remove-{item_id}-%s")
        super().__init__(*args, **kwargs)
        self.item_id = item_id


class MoveItemForm(forms.Form):
    """A move up or down, with the agenda's order as the page showed it."""

    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])
    order = forms.RegexField(regex=r"^\d{1,12}(,\d{1,12}){0,499}$", max_length=7000)

    def cleaned_order(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["order"].split(",")]


class AttendanceForm(forms.Form):
    """One row per member agency on the meeting day: present, apologies or absent (blank: not
    recorded), and who represented it. Only the rows with a status are recorded."""

    def __init__(self, *args, agencies, recorded: dict[int, Attendance], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = list(agencies)
        for agency in self.agencies:
            row = recorded.get(agency.pk)
            # A recorded answer can be changed, not unrecorded: no blank choice for it.
            choices = Attendance.Status.choices
            if row is None:
                choices = [("", "not recorded"), *choices]
            self.fields[f"a{agency.pk}-status"] = forms.ChoiceField(
                choices=choices,
                required=False,
                initial=row.status if row else "",
                label=f"{agency.acronym}: attendance",
                widget=forms.Select(attrs={"aria-label": f"{agency.acronym}: attendance"}),
            )
            self.fields[f"a{agency.pk}-represented_by"] = forms.CharField(
                max_length=300,
                required=False,
                initial=row.represented_by if row else "",
                label=f"{agency.acronym}: represented by",
                widget=forms.TextInput(attrs={"aria-label": f"{agency.acronym}: represented by"}),
            )

    def rows(self):
        """(agency, its status field, its represented-by field) for the template."""
        return [
            (agency, self[f"a{agency.pk}-status"], self[f"a{agency.pk}-represented_by"])
            for agency in self.agencies
        ]

    def clean(self) -> dict:
        data = super().clean()
        for agency in self.agencies:
            status = data.get(f"a{agency.pk}-status")
            field = f"a{agency.pk}-represented_by"
            if field not in data:
                continue
            try:  # the service's own check, here so that the error shows on the agency's row
                data[field] = text_checked(
                    data[field], field="represented_by", limit=300, required=False
                )
            except ApplicationError as error:
                self.add_error(field, f"{agency.acronym}: {error.message}")
                continue
            if data[field] and not status:
                self.add_error(
                    field,
                    f"{agency.acronym}: choose present, apologies or absent too, or leave "
                    "the name empty.",
                )
        return data

    def rows_given(self) -> dict[Agency, tuple[str, str]]:
        data = self.cleaned_data
        return {
            agency: (data[f"a{agency.pk}-status"], data[f"a{agency.pk}-represented_by"])
            for agency in self.agencies
            if data.get(f"a{agency.pk}-status")
        }


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        max_length=MINUTES_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="The decisions above are listed with the minutes; write the discussion here.",
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "minutes-%s")
        super().__init__(*args, **kwargs)


class ApproveMinutesForm(forms.Form):
    at_meeting = forms.ModelChoiceField(
        queryset=PlenaryMeeting.objects.none(),
        label="Approved at",
        help_text="A later meeting; schedule it first if it is not listed.",
    )
    note = forms.CharField(
        max_length=NOTE_MAX_LENGTH,
        required=False,
        help_text="Optional, e.g. 'with the corrections of ESA'.",
    )

    def __init__(self, *args, meeting: PlenaryMeeting, **kwargs) -> None:
        kwargs.setdefault("auto_id", "approve-%s")
        super().__init__(*args, **kwargs)
        self.fields["at_meeting"].queryset = PlenaryMeeting.objects.filter(
            starts_on__gt=meeting.starts_on
        ).order_by("starts_on", "pk")
