"""The Qt window and the `tcmcounty` command line."""

__version__ = "0.1.0"
