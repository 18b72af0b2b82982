"""Web layer: pages and the JSON API over the same services."""
