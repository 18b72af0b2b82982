"""Cross-script person linkage engine. Imports nothing from the web or database layers."""
