"""Page-numbered lists: `page` and `page_size` (1 to 100, default 50)."""

from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
