"""pinsmith: self-hostable Pinterest automation."""

__version__ = "0.1.0"
