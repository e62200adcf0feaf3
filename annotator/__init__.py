"""Source Annotator: tag every claim in a news article by whose word it is and how far to trust it."""

__version__ = "0.1.0"
APP_NAME = "Source Annotator"
