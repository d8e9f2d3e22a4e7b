"""Page-number pagination with bounds the database can hold."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# Far beyond any real list, and small enough that page x page_size fits a 64-bit offset.
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 500


class Pages(PageNumberPagination):
    """``?page=`` and ``?page_size=`` with upper bounds, so a huge number is a 422, not a crash."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)
