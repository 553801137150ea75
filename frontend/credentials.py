"""Open Badges on the site: my badges with their downloads (JSON, JWT, the certificate's PNG and PDF) and
share links, and the public page that checks a shared badge. Rules in courses/access.py, the checks in
credentials/services.py, the certificates in credentials/certificates.py."""
import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from courses.access import may_download_credential
from credentials import services
from credentials.certificates import certificate_facts
from credentials.selectors import (
    certificate_file,
    credential_by_public_id,
    learner_credentials,
    rendered_certificate_ids,
)


@login_required
def my_credentials(request):
    """The learner's badges, each with its certificate's facts as text (what the PNG and PDF show) and
    their downloads once the worker rendered them."""
    rendered = rendered_certificate_ids(learner=request.user)
    rows = []
    for credential in learner_credentials(learner=request.user):
        credential.learner = request.user  # the facts name the learner: no query per badge
        rows.append({"credential": credential, "share_url": services.share_url(credential),
                     "facts": certificate_facts(credential=credential),
                     "certificate": credential.pk in rendered and credential.revoked_at is None})
    return render(request, "frontend/credentials.html", {"section": "progress", "rows": rows})


def _own(request, credential_id):
    credential = credential_by_public_id(credential_id)
    if credential is None or not may_download_credential(user=request.user, learner_id=credential.learner_id):
        raise Http404
    return credential


@login_required
def credential_json(request, credential_id):
    credential = _own(request, credential_id)
    response = HttpResponse(json.dumps(credential.document, indent=2), content_type="application/ld+json")
    response["Content-Disposition"] = f'attachment; filename="badge-{credential.public_id}.json"'
    return response


@login_required
def credential_jwt(request, credential_id):
    credential = _own(request, credential_id)
    response = HttpResponse(credential.token, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="badge-{credential.public_id}.jwt"'
    return response


def _certificate(request, credential_id, kind: str, content_type: str, disposition: str):
    credential = _own(request, credential_id)
    content = certificate_file(credential=credential, kind=kind)
    if content is None:  # not rendered yet, or revoked: the page offers no link to it
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="certificate-{credential.public_id}.{kind}"'
    response["Cache-Control"] = "private, no-store"  # it names the learner
    return response


@login_required
def certificate_png(request, credential_id):
    return _certificate(request, credential_id, "png", "image/png", "inline")


@login_required
def certificate_pdf(request, credential_id):
    return _certificate(request, credential_id, "pdf", "application/pdf", "attachment")


def credential_verify(request, credential_id):
    """Anyone with the link: the badge's facts and each check, as text."""
    credential = credential_by_public_id(credential_id)
    if credential is None:
        raise Http404
    result = services.credential_verify(token=credential.token)
    document = result["credential"] or credential.document
    labels = {"signature": _("Signature"), "issuer": _("Issuer"), "validity": _("Validity period"),
              "revocation": _("Revocation")}
    return render(request, "frontend/credential_verify.html", {
        "credential": credential, "valid": result["valid"], "document": document,
        "achievement": document["credentialSubject"]["achievement"],
        "checks": [{**check, "label": labels[check["check"]]} for check in result["checks"]],
    })
