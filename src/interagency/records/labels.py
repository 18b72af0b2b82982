"""Names of the records' kinds, categories, fields and states as people read them."""

from __future__ import annotations

from interagency.i18n import gettext, lazy

LABELS: dict[str, str] = {
    # kinds
    "person": lazy("person"),
    "document": lazy("identity document"),
    "vehicle": lazy("vehicle"),
    "phone": lazy("phone number"),
    "organisation": lazy("organisation"),
    # data-subject categories
    "suspect": lazy("suspect"),
    "convicted": lazy("convicted"),
    "potential_offender": lazy("potential offender"),
    "contact": lazy("contact or associate"),
    "victim": lazy("victim"),
    "witness": lazy("witness"),
    "missing": lazy("missing person"),
    # offence categories
    "terrorism": lazy("terrorism"),
    "terrorist_financing": lazy("financing of terrorism"),
    "foreign_fighters": lazy("foreign terrorist fighters"),
    "migrant_smuggling": lazy("migrant smuggling"),
    "human_trafficking": lazy("trafficking in human beings"),
    "document_fraud": lazy("document fraud"),
    "arms_trafficking": lazy("arms trafficking"),
    "drug_trafficking": lazy("drug trafficking"),
    "organised_crime": lazy("organised crime"),
    "cybercrime": lazy("cybercrime"),
    "money_laundering": lazy("money laundering"),
    "extremism": lazy("extremism"),
    "separatism": lazy("separatism"),
    "religious_association": lazy("religious association"),
    "unauthorised_assembly": lazy("unauthorised assembly"),
    "insult_defamation": lazy("insult or defamation"),
    "other": lazy("other"),
    # neutrality review
    "not_required": lazy("not required"),
    "pending": lazy("awaiting the review board"),
    "cleared": lazy("cleared by the review board"),
    "refused": lazy("refused by the review board"),
    # why a record is not matched
    "erased": lazy("erased"),
    "review-overdue": lazy("its review date has passed"),
    "protected-category": lazy("a victim or witness: matching needs an approved necessity"),
    "neutrality-review": lazy("it awaits or failed the neutrality review"),
    # hits
    "strong": lazy("strong"),
    "possible": lazy("possible"),
    "new": lazy("not checked yet"),
    "confirmed": lazy("confirmed by a person"),
    "dismissed": lazy("dismissed by a person"),
    "none": lazy("not asked for"),
    "requested": lazy("asked for"),
    "proposed": lazy("release proposed"),
    "released": lazy("released"),
    "withdrawn": lazy("withdrawn with the hit"),
    # links between records, read from the person's side
    "holds_document": lazy("holds the document"),
    "uses_phone": lazy("uses the phone"),
    "drives_vehicle": lazy("drives the vehicle"),
    "belongs_to": lazy("belongs to the organisation"),
    # uploads and access requests
    "queued": lazy("waiting for a worker"),
    "running": lazy("running"),
    "done": lazy("done"),
    "failed": lazy("failed"),
    "rejected": lazy("nothing stored: rows are wrong"),
    "checking": lazy("checking the rows"),
    "storing": lazy("storing the records"),
    "cross-checking": lazy("cross-checking"),
    "finished": lazy("finished"),
    "open": lazy("open"),
    "answered": lazy("answered"),
    # particulars
    "surname": lazy("Surname"),
    "given_name": lazy("Given name"),
    "patronymic": lazy("Patronymic"),
    "full_name": lazy("Full name (when the parts are not known)"),
    "birth_date": lazy("Date of birth"),
    "sex": lazy("Sex (M or F)"),
    "nationality": lazy("Citizenship (ISO alpha-3)"),
    "passport": lazy("Passport number"),
    "document_type": lazy("Document type"),
    "document_type:passport": lazy("passport"),
    "document_type:id_card": lazy("identity card"),
    "document_type:travel_document": lazy("travel document"),
    "document_type:residence_permit": lazy("residence permit"),
    "document_type:visa": lazy("visa"),
    "document_type:other": lazy("other document"),
    "number": lazy("Number"),
    "issuing_country": lazy("Issuing country (ISO alpha-3)"),
    "holder_name": lazy("Holder's name as written"),
    "plate": lazy("Registration plate"),
    "registration_country": lazy("Registration country (ISO alpha-3)"),
    "vin": lazy("Vehicle identification number"),
    "make_model": lazy("Make and model"),
    "imei": lazy("Handset IMEI"),
    "name": lazy("Name"),
    "registration_number": lazy("Registration number"),
    "country": lazy("Country (ISO alpha-3)"),
    # why a value of a bulk upload was set aside (`matching.cleaning.Why`)
    "unreadable": lazy("cannot be read"),
    "placeholder": lazy("a placeholder, not a value"),
    "partial": lazy("only partly usable"),
}


def label(value: str | None) -> str:
    """The value's name in the current language; an unknown value is shown as it is."""
    if value is None:
        return "—"
    source = LABELS.get(value)
    return gettext(source) if source else value
