"""The champions app's refusal, and the messages more than one of its modules give."""

from django.utils.translation import gettext_lazy as _

from startwell.errors import ApplicationError


class ChampionError(ApplicationError):
    """A champions rule refused the request; `message` is written for the person asking."""


FIELD_REQUIRED = _("Please fill this in.")
NOT_MANAGER = _("Only the centre's managers can do this.")
SUSPENDED = _(
    "Your champion role at {centre} is suspended, so you cannot run registers or sessions. "
    "Please talk to the centre manager."
)
CHECKS_LAPSED = _(
    "Your DBS check or safeguarding training is not current, so you cannot run sessions for "
    "children. Please talk to the centre manager to renew them."
)
NOT_HOST = _("You can only create and change sessions for the activities you host.")
