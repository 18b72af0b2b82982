"""Transactional outbox: e-mail written in the business transaction, sent afterwards and retried."""
