"""API tokens: asking for one, and the answer."""

from rest_framework import serializers


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(
        required=False, max_length=150, help_text="Not needed when already signed in."
    )
    password = serializers.CharField(
        required=False,
        max_length=4096,
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as 'Authorization: Token <token>'.")
    username = serializers.CharField()
    created = serializers.DateTimeField()
