"""Imports every feature's models so that Alembic and the tests see the whole schema."""

from interagency.audit import models as audit_models
from interagency.council import models as council_models
from interagency.egress import models as egress_models
from interagency.events import accreditation_models as events_accreditation_models
from interagency.events import models as events_models
from interagency.exchange import models as exchange_models
from interagency.filestore import models as filestore_models
from interagency.identity import models as identity_models
from interagency.jobs import models as jobs_models
from interagency.movements import models as movements_models
from interagency.outbox import models as outbox_models
from interagency.records import models as records_models
from interagency.screening import models as screening_models
from interagency.vault import models as vault_models

__all__ = [
    "audit_models",
    "council_models",
    "egress_models",
    "events_accreditation_models",
    "events_models",
    "exchange_models",
    "filestore_models",
    "identity_models",
    "jobs_models",
    "movements_models",
    "outbox_models",
    "records_models",
    "screening_models",
    "vault_models",
]
