"""Every feature's kinds of subject, registered by importing the module that declares
them (`registry.register`). A feature that screens a new kind adds its module here."""

from interagency.events import accreditation_screened as accreditation
from interagency.movements import screened as movements
from interagency.records import screened as records

__all__ = ["accreditation", "movements", "records"]
