"""The booking form's children: checked against the one read of the family's children that the
form lists, with the answers and refusals Django's own field gives (which asks the database for
each value sent)."""

import pytest
from django import forms

from bookings.forms import ChildrenField
from startwell.models import Child
from tests.factories import ChildFactory, UserFactory

pytestmark = pytest.mark.django_db


def cleaned(field_class, queryset, sent):
    field = field_class(queryset=queryset, required=False)
    try:
        return "ok", [child.pk for child in field.clean(sent)]
    except forms.ValidationError as error:
        return "refused", [(e.code, e.params) for e in error.error_list]


def test_it_takes_and_refuses_what_djangos_field_does():
    parent = UserFactory()
    zoe, ada = (
        ChildFactory(parent=parent, first_name="Zoe"),
        ChildFactory(parent=parent, first_name="Ada"),
    )
    someone_elses = ChildFactory(first_name="Bo")
    own = Child.objects.filter(parent=parent).order_by("first_name")
    sent_values = [
        [],
        [str(ada.pk)],
        [str(zoe.pk), str(ada.pk)],
        [str(ada.pk), str(ada.pk)],
        [str(someone_elses.pk)],
        [str(ada.pk), str(someone_elses.pk)],
        ["999999"],
        ["abc"],
        [" " + str(ada.pk)],
        ["1.5"],
        [str(ada.pk) + "\x00"],
        "not a list",
    ]
    for sent in sent_values:
        theirs = cleaned(forms.ModelMultipleChoiceField, own.all(), sent)
        ours = cleaned(ChildrenField, own.all(), sent)
        assert ours == theirs, sent
    assert cleaned(ChildrenField, own.all(), [str(zoe.pk), str(ada.pk)]) == ("ok", [ada.pk, zoe.pk])


def test_the_list_and_the_check_are_one_read(django_assert_num_queries):
    parent = UserFactory()
    ada = ChildFactory(parent=parent, first_name="Ada")
    field = ChildrenField(queryset=Child.objects.filter(parent=parent).order_by("first_name"))
    with django_assert_num_queries(1):
        assert [label for _, label in field.choices] == [str(ada)]
        assert field.clean([str(ada.pk)]) == [ada]
