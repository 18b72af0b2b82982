"""What the operators' page calls the jobs' kinds, states and stages, in the user's language."""

from __future__ import annotations

from typing import Final

from interagency import i18n
from interagency.i18n import lazy

LABELS: Final = {
    # kinds
    "records.upload": lazy("bulk upload"),
    "filestore.scan": lazy("malware scan of a file"),
    "audit.sign": lazy("signing the audit trail"),
    "outbox.send": lazy("sending e-mail"),
    "records.rescreen": lazy("daily sweep of hits and review dates"),
    "jobs.purge": lazy("deleting old finished jobs"),
    "exchange.export": lazy("export of a long thread"),
    "exchange.exports.expire": lazy("removing exported files no longer kept"),
    "movements.manifest": lazy("reading a day's manifest of border crossings"),
    "movements.manifest-part": lazy("screening a part of a day's manifest of border crossings"),
    "movements.sweep": lazy("deleting border crossings past their retention"),
    "events.accreditation": lazy("screening a batch of applicants for accreditation"),
    # states
    "pending": lazy("waiting to be queued"),
    "queued": lazy("queued"),
    "running": lazy("running"),
    "retrying": lazy("failed, to be retried"),
    "done": lazy("done"),
    "dead": lazy("dead"),
    # stages
    "checking": lazy("checking the rows"),
    "storing": lazy("storing the records"),
    "cross-checking": lazy("cross-checking"),
    "rendering": lazy("drawing the file"),
    "screening": lazy("screening the crossings"),
    "finished": lazy("finished"),
}


def job_label(code: str) -> str:
    """The label of a kind, state or stage; an unknown code as it is."""
    label = LABELS.get(code)
    return i18n.gettext(label) if label else code
