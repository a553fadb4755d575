"""The web forms, one module per resource, like the views that use them."""
