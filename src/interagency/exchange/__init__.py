"""Secure exchange: threads and messages between member agencies under handling codes."""
