"""Encryption at rest: per-agency data keys wrapped by a master key held outside the
database, and blind-index terms for searching sealed text.

Use `Vault` (built once, in `bootstrap`) to seal and open content and to make index terms;
`keys.KeyProvider` is where a KMS or HSM would plug in.
"""

from interagency.vault.keys import FileKeyProvider, KeyProvider, KeyUnavailable
from interagency.vault.sealed import Tampered
from interagency.vault.services import Vault

__all__ = ["FileKeyProvider", "KeyProvider", "KeyUnavailable", "Tampered", "Vault"]
