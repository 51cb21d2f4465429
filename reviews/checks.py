from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def audit_keys_are_set(app_configs, **kwargs):
    """R-REC-4: in production the audit chain's key is its own secret, not derived from SECRET_KEY
    (rotating SECRET_KEY would otherwise leave the sealed events unverifiable)."""
    if settings.AUDIT_KEYS_FROM_SECRET_KEY:
        return [
            Warning(
                "AUDIT_KEYS is not set: the audit chain is sealed with a key derived from SECRET_KEY.",
                hint="Set AUDIT_KEYS=id:secret (docs/operations.md, 'The audit record').",
                id="kiemdiem.W001",
            )
        ]
    return []
