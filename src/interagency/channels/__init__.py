"""Smuggling channels: interception reports of several agencies linked into channels.

An analysis engine like `matching`: it imports nothing of the web or the database; the
platform's features and the command line call it.
"""
