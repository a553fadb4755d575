"""The pages, one module per resource. Each view parses input, asks a selector or calls a
service, and renders."""

# bench/explain.py measures the search pager's count.
from .deliverables import SearchPaginator as SearchPaginator
