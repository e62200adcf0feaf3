"""Errors about the project file itself, each with a message fit to show a user."""


class ProjectFileError(Exception):
    """The project file cannot be opened; nothing in it was changed."""


class NotAProjectError(ProjectFileError):
    """The file is not a Source Annotator project (another database, a text file, ...)."""


class NewerProjectError(ProjectFileError):
    """The file was written by a newer version of the app."""
