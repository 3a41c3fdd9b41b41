"""Co-design's place in the Wagtail admin: the ideas queue (`/ideas/manage/`) in the menu, for
those who look after a centre's ideas."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import selectors


class IdeasMenuItem(MenuItem):
    def is_shown(self, request):
        return selectors.centres_moderated_by(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_ideas_menu_item():
    return IdeasMenuItem(
        "Ideas to look at", reverse("codesign:manage"), name="ideas", icon_name="comment", order=160
    )
