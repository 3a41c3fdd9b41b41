"""Every single-line text field in the portal's forms refuses line breaks: a new form cannot
forget it, because this walks every form class the apps define. In the Wagtail admin, the
pages, inline rows and snippets the portal defines do the same."""

import importlib
import importlib.util
import inspect

import pytest
from django import forms
from django.apps import apps
from django.core.mail import send_mail
from django.urls import reverse
from wagtail.models import get_page_models
from wagtail.snippets.models import get_snippet_models
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from cms.models import Footprint
from startwell.admin_forms import SingleLineFieldsMixin
from startwell.forms import SingleLineCharField, refuse_line_breaks
from startwell.limits import LINE_BREAK_REFUSED
from tests.accounts import activate_totp
from tests.factories import UserFactory, VenueFactory

OUR_APPS = [
    "startwell",
    "cms",
    "bookings",
    "codesign",
    "parent_champions",
    "feedback",
    "reports",
    "privacy",
]
# Every forms module of every app, found rather than listed, so a new one is checked too.
FORM_MODULES = [
    f"{app}.{name}"
    for app in OUR_APPS
    for name in ("forms", "admin_forms")
    if importlib.util.find_spec(f"{app}.{name}") is not None
]
# Typed into a field but never shown or sent as a line of text: the amount is parsed as money.
NOT_TEXT = {("BookingForm", "amount"), ("FamilyBookingForm", "amount")}


def our_forms():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                yield cls


def single_line_text_fields():
    for form in our_forms():
        for name, field in form.base_fields.items():
            if (
                type(field) in (forms.CharField, SingleLineCharField)
                and not isinstance(field.widget, forms.Textarea)
                and (form.__name__, name) not in NOT_TEXT
            ):
                yield pytest.param(field, id=f"{form.__name__}.{name}")


def test_the_walk_finds_every_forms_module():
    assert {"bookings.forms", "bookings.admin_forms", "parent_champions.forms"} <= set(FORM_MODULES)


def test_the_walk_finds_the_fields_people_reported():
    found = {p.id for p in single_line_text_fields()}
    reported = {"MessageForm.subject", "IdeaForm.title", "WalkInForm.label", "ChildForm.first_name"}
    assert reported <= found


@pytest.mark.parametrize("field", single_line_text_fields())
def test_each_single_line_field_refuses_line_breaks(field):
    assert refuse_line_breaks in field.validators
    for value in ["one\r\ntwo", "one\ntwo", "one\rtwo"]:
        with pytest.raises(forms.ValidationError, match=LINE_BREAK_REFUSED):
            field.clean(value)
    assert field.clean("Just one line") == "Just one line"


def test_a_subject_built_from_a_title_with_a_line_break_is_still_delivered(
    db, settings, mailoutbox, django_capture_on_commit_callbacks
):
    """Page titles are Wagtail's own fields: the e-mail queue puts subjects on one line."""
    settings.EMAIL_BACKEND = "startwell.mail.QueuedEmailBackend"

    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Booking confirmed: Stay\r\nand play", "Body", None, ["parent@example.org"])

    [message] = mailoutbox
    assert message.subject == "Booking confirmed: Stay and play"


@pytest.fixture
def admin_client(client, manager, manager_totp):
    client.force_login(manager)
    return client


def test_the_admin_refuses_a_line_break_in_a_centres_title_and_a_venues_name(admin_client, centre):
    VenueFactory(centre=centre, name="School hall")
    url = reverse("wagtailadmin_pages:edit", args=[centre.pk])
    data = querydict_from_html(admin_client.get(url).content.decode(), form_id="page-edit-form")
    data.update(nested_form_data({"body": streamfield([])}))
    data["title"] = "Northfield\r\nCentre"
    data["venues-0-name"] = "School\nhall"
    data["action-publish"] = "action-publish"
    revisions = centre.revisions.count()

    response = admin_client.post(url, data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["title"] == [LINE_BREAK_REFUSED]
    assert form.formsets["venues"].forms[0].errors["name"] == [LINE_BREAK_REFUSED]
    assert LINE_BREAK_REFUSED in response.content.decode()
    centre.refresh_from_db()
    assert centre.title == "Northfield Centre"
    assert centre.revisions.count() == revisions
    assert centre.venues.get().name == "School hall"


def test_the_admin_keeps_text_areas_multi_line(admin_client, centre):
    """An address or opening times are several lines: only single-line fields refuse."""
    url = reverse("wagtailadmin_pages:edit", args=[centre.pk])
    data = querydict_from_html(admin_client.get(url).content.decode(), form_id="page-edit-form")
    data.update(nested_form_data({"body": streamfield([])}))
    data["opening_times"] = "Monday: 9:00 to 16:00\r\nTuesday: 9:00 to 12:00"
    data["action-publish"] = "action-publish"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    centre.refresh_from_db()
    assert centre.opening_times.splitlines() == ["Monday: 9:00 to 16:00", "Tuesday: 9:00 to 12:00"]


def test_every_page_type_and_snippet_we_own_keeps_its_single_lines(db):
    owned = [m for m in apps.get_app_config("cms").get_models() if m in get_page_models()]
    owned += [m for m in get_snippet_models() if m._meta.app_label == "cms"]
    assert owned
    for model in owned:
        assert issubclass(model.base_form_class, SingleLineFieldsMixin), model


def test_the_admin_refuses_a_line_break_in_a_snippets_name(admin_client, settings):
    """Superusers keep the footprints."""
    superuser = UserFactory(is_superuser=True)
    activate_totp(superuser)
    admin_client.force_login(superuser)
    url = reverse("wagtailsnippets_cms_footprint:add")

    response = admin_client.post(url, {"name": "North\rfield", "description": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [LINE_BREAK_REFUSED]
    assert not Footprint.objects.filter(name__startswith="North").exists()
