"""Writes for practitioners: a centre's manager inviting a partner organisation's member of staff
by e-mail to run that organisation's sessions at the centre, and taking the role back. A person
new to the portal gets an account without a password and an e-mail to choose one; everyone
invited is told what they may do and that they will need a second factor."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from cms.models import CentrePage, PartnerOrganisation
from startwell.models import User

from .. import notifications
from ..errors import NOT_MANAGER, ChampionError
from ..models import Practitioner
from ..selectors import manages_centre

GROUP_NAME = "Practitioners"
EMAIL_INVALID = _("Enter an e-mail address, like name@example.org.")
PARTNER_REQUIRED = _("Choose the organisation they work for.")
ALREADY_PRACTITIONER = _(
    "{email} is already a practitioner at {centre}, for {partner}. To change their "
    "organisation, remove that role first."
)


def practitioners_group() -> Group:
    """The group whose permission makes its members practitioners (and so staff, who need a
    second factor). Safe to call again."""
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="parent_champions", codename="run_partner_sessions"
        )
    )
    return group


def _address(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ChampionError(EMAIL_INVALID, field="email") from None
    return email


@transaction.atomic
def invite_practitioner(*, centre_id: int, partner_id: int | None, email: str, by) -> Practitioner:
    if not (by.is_superuser or manages_centre(by, centre_id)):
        raise ChampionError(NOT_MANAGER)
    email = _address(email)
    if partner_id is None:
        raise ChampionError(PARTNER_REQUIRED, field="partner")
    centre = CentrePage.objects.get(pk=centre_id)
    partner = PartnerOrganisation.objects.get(pk=partner_id)
    user = User.objects.filter(email__iexact=email).first()
    is_new = user is None
    if is_new:
        user = User(email=email)
        user.set_unusable_password()
        user.save()
        # The manager vouches for the address, and the only way in is a link or code sent to it.
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    existing = Practitioner.objects.filter(user=user, centre=centre).select_related("partner")
    if (role := existing.first()) is not None:
        raise ChampionError(
            ALREADY_PRACTITIONER.format(
                email=user.email, centre=centre.title, partner=role.partner
            ),
            field="email",
        )
    try:
        with transaction.atomic():
            practitioner = Practitioner.objects.create(
                user=user, partner=partner, centre=centre, invited_by=by
            )
    except IntegrityError:  # invited twice at once
        raise ChampionError(
            ALREADY_PRACTITIONER.format(email=user.email, centre=centre.title, partner=partner),
            field="email",
        ) from None
    user.groups.add(practitioners_group())
    notifications.practitioner_invited(practitioner, new_account=is_new)
    return practitioner


@transaction.atomic
def remove_practitioner(*, practitioner_id: int, by) -> None:
    practitioner = Practitioner.objects.select_related("user").get(pk=practitioner_id)
    if not (by.is_superuser or manages_centre(by, practitioner.centre_id)):
        raise ChampionError(NOT_MANAGER)
    user = practitioner.user
    practitioner.delete()
    if not Practitioner.objects.filter(user=user).exists():
        user.groups.remove(practitioners_group())
