"""MyMONIT: collects the measures of scientific experiments into one secure repository."""

__version__ = "0.1.0"
