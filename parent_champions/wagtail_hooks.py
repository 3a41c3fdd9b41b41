"""The champions' management (`/champions/manage/`) in the Wagtail admin menu, for the centres'
managers: applications, checks, hosting and the register log."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.selectors import centres_managed_by


class ChampionsMenuItem(MenuItem):
    def is_shown(self, request):
        return centres_managed_by(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_champions_menu_item():
    return ChampionsMenuItem(
        "Parent champions",
        reverse("parent_champions:manage"),
        name="parent-champions",
        icon_name="group",
        order=170,
    )
