"""Interagency: secure cooperation platform of a council of security agencies."""

__version__ = "0.1.0"
