"""What each source says about when an appointment (the ISECG chair, a co-chair, a delegate)
began or ended, and the body that settles a conflict between them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.dates import DatePrecision
from apps.core.limits import REASON_MAX_LENGTH
from apps.groups.models import AppointmentAccount

from .base import (
    ClosedBodySerializer,
    DateAsStoredField,
    ReadSerializer,
    StrictCharField,
    UserRefSerializer,
    history_link,
)


class AppointmentRefSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["chair", "cochair", "delegate"],
        help_text="chair: the ISECG chair; cochair: a working group's co-chair; delegate: an "
        "agency's head of delegation or alternate.",
    )
    id = serializers.IntegerField(help_text="The appointment's id (cochair: under "
                                  "cochair-appointments/).")  # fmt: skip
    label = serializers.CharField()
    agency = serializers.CharField(help_text="The agency's acronym.")


class AppointmentAccountSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:appointment-account-detail")
    history_url = history_link("api:appointment-account-history")
    settle_url = serializers.HyperlinkedIdentityField(
        view_name="api:appointment-account-settle",
        help_text="POST here (the secretariat) to settle the conflict this account is part of.",
    )
    appointment = serializers.SerializerMethodField()
    date_display = DateAsStoredField("date", "precision")
    settled_display = DateAsStoredField("settled_date", "settled_precision")
    settled_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = AppointmentAccount
        fields = [
            "id",
            "url",
            "appointment",
            "edge",
            "date",
            "precision",
            "date_display",
            "words",
            "source",
            "state",
            "settled_date",
            "settled_precision",
            "settled_display",
            "settled_reason",
            "settled_by",
            "settled_at",
            "settle_url",
            "history_url",
        ]

    @extend_schema_field(AppointmentRefSerializer)
    def get_appointment(self, account: AppointmentAccount) -> dict:
        appointment = account.appointment
        return {
            "kind": account.kind,
            "id": appointment.pk,
            "label": str(appointment),
            "agency": appointment.agency.acronym,
        }


class AppointmentAccountQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=AppointmentAccount.State.choices, required=False)
    kind = serializers.ChoiceField(choices=["chair", "cochair", "delegate"], required=False)


class AppointmentDatesSettleSerializer(ClosedBodySerializer):
    """Settle the conflict an account is part of: with that account's date (send only the
    reason), or with the date you give (date and precision)."""

    reason = StrictCharField(
        max_length=REASON_MAX_LENGTH,
        help_text="Why this date is the one the record keeps (kept in the history).",
        error_messages={
            "blank": "Say why this date is the one the record keeps.",
            "required": "Say why this date is the one the record keeps.",
        },
    )
    date = serializers.DateField(
        required=False,
        help_text="Another date than the account's (YYYY-MM-DD; the first day of a month or "
        "year, with precision). Leave out to keep the account's date.",
    )
    precision = serializers.ChoiceField(
        choices=DatePrecision.choices,
        required=False,
        help_text="How precise `date` is (default: day). Co-chairs and delegates hold days.",
    )

    def validate(self, attrs):
        if "precision" in attrs and "date" not in attrs:
            raise serializers.ValidationError(
                {"precision": ["Send precision with a date, or neither."]}
            )
        return attrs


class SettledAccountsSerializer(serializers.Serializer):
    """What settling answers: every account of the settled start or end, chosen or set aside."""

    accounts = AppointmentAccountSerializer(many=True)
