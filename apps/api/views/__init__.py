"""The REST API under /api/v1/, one module per resource: thin views that parse input, call a
service or selector, and render (base.py holds what they share)."""
