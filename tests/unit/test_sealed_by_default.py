"""Every text column of the schema is sealed, or reviewed here as holding no content.

A new column of free text fails this test until it is declared sealed
(`vault.columns.SealedText`) or added below with the reason it reveals nothing; a column
that is gone must leave the list too, so the list stays the schema's.
"""

from __future__ import annotations

from sqlalchemy import JSON, LargeBinary, String, Text

import interagency.models  # noqa: F401  (registers every table)
from interagency.db import Base, HasPublicId
from interagency.vault.columns import Sealed

CODES = "a code, status or kind from a fixed list"
REFERENCE = "a reference or number the platform makes, or a register number"
HASH = "a hash, fingerprint, salt or key id: nothing to read"
DIRECTORY = "the council's directory: agencies, desks, states and who works there"
MARKING = "a handling code or TLP level"
GRADE = "a source or information grade"

# table.column -> why it holds no content
NOT_CONTENT: dict[str, str] = {
    "agencies.code": DIRECTORY,
    "agencies.kind": CODES,
    "agencies.name_ru": DIRECTORY,
    "agencies.name_en": DIRECTORY,
    "agency_data_keys.master_key_id": HASH,
    "agency_data_keys.wrapped_key": "a data key wrapped under the master key held outside",
    "council_keys.master_key_id": HASH,
    "council_keys.name": "the name of a council key (matching)",
    "council_keys.wrapped_key": "a council key wrapped under the master key held outside",
    "api_tokens.name": "the token's purpose as its agency's supervisor approved it",
    "api_tokens.token_hash": HASH,
    "api_tokens.prefix": "the first characters of a token, to tell tokens apart",
    "approval_requests.action": CODES,
    "approval_requests.status": CODES,
    "approval_requests.payload": "the account change asked for: logins, roles, desks (directory)",
    "approval_requests.digest": HASH,
    "audit_checkpoints.entry_hash": HASH,
    "audit_checkpoints.key_id": HASH,
    "audit_checkpoints.signature": "a signature of a chain head",
    "audit_entries.action": CODES,
    "audit_entries.outcome": CODES,
    "audit_entries.actor_login": DIRECTORY,
    "audit_entries.object_kind": CODES,
    "audit_entries.object_ref": REFERENCE,
    "audit_entries.client_address": "the network address a request came from",
    "audit_entries.detail": "ids, codes and counts; personal values go to audit_personal",
    "audit_entries.personal_digest": HASH,
    "audit_entries.prev_hash": HASH,
    "audit_entries.entry_hash": HASH,
    "bulk_reads.door": CODES,
    "export_consents.object_kind": CODES,
    "export_consents.object_ref": REFERENCE,
    "export_subscriptions.door": CODES,
    "export_subscriptions.status": CODES,
    "exports.destination": CODES,
    "exports.door": CODES,
    "exports.format": CODES,
    "exports.items": "kinds, public ids, owners and markings of what left: no content",
    "third_parties.country": CODES,
    "third_parties.name": DIRECTORY,
    "refusal_tallies.source_hash": HASH,
    "refusal_tallies.actor_login": DIRECTORY,
    "refusal_tallies.client_address": "the network address refusals came from, until counted",
    "audit_personal.salt": HASH,
    "audit_personal.erasure_reason": "the legal ground of an erasure (a request number)",
    "auth_sessions.id_hash": HASH,
    "auth_sessions.stage": CODES,
    "auth_sessions.ended_reason": CODES,
    "auth_sessions.client_address": "the network address a session came from",
    "break_glass_accesses.object_kind": CODES,
    "break_glass_accesses.object_ref": REFERENCE,
    "council_decisions.number": REFERENCE,
    "council_documents.kind": CODES,
    "council_documents.status": CODES,
    "council_documents.register_number": REFERENCE,
    "council_documents.handling_code": MARKING,
    "council_documents.tlp": MARKING,
    "council_document_positions.stance": CODES,
    "council_indicators.unit": "a unit of measure (%, cases, persons)",
    "council_measures.number": REFERENCE,
    "council_measures.status": CODES,
    "council_meetings.status": CODES,
    "council_meetings.handling_code": MARKING,
    "council_meetings.tlp": MARKING,
    "council_programmes.code": REFERENCE,
    "council_programmes.status": CODES,
    "council_programmes.handling_code": MARKING,
    "council_programmes.tlp": MARKING,
    "council_reports.body": "the council body whose annual report it is (directory)",
    "council_reports.handling_code": MARKING,
    "council_reports.tlp": MARKING,
    "council_tasks.status": CODES,
    "desks.code": DIRECTORY,
    "desks.name_ru": DIRECTORY,
    "desks.name_en": DIRECTORY,
    "enrolment_links.token_hash": HASH,
    "exchange_disseminations.purpose": CODES,
    "exchange_disseminations.status": CODES,
    "exchange_index_terms.term": "a keyed hash of a stemmed word (blind index)",
    "exchange_inbox_entries.holder": "a user, desk or agency id with its kind (u:, d:, a:)",
    "exchange_inbox_entries.relation": CODES,
    "exchange_inbox_entries.kind": CODES,
    "exchange_inbox_entries.priority": CODES,
    "exchange_inbox_entries.handling_code": MARKING,
    "exchange_inbox_entries.tlp": MARKING,
    "exchange_inbox_entries.status": CODES,
    "record_name_terms.term": "a keyed hash of a name's search key (blind index)",
    "screening_keys.term": "a keyed hash of a candidate key under the council's matching key",
    "screening_subjects.kind": CODES,
    "screening_subjects.matches_as": CODES,
    "exchange_messages.kind": CODES,
    "exchange_prepared_exports.format": CODES,
    "exchange_prepared_exports.third_party": "the public id of a registered third party",
    "exchange_prepared_exports.language": "the language code the file is written in",
    "exchange_prepared_exports.timezone": "the time zone the file shows times in",
    "exchange_prepared_exports.status": CODES,
    "exchange_prepared_exports.export_id": "the export id the gate gave (a random public id)",
    "exchange_prepared_exports.media_type": CODES,
    "exchange_messages.handling_code": MARKING,
    "exchange_messages.tlp": MARKING,
    "exchange_messages.source_grade": GRADE,
    "exchange_messages.information_grade": GRADE,
    "exchange_recipients.status": CODES,
    "exchange_threads.reference": REFERENCE,
    "exchange_threads.kind": CODES,
    "exchange_threads.priority": CODES,
    "exchange_threads.handling_code": MARKING,
    "exchange_threads.tlp": MARKING,
    "exchange_threads.status": CODES,
    "exchange_threads.case_numbers": "the agencies' own case numbers, to find a thread by them",
    "login_throttles.key_hash": HASH,
    "member_states.iso_alpha2": DIRECTORY,
    "member_states.iso_alpha3": DIRECTORY,
    "member_states.name_ru": DIRECTORY,
    "member_states.name_en": DIRECTORY,
    "member_states.timezone": DIRECTORY,
    "notifications.kind": CODES,
    "notifications.params": "references and counts a notice is worded from, never content",
    "notifications.link": "the address of the page a notice points to",
    "outbox_emails.recipient": DIRECTORY,
    "outbox_emails.subject": "a notice's subject, worded from a template: never content",
    "jobs.kind": CODES,
    "jobs.key": "the kind of a scheduled job and the minute it was asked for",
    "jobs.state": CODES,
    "jobs.stage": CODES,
    "jobs.error": "the class name of the last failure, never its message",
    "outbox_emails.body": "a notice, worded from a template with references: never content",
    "outbox_emails.reference": REFERENCE,
    "outbox_emails.status": CODES,
    "outbox_emails.last_error": "the mail server's answer",
    "record_access_requests.status": CODES,
    "record_hits.reference": REFERENCE,
    "record_hits.band": CODES,
    "record_hits.explanation": "which fields agreed and how well: field names and levels",
    "record_hits.status": CODES,
    "record_hits.details_status": CODES,
    "record_hits.release_digest": HASH,
    "record_links.kind": CODES,
    "border_crossings.direction": CODES,
    "border_crossings.protection": CODES,
    "crossing_manifests.problems": "rows, column names and message codes; never a value",
    "crossing_manifests.refusal": CODES,
    "crossing_manifests.status": CODES,
    "fighter_alerts.direction": CODES,
    "fighter_alerts.release_digest": HASH,
    "fighter_profiles.conflict_zone": "an ISO country code",
    "fighter_profiles.status": CODES,
    "fighter_profiles.un_group": "a UN sanctions list's reference number (QDe.115)",
    "events.kind": CODES,
    "event_plan_tasks.status": CODES,
    "event_risks.category": "a category of violent act from a fixed list",
    "event_risks.treatment": CODES,
    "event_risk_measures.status": CODES,
    "event_incidents.category": "a category of incident from a fixed list",
    "event_incidents.status": CODES,
    "event_lessons.event_kind": CODES,
    "event_lesson_threats.category": "a category of violent act from a fixed list",
    "event_accreditation_terms.offences": "offence categories from a fixed list",
    "event_applicant_batches.status": CODES,
    "event_applicants.decision": CODES,
    "record_uploads.kind": CODES,
    "record_uploads.status": CODES,
    "record_uploads.stage": CODES,
    "records.kind": CODES,
    "records.subject_category": CODES,
    "records.offence_article": "an article of a criminal code (a legal reference)",
    "records.offence_category": CODES,
    "records.source_grade": GRADE,
    "records.information_grade": GRADE,
    "records.neutrality": CODES,
    "records.necessity_digest": HASH,
    "records.handling_code": MARKING,
    "records.tlp": MARKING,
    "sealed_terms.source": "which sealed column a term indexes (table.column)",
    "sealed_terms.public_id": "the random public id of the row a term indexes",
    "sealed_terms.term": "a keyed hash of a stemmed word (blind index)",
    "stored_files.sha256": HASH,
    "stored_files.media_type": CODES,
    "stored_files.status": CODES,
    "user_roles.role": CODES,
    "users.login": DIRECTORY,
    "users.full_name": DIRECTORY,
    "users.kind": CODES,
    "users.personnel_number": DIRECTORY,
    "users.password_hash": HASH,
    "users.totp_secret": "sealed by the identity feature's own key (identity/totp)",
    "users.totp_pending": "sealed by the identity feature's own key (identity/totp)",
    "users.email": DIRECTORY,
}

# Sealed by their feature's own code rather than by `SealedText` (exchange, records).
SEALED_BY_FEATURE = {
    "exchange_attachments.filename_sealed",
    "exchange_messages.body_sealed",
    "exchange_threads.subject_sealed",
    "exchange_threads.restriction_sealed",
    "records.particulars_sealed",
    "record_access_requests.particulars_sealed",
    "screening_subjects.features_sealed",
}


def _text_columns() -> dict[str, object]:
    found = {}
    for table in Base.metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, String | Text | JSON | LargeBinary):
                found[f"{table.name}.{column.name}"] = column.type
    return found


def _declared_sealed() -> set[str]:
    declared = set()
    for mapper in Base.registry.mappers:
        model = mapper.class_
        if issubclass(model, Sealed):
            table = model.__tablename__  # type: ignore[attr-defined]
            declared |= {f"{table}.{text.column}" for text in model.sealed_columns.values()}
    return declared


def _public_ids() -> set[str]:
    """Random identifiers (`db.HasPublicId`): nothing to read."""
    return {
        f"{mapper.class_.__tablename__}.public_id"
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, HasPublicId)
    }


def test_every_text_column_is_sealed_or_reviewed_as_no_content() -> None:
    sealed = _declared_sealed() | SEALED_BY_FEATURE | {"audit_personal.data_sealed"}
    sealed |= _public_ids()
    unreviewed = sorted(set(_text_columns()) - sealed - set(NOT_CONTENT))
    assert unreviewed == [], (
        "text columns neither sealed nor reviewed as holding no content: seal them "
        f"(vault.columns.SealedText) or add them to NOT_CONTENT with a reason: {unreviewed}"
    )


def test_the_reviewed_list_names_only_columns_that_exist_and_are_not_sealed() -> None:
    columns = _text_columns()
    assert sorted(set(NOT_CONTENT) - set(columns)) == []
    assert sorted(set(SEALED_BY_FEATURE) - set(columns)) == []
    assert sorted(set(NOT_CONTENT) & _declared_sealed()) == []


def test_sealed_columns_hold_bytes_and_every_sealed_row_has_a_public_id() -> None:
    columns = _text_columns()
    for name in _declared_sealed() | SEALED_BY_FEATURE:
        assert isinstance(columns[name], LargeBinary), name
    sealed_tables = {name.split(".")[0] for name in _declared_sealed()}
    assert {f"{table}.public_id" for table in sealed_tables} <= _public_ids()
