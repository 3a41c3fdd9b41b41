"""The family's three quick questions. Plain labels, radio buttons, and one optional box."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import COMMENT_MAX_LENGTH, ComeAgain, Rating


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("How was it?"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how it was: good, OK or not good.")},
    )
    come_again = forms.ChoiceField(
        label=_("Would you come again?"),
        choices=ComeAgain.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you would come again.")},
    )
    comment = forms.CharField(
        label=_("Anything to tell the centre? (you can leave this empty)"),
        help_text=_(
            "The centre's managers read it without your name. Please do not write "
            "anyone's name or health details."
        ),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": format_lazy(
                _("Keep it to {most} characters or fewer."), most=COMMENT_MAX_LENGTH
            )
        },
    )


class CheckCommentForm(forms.Form):
    decision = forms.ChoiceField(choices=[("publish", "Share"), ("reject", "Keep to managers")])
