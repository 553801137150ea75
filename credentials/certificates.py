"""Certificates: the printable face of a badge, a PNG (Pillow) and a PDF (fpdf2) naming the learner, the
course, the academy, the date of issue and the course's competencies, with a QR code (segno) to the
badge's public verification page (services.share_url). Rendered by the worker (tasks.render_certificate),
stored on a `Certificate` beside the credential; docs/interoperability.md, "Certificates".

- `certificate_facts(credential=)`: what a certificate states, as text (the page shows the same).
- `certificate_render(credential=)`: the certificate of a badge, rendered once; safe to run twice.

The competency summary is the course's competencies as the badge aligns them (its signed `alignment`),
not the learner's scores: assessments.selectors.competency_profile averages over every course, and a
course's share of it would need a query per exercise of the course, for a figure the badge does not sign.
"""
import io
import textwrap
import unicodedata

import segno
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, translation
from django.utils.translation import gettext
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from .models import Certificate, Credential
from .services import share_url

# A4 landscape at 150 dots per inch.
PNG_SIZE = (1754, 1240)
# The QR code: segno's modules `QR_SCALE` pixels wide with its 4-module quiet zone, its top left corner
# at QR_ORIGIN (the tests compare that region with segno's own drawing of the verification address).
QR_SCALE = 8
QR_BORDER = 4
QR_ORIGIN = (1754 - 120 - 360, 1240 - 120 - 360)
INK, ACCENT, PAPER = (33, 37, 41), (13, 94, 120), (255, 255, 255)


def certificate_facts(*, credential: Credential) -> dict:
    """The learner's name, the course, the academy, the date, the competencies and the verification
    address: what both renderings and the "My badges" page state. No query beyond the credential's
    learner, course and academy (select_related by the callers)."""
    learner = credential.learner
    achievement = credential.document.get("credentialSubject", {}).get("achievement", {})
    return {
        "learner": learner.get_full_name() or learner.username,
        "course": credential.course.title,
        "academy": credential.academy.name,
        "issued_at": credential.issued_at,
        "date": formats.date_format(credential.issued_at, "DATE_FORMAT"),
        "competencies": [a.get("targetName", "") for a in achievement.get("alignment", [])],
        "verify_url": share_url(credential),
        "public_id": str(credential.public_id),
    }


def qr_code(url: str):
    """The QR code of the verification address (medium error correction: it survives a worn print)."""
    return segno.make(url, error="m", micro=False)


def _font(size: int):
    if settings.CERTIFICATE_FONT:
        return ImageFont.truetype(settings.CERTIFICATE_FONT, size=size)
    return ImageFont.load_default(size=size)


def _png_text(text: str) -> str:
    """Pillow's built-in font has ASCII only: without CERTIFICATE_FONT, accents are dropped ("é" -> "e")
    and other characters become "?" rather than empty boxes."""
    if settings.CERTIFICATE_FONT:
        return text
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return folded.encode("ascii", "replace").decode("ascii")


def _centred(draw, y: int, text: str, size: int, fill, width: int = PNG_SIZE[0], margin: int = 140) -> int:
    """Draw `text` centred, wrapped to the page's width; return the y below it."""
    font, text = _font(size), _png_text(text)
    chars = max(10, int((width - 2 * margin) / (size * 0.55)))
    for line in textwrap.wrap(text, chars) or [""]:
        length = draw.textlength(line, font=font)
        draw.text(((width - length) / 2, y), line, font=font, fill=fill)
        y += int(size * 1.3)
    return y


def certificate_png(facts: dict) -> bytes:
    """The certificate as a PNG of PNG_SIZE."""
    image = Image.new("RGB", PNG_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, PNG_SIZE[0] - 40, PNG_SIZE[1] - 40), outline=ACCENT, width=8)
    y = _centred(draw, 130, gettext("Certificate of completion"), 72, ACCENT)
    y = _centred(draw, y + 30, gettext("This certifies that"), 36, INK)
    y = _centred(draw, y + 10, facts["learner"], 64, INK)
    y = _centred(draw, y + 20, gettext("completed the course"), 36, INK)
    y = _centred(draw, y + 10, facts["course"], 56, INK)
    y = _centred(draw, y + 20, gettext("offered by %(academy)s") % {"academy": facts["academy"]}, 36, INK)
    if facts["competencies"]:
        _centred(draw, y + 30, gettext("Competencies: %(list)s") % {"list": ", ".join(facts["competencies"])}, 30,
                 INK)
    small = _font(28)
    draw.text((140, PNG_SIZE[1] - 300), _png_text(gettext("Issued on %(date)s") % {"date": facts["date"]}),
              font=small, fill=INK)
    draw.text((140, PNG_SIZE[1] - 250), _png_text(gettext("Check this certificate at:")), font=small, fill=INK)
    draw.text((140, PNG_SIZE[1] - 210), facts["verify_url"], font=_font(22), fill=ACCENT)
    buffer = io.BytesIO()
    qr_code(facts["verify_url"]).save(buffer, kind="png", scale=QR_SCALE, border=QR_BORDER)
    image.paste(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"), QR_ORIGIN)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _pdf_text(text: str, unicode_font: bool) -> str:
    # Helvetica, a core PDF font, has only Latin-1: other characters become "?" rather than an error.
    return text if unicode_font else text.encode("latin-1", "replace").decode("latin-1")


def certificate_pdf(facts: dict, *, compress: bool = True) -> bytes:
    """The certificate as a one-page A4 PDF whose text is text (selectable, read aloud), with the QR
    code as an image linked to the verification page."""
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_compression(compress)
    pdf.set_creator("Parley")
    pdf.set_lang(translation.get_language() or settings.LANGUAGE_CODE)
    unicode_font = bool(settings.CERTIFICATE_FONT)
    if unicode_font:
        pdf.add_font("certificate", fname=settings.CERTIFICATE_FONT)
    family = "certificate" if unicode_font else "helvetica"

    def text(value: str) -> str:
        return _pdf_text(value, unicode_font)

    pdf.set_title(text(gettext("Certificate of completion") + f": {facts['course']}"))
    pdf.set_author(text(facts["academy"]))
    pdf.set_subject(text(facts["learner"]))
    pdf.add_page()
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_y(24)

    def line(value: str, size: int, colour=INK, gap: float = 2):
        pdf.set_font(family, size=size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(0, size * 0.5, text(value), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    line(gettext("Certificate of completion"), 30, ACCENT, 6)
    line(gettext("This certifies that"), 14)
    line(facts["learner"], 26, gap=4)
    line(gettext("completed the course"), 14)
    line(facts["course"], 22, gap=4)
    line(gettext("offered by %(academy)s") % {"academy": facts["academy"]}, 14, gap=4)
    if facts["competencies"]:
        line(gettext("Competencies: %(list)s") % {"list": ", ".join(facts["competencies"])}, 12)
    pdf.set_font(family, size=11)
    pdf.set_text_color(*INK)
    pdf.set_xy(20, pdf.h - 48)
    pdf.cell(0, 6, text(gettext("Issued on %(date)s") % {"date": facts["date"]}), new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(20)
    pdf.cell(0, 6, text(gettext("Check this certificate at:")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(20)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 6, text(facts["verify_url"]), link=facts["verify_url"], new_x="LMARGIN", new_y="NEXT")
    buffer = io.BytesIO()
    qr_code(facts["verify_url"]).save(buffer, kind="png", scale=QR_SCALE, border=QR_BORDER)
    buffer.seek(0)
    pdf.image(buffer, x=pdf.w - 20 - 50, y=pdf.h - 20 - 50, w=50, h=50, link=facts["verify_url"],
              alt_text=text(gettext("QR code of the verification page")))
    return bytes(pdf.output())


def certificate_render(*, credential: Credential) -> Certificate | None:
    """The badge's certificate, rendered and stored the first time; the stored one after that (safe to
    run twice, and two workers at once keep one). None for a revoked badge: it is not offered, and its
    certificate was deleted with the revocation (services.credential_revoke)."""
    credential = Credential.objects.select_related("learner", "course", "academy").get(pk=credential.pk)
    if credential.revoked_at is not None:
        return None
    existing = Certificate.objects.filter(credential=credential).first()
    if existing is not None:
        return existing
    # In the site's language: the worker has no request, and the learner's own is not kept.
    with translation.override(settings.LANGUAGE_CODE):
        facts = certificate_facts(credential=credential)
        png, pdf = certificate_png(facts), certificate_pdf(facts)
    try:
        with transaction.atomic():
            return Certificate.objects.create(credential=credential, png=png, pdf=pdf)
    except IntegrityError:  # another worker stored it meanwhile
        return Certificate.objects.get(credential=credential)
