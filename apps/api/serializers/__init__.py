"""What the API reads and writes. Representations only: rules live in the services and in
accounts.permissions; query-parameter serializers turn a bad filter into a 400 per field."""
