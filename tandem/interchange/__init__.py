"""Plain-data interchange formats (no Django): the member CSV."""
