"""Personal names across scripts: detection, transliteration, parsing, keys."""

from interagency.matching.names.canonical import to_latin
from interagency.matching.names.groups import group_of_spelling, name_group
from interagency.matching.names.keys import blocking_key, name_keys, spelling_key
from interagency.matching.names.parse import NameParts, name_from_parts, parse_name
from interagency.matching.names.scripts import Script, detect_script
from interagency.matching.names.standards import STANDARDS, Standard, transliterate

__all__ = [
    "STANDARDS",
    "NameParts",
    "Script",
    "Standard",
    "blocking_key",
    "detect_script",
    "group_of_spelling",
    "name_from_parts",
    "name_group",
    "name_keys",
    "parse_name",
    "spelling_key",
    "to_latin",
    "transliterate",
]
