"""Forms of the organisation pages, one module per page family."""
