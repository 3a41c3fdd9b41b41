"""Forms for co-design. They parse and explain; the rules themselves are in services.py."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cms.models import ActivityPage
from startwell.forms import PageChoiceField, SingleLineCharField

from .models import (
    COMMENT_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    PUBLIC_STATUSES,
    TITLE_MAX_LENGTH,
    Audience,
    IdeaStatus,
)
from .selectors import DEFAULT_SORT, SORTS, ideas_centres


def _too_long(limit: int) -> dict:
    # Django fills in %(show_value)d when the form is checked, in the language of the request.
    return {
        "max_length": format_lazy(
            _("Keep this to {limit} characters or fewer (you have %(show_value)d)."), limit=limit
        )
    }


class IdeaForm(forms.Form):
    centre = PageChoiceField(
        label=_("Centre"),
        queryset=ideas_centres(),
        empty_label=_("Choose a centre"),
        error_messages={
            "required": _("Choose the centre your idea is for."),
            "invalid_choice": _("Choose one of our centres."),
        },
    )
    title = SingleLineCharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=format_lazy(
            _("Up to {limit} characters. For example: Dads' breakfast club"), limit=TITLE_MAX_LENGTH
        ),
        error_messages={
            "required": _("Give your idea a short title."),
            **_too_long(TITLE_MAX_LENGTH),
        },
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=DESCRIPTION_MAX_LENGTH,
        help_text=_("What would happen, and why would it help families?"),
        error_messages={
            "required": _("Tell us a little about your idea."),
            **_too_long(DESCRIPTION_MAX_LENGTH),
        },
    )
    audience = forms.ChoiceField(
        label=_("Who is it for?"),
        choices=[("", _("Choose who it is for")), *Audience.choices],
        error_messages={"required": _("Choose who the idea is for.")},
    )
    suggested_times = SingleLineCharField(
        label=_("Suggested days and times (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: Tuesday mornings, or after school on Fridays"),
        error_messages=_too_long(200),
    )
    can_help = forms.BooleanField(label=_("I could help run this"), required=False)
    help_offer = forms.CharField(
        label=_("How could you help? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only the centre's team sees this. For example: I play guitar, I speak Polish"),
        error_messages=_too_long(500),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Add a comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=COMMENT_MAX_LENGTH,
        error_messages={"required": _("Write a comment first."), **_too_long(COMMENT_MAX_LENGTH)},
    )


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        widget=forms.RadioSelect,
        choices=[
            ("publish", _("Publish it so parents can support it")),
            ("reject", _("Turn it down")),
        ],
        error_messages={"required": _("Choose whether to publish it or turn it down.")},
    )
    reason = forms.CharField(
        label=_("Reason for turning it down"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=DESCRIPTION_MAX_LENGTH,
        help_text=_(
            "The parent who proposed it will see this. Be kind and say what they could do."
        ),
        error_messages=_too_long(DESCRIPTION_MAX_LENGTH),
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a decision.")},
    )
    response = forms.CharField(
        label=_("What will happen, or why not"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=DESCRIPTION_MAX_LENGTH,
        help_text=_("Everyone will see this next to the idea."),
        error_messages=_too_long(DESCRIPTION_MAX_LENGTH),
    )

    activity = PageChoiceField(
        label=_("Activity (when scheduling)"),
        queryset=ActivityPage.objects.none(),
        required=False,
        empty_label=_("Choose an activity"),
        help_text=_("The activity that came from this idea; its sessions will show next to it."),
        error_messages={"invalid_choice": _("Choose one of this centre's activities.")},
    )

    def __init__(self, *args, choices, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = choices
        self.fields["activity"].queryset = ActivityPage.objects.descendant_of(centre).order_by(
            "title"
        )


class IdeaSettingsForm(forms.Form):
    support_threshold = forms.IntegerField(
        label=_("Supporters needed for review"),
        min_value=1,
        max_value=1000,
        help_text=_(
            "When an open idea has this many supporters, it goes to review and you are told."
        ),
        error_messages={
            "required": _("Enter a number of supporters."),
            "invalid": _("Enter a whole number, like 10."),
            "min_value": _("The threshold must be at least 1."),
            "max_value": _("Keep the threshold to 1000 or fewer."),
        },
    )


class IdeaFilterForm(forms.Form):
    """The listing's filters. Unknown values are ignored rather than refused."""

    centre = PageChoiceField(queryset=ideas_centres(), required=False, empty_label=_("All centres"))
    status = forms.ChoiceField(
        required=False,
        choices=[("", _("Any status"))]
        + [(status.value, status.label) for status in IdeaStatus if status in PUBLIC_STATUSES],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(key, label) for key, (label, _ordering) in SORTS.items()],
        initial=DEFAULT_SORT,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
