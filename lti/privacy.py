"""What lti keeps about a person, for the account export and deletion (accounts/privacy.py): the links
from the LMSs' ids of them to their account, and the scores waiting for or sent to an LMS gradebook."""
from accounts.privacy import PrivacyPart

from .models import LtiAccount, ScoreDelivery

RECORDS = {
    "lti.LtiAccount.user": "exported (issuer, when made, last launch); deleted with the account, so the "
                           "LMS's id of the person is no longer kept and a later launch makes a new account",
    "lti.ScoreDelivery.learner": "exported (score, state, when); deleted with the account (the LMS keeps what "
                                 "it was sent)",
    "lti.Registration.created_by": "not the person's data: the registration is the academy's; the deleted "
                                   "account's anonymised row stays its author",
}


def lti_export(*, learner_id: int) -> dict:
    """Two queries."""
    return {
        "lms_accounts": list(LtiAccount.objects.filter(user_id=learner_id).order_by("id")
                             .values("issuer", "created_at", "last_launch_at")),
        "lms_scores": list(ScoreDelivery.objects.filter(learner_id=learner_id).order_by("id")
                           .values("line_item__exercise_id", "score_given", "score_maximum", "state", "timestamp")),
    }


def lti_anonymise(*, learner_id: int, now) -> dict:
    accounts, _ = LtiAccount.objects.filter(user_id=learner_id).delete()
    scores, _ = ScoreDelivery.objects.filter(learner_id=learner_id).delete()
    return {"lms_accounts_deleted": accounts, "lms_scores_deleted": scores}


PART = PrivacyPart(app="lti", records=RECORDS, export=lti_export, anonymise=lti_anonymise, export_queries=2)
