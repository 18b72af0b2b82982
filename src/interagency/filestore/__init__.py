"""Attachment storage: streamed, sniffed, quarantined and content-addressed files with reference counts."""
