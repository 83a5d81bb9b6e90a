"""harasslog: an offline, tamper-evident evidence log for people harassed by debt collectors."""

__version__ = "0.1.0"
