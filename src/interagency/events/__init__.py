"""Security of major international events: the event's dossier (venues, delegations, the
liaison roster), its plan (phases and tasks, from editable templates of the planning
model), its risk register (scenarios of violent acts, scored and banded, with their
measures) and its operations (the incident log, the situation board and the venue map).

Everything of an event is seen by its host agency, its participating agencies and the
council's secretariat, and changed by the host (`policy`); during the event the agencies
taking part log incidents too. A venue, a risk, a task or an incident is always named by
its own public id, so that later parts (accreditation, after-action reports) can refer to
them.
"""
