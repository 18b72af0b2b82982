"""Watermarked exports to PDF, DOCX and CSV, shared by every feature."""
