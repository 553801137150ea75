"""What records keeps about a person, for the account export and deletion (accounts/privacy.py).

Export: the learner's opaque LRS name and every statement about them (id, verb, what it was about,
whether and when it was sent). Deletion, inside the deletion's transaction:

- statements not sent yet, or refused, are deleted: they never leave Parley;
- each statement already sent is voided (a voiding statement from the academy, queued like any) and
  its row deleted: xAPI statements cannot be changed or deleted through the xAPI, and voiding is what
  the specification gives; the LRS keeps voided statements out of its ordinary answers;
- the learner's Actor row is deleted, so the name the LRS knows them by no longer leads to anyone.
"""
from django.utils import timezone

from accounts.privacy import PrivacyPart

from .models import Actor, Statement
from .services import statements_write, voiding_rows

RECORDS = {
    "records.Actor.user": "exported (the opaque name the LRS knows); deleted with the account",
    "records.Statement.learner": "exported (id, verb, object, delivery); unsent ones deleted, sent ones voided "
                                 "in the LRS and deleted",
}


def records_export(*, learner_id: int) -> dict:
    """The LRS name and the statements: two queries."""
    name = Actor.objects.filter(user_id=learner_id).values_list("name", flat=True).first()
    rows = Statement.objects.filter(learner_id=learner_id).order_by("id").values(
        "statement_id", "verb", "body", "status", "created_at", "sent_at", "voided")
    return {
        "learning_records": {
            "lrs_name": str(name) if name else None,
            "statements": [{"id": str(row["statement_id"]), "verb": row["verb"],
                            "object": row["body"].get("object", {}).get("id"), "status": row["status"],
                            "voided": row["voided"], "created_at": row["created_at"], "sent_at": row["sent_at"]}
                           for row in rows],
        },
    }


def records_anonymise(*, learner_id: int, now=None) -> dict:
    now = now or timezone.now()
    mine = Statement.objects.filter(learner_id=learner_id)
    sent = list(mine.filter(status=Statement.Status.SENT).values_list("statement_id", "academy_id"))
    deleted, _ = mine.delete()
    # Voiding statements name the academy, not the learner: they are kept, and sent like any.
    statements_write(voiding_rows(targets=sent, now=now))
    actors, _ = Actor.objects.filter(user_id=learner_id).delete()
    return {"statements_deleted": deleted, "statements_voided": len(sent), "lrs_names_deleted": actors}


PART = PrivacyPart(app="records", records=RECORDS, export=records_export, anonymise=records_anonymise,
                   export_queries=2)
