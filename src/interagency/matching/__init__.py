"""Cross-script person linkage engine. Imports nothing from the web or database layers."""

from interagency.matching.names_alone import name_similarity

__all__ = ["name_similarity"]
