"""What the sources say about appointments' dates, and settling a conflict between them (the
secretariat); the rule is apps.groups.settling's."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.groups.models import AppointmentAccount
from apps.groups.selectors import ACCOUNT_RELATIONS
from apps.groups.settling import appointment_dates_settle

from ..schema import errors
from ..serializers.appointment_accounts import (
    AppointmentAccountQuerySerializer,
    AppointmentAccountSerializer,
    AppointmentDatesSettleSerializer,
    SettledAccountsSerializer,
)
from ..throttling import MoveThrottle
from .base import RecordViewSet, parsed_body, record_schema

NOUN = "appointment accounts"


@record_schema(AppointmentAccountSerializer, AppointmentAccountQuerySerializer, NOUN)
class AppointmentAccountViewSet(RecordViewSet):
    """Each source's account of when the ISECG chair, a co-chair or a delegate began or ended:
    its date, precision and words. Open accounts of one edge with different dates are a
    conflict until the secretariat settles it."""

    queryset = AppointmentAccount.objects.all()
    serializer_class = AppointmentAccountSerializer
    query_serializer_class = AppointmentAccountQuerySerializer

    def records(self, *, state: str = "", kind: str = ""):
        accounts = AppointmentAccount.objects.select_related(*ACCOUNT_RELATIONS, "settled_by")
        if state:
            accounts = accounts.filter(state=state)
        if kind:
            accounts = accounts.filter(**{f"{kind}__isnull": False})
        return accounts.order_by("pk")

    @extend_schema(
        tags=[NOUN],
        summary="Settle the conflict this account is part of",
        description="The secretariat only. Writes this account's date (or the `date` and "
        "`precision` sent) into the appointment with `reason`, and marks every open account "
        "of the same start or end chosen or set aside (answered in `accounts`). Where the "
        "sources do not disagree (or no longer: settled already), 409.",
        request=AppointmentDatesSettleSerializer,
        responses={
            200: SettledAccountsSerializer,
            **errors(400, 401, 403, 404, 409, 415, 429),
        },
    )
    @action(detail=True, methods=["post"], throttle_classes=[MoveThrottle])
    def settle(self, request, pk=None):
        account = self.get_object()
        body = parsed_body(AppointmentDatesSettleSerializer, request)
        given = body.get("date")
        settled = appointment_dates_settle(
            appointment=account.appointment,
            edge=account.edge,
            actor=request.user,
            reason=body["reason"],
            chosen=None if given else account,
            date=given,
            precision=body.get("precision", "day"),
        )
        fresh = self.records().filter(pk__in=[a.pk for a in settled])
        return Response({"accounts": self.get_serializer(fresh, many=True).data})
