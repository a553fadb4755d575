"""What every API representation shares: read-only model serializers, the few fields that name a
related object, and the history of an object (paged)."""

from django.contrib.auth.models import User
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts import permissions
from apps.agencies.models import Agency
from apps.core.dates import date_as_stored
from apps.core.limits import FIRST_YEAR, LAST_YEAR
from apps.deliverables.models import Deliverable
from apps.groups.models import WorkingGroup
from apps.plenary.models import PlenaryMeeting

YEAR_RANGE = {"min_value": FIRST_YEAR, "max_value": LAST_YEAR}


class ReadSerializer(serializers.ModelSerializer):
    """A representation: every field is output only (writes go through the services).

    A record's `notes` are the secretariat's (permissions.may_read_notes): empty for anyone
    else, so every response keeps the same shape."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
            field.required = False
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if "notes" in data and not self._may_read_notes():
            data["notes"] = ""
        return data

    def _may_read_notes(self) -> bool:
        request = self.context.get("request")
        if request is None:
            return False
        # Asked once per request, however many records (and nested ones) it serializes.
        if not hasattr(request, "_may_read_notes"):
            request._may_read_notes = permissions.may_read_notes(request.user)
        return request._may_read_notes


@extend_schema_field(OpenApiTypes.STR)
class DateAsStoredField(serializers.Field):
    """A date as precisely as it is stored, as the pages print it (core.dates.date_as_stored):
    the `<x>_display` beside each `<x>_on`/`<x>_precision` pair, which keep the ISO date and
    its precision as they were. Added beside them, so no client of the pair has to change."""

    def __init__(self, date: str, precision: str, **kwargs) -> None:
        self.date_attr, self.precision_attr = date, precision
        kwargs.setdefault(
            "help_text",
            f"{date} as precisely as it is known: '2026' (a year), 'Dec 2024' (a month), "
            "'12 Aug 2024' (a day), 'by 2020' (no later than the end of 2020); empty when "
            f"there is none. {date} holds the first day of a month or year, {precision} says "
            "which.",
        )
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return date_as_stored(getattr(value, self.date_attr), getattr(value, self.precision_attr))


# --- request bodies --------------------------------------------------------------------------


class StrictCharField(serializers.CharField):
    """Text, and only text: {"reason": 0} is refused, not stored as "0"."""

    default_error_messages = {"not_a_string": "Send text (a JSON string), not {kind}."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string", kind=type(data).__name__)
        return super().to_internal_value(data)


class ClosedBodySerializer(serializers.Serializer):
    """A body whose unknown fields are refused (the schema says additionalProperties: false)."""

    refuses_unknown_fields = True
    unknown_field_message = "Unknown field: the fields this accepts are {known}."

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                known = ", ".join(self.fields)
                message = self.unknown_field_message.format(known=known)
                raise serializers.ValidationError({name: [message] for name in unknown})
        return super().to_internal_value(data)


# --- references: the few fields that name a related object --------------------------------


class UserRefSerializer(ReadSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name"]

    def get_name(self, user: User) -> str:
        return user.get_full_name() or user.username


class AgencyRefSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:agency-detail")

    class Meta:
        model = Agency
        fields = ["id", "url", "acronym", "name"]


class GroupRefSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:working-group-detail")

    class Meta:
        model = WorkingGroup
        fields = ["id", "url", "acronym", "name"]


class DeliverableRefSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:deliverable-detail")

    class Meta:
        model = Deliverable
        fields = ["id", "url", "title", "edition", "state"]


class MeetingRefSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:meeting-detail")

    class Meta:
        model = PlenaryMeeting
        fields = ["id", "url", "title", "kind", "starts_on"]


def history_link(view_name: str) -> serializers.HyperlinkedIdentityField:
    return serializers.HyperlinkedIdentityField(view_name=view_name, read_only=True)


# --- history ---------------------------------------------------------------------------------


def paginated(child: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """One page of a list served under an object (its history, a round's positions)."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": child(many=True),
            "__module__": __name__,
        },
    )


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(
        allow_null=True, help_text="The value before (ids for related objects)."
    )
    new = serializers.JSONField(allow_null=True, help_text="The value after.")
    old_display = serializers.CharField(help_text="The value before, as a person reads it.")
    new_display = serializers.CharField(help_text="The value after, as a person reads it.")


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The history row's id.")
    when = serializers.DateTimeField()
    who = UserRefSerializer(allow_null=True, help_text="Null: the system (e.g. a deadline job).")
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    reason = serializers.CharField(allow_null=True)
    headline = serializers.CharField(
        help_text="The row in one line, as the pages show it: 'Added: loaded from the ISECG "
        "record: <publication>', 'Created by <who>', or the reason of a change."
    )
    changes = ChangeSerializer(
        many=True, help_text="What changed from what to what; on creation, the initial values."
    )


HistoryPage = paginated(HistoryEntrySerializer, "HistoryPage")
