"""Small named exceptions. Library code raises these; only the CLI turns them into exit codes."""


class NaqlError(Exception):
    """Base class for every error naql raises on purpose."""


class InputError(NaqlError):
    """An input file or record cannot be used; the message names the file and the reason."""


class ConfigError(NaqlError, ValueError):
    """A configuration value is out of range; the message says how to fix it."""


class BackendUnavailable(NaqlError):
    """An optional capability (an extra) is not installed; the message gives the install command."""


class BackendFailed(NaqlError):
    """A worker process or a Spark job died under a stage; the message says which and why."""
