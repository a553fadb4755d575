"""API tokens: asking for one, the one just made (with its secret, once), and the list of yours
(never a secret)."""

from rest_framework import serializers

from ..models import DEFAULT_DAYS, MAX_DAYS, NAME_MAX_LENGTH, ApiToken
from .base import StrictCharField

DEFAULT_SCRIPT_NAME = "script"


class TokenRequestSerializer(serializers.Serializer):
    username = StrictCharField(
        required=False, max_length=150, help_text="Not needed when already signed in."
    )
    password = StrictCharField(
        required=False,
        max_length=4096,
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
    )
    # Checked by the service (api_token_create), which says what is wrong in every door.
    name = StrictCharField(
        required=False,
        allow_blank=True,
        default=DEFAULT_SCRIPT_NAME,
        help_text=f"What the token is for, e.g. “nightly export”: one line, at most "
        f"{NAME_MAX_LENGTH} characters. Default “{DEFAULT_SCRIPT_NAME}”.",
    )
    scope = serializers.ChoiceField(
        choices=ApiToken.Scope.choices,
        required=False,
        default=ApiToken.Scope.READ_WRITE,
        help_text="read: safe methods only (GET, HEAD, OPTIONS), e.g. for a feed reader; "
        "read_write: everything your roles allow.",
    )
    expires_in_days = serializers.IntegerField(
        required=False,
        default=DEFAULT_DAYS,
        min_value=1,
        max_value=MAX_DAYS,
        help_text=f"How long it works: {DEFAULT_DAYS} days unless you say, at most {MAX_DAYS}.",
    )


class ApiTokenSerializer(serializers.ModelSerializer):
    """One of your tokens, as the list shows it: what it is, never its secret."""

    state = serializers.ChoiceField(choices=ApiToken.State.choices, read_only=True)
    current = serializers.SerializerMethodField(
        help_text="True for the token this request was sent with."
    )

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "scope",
            "state",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "revoked_reason",
            "current",
        ]
        read_only_fields = fields

    def get_current(self, token: ApiToken) -> bool:
        request = self.context.get("request")
        auth = getattr(request, "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == token.pk


class IssuedTokenSerializer(ApiTokenSerializer):
    """The token just made, with its secret: shown this once, never again."""

    token = serializers.SerializerMethodField(
        help_text="The secret: send it as 'Authorization: Token <token>'. It is shown only in "
        "this answer; the server keeps only a hash of it."
    )
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", "username", *ApiTokenSerializer.Meta.fields]
        read_only_fields = fields

    def get_token(self, token: ApiToken) -> str:
        # The secret is handed over in the context by the view that just made it.
        return self.context["secret"]
