"""Open Badges 3.0 credentials: each academy's signing keys and the credentials it issued.

A credential is a W3C Verifiable Credential of type OpenBadgeCredential, signed as a compact VC-JWT
with the key its header's `kid` names. Its revocation is one bit (`status_index`) of the academy's
Bitstring Status List, published and signed like the credential itself (credentials.services).
"""
import uuid

from django.conf import settings
from django.db import models


class AcademyKey(models.Model):
    """An academy's ES256 signing key. The newest unretired key signs; a retired key signs nothing more
    but stays published in the academy's JWKS for as long as credentials it signed may be checked
    (always: a badge outlives a rotation). The private key is kept in the database, as lti.ToolKey is."""

    academy = models.ForeignKey("accounts.Academy", on_delete=models.CASCADE, related_name="+")
    # the JWKS address and the key's name after a `#`: as long as the site's address and the academy's slug
    kid = models.CharField(max_length=500, unique=True)
    private_pem = models.TextField()
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"key {self.kid} of academy {self.academy_id}"


class Credential(models.Model):
    """One learner's badge for one course. `public_id` is the only id shown outside (links, the API):
    random, so nobody finds another learner's credential by counting."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credentials")
    course = models.ForeignKey("cms.CoursePage", on_delete=models.CASCADE, related_name="+")
    academy = models.ForeignKey("accounts.Academy", on_delete=models.CASCADE, related_name="+")
    status_index = models.PositiveIntegerField()
    document = models.JSONField()
    token = models.TextField()
    issued_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    revocation_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "course"], name="one_credential_per_course"),
            models.UniqueConstraint(fields=["academy", "status_index"], name="one_status_bit_per_credential"),
        ]

    def __str__(self):
        return f"credential {self.public_id}"


class Certificate(models.Model):
    """The printable face of a credential: a PNG and a PDF naming the learner, rendered by the worker
    (credentials.certificates). Kept in the database, not under MEDIA: it goes with its credential's row
    (cascade) and is deleted with a query when the account is deleted or the badge revoked, with no file
    left behind on a disk or a storage bucket."""

    credential = models.OneToOneField(Credential, on_delete=models.CASCADE, related_name="certificate")
    png = models.BinaryField()
    pdf = models.BinaryField()
    rendered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"certificate of {self.credential}"
