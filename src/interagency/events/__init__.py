"""Security of major international events: the event's dossier (venues, delegations, the
liaison roster), its plan (phases and tasks, from editable templates of the planning
model) and its risk register (scenarios of violent acts, scored and banded, with their
measures).

Everything of an event is seen by its host agency, its participating agencies and the
council's secretariat, and changed by the host (`policy`); a venue, a risk or a task is
always named by its own public id, so that later parts (accreditation, operations,
after-action reports) can refer to them.
"""
