"""The package's version, in one place low enough for any module to read (``gaugeopt``
re-exports it as ``gaugeopt.__version__``)."""

__version__ = "0.1.0"
