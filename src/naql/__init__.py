"""naql (نقل, "transmission"): trace how a news story travels between outlets."""

__version__ = "0.1.0"
