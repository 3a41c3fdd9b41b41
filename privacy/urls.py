"""A person's rights over their data, under their account: see, download, delete."""

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.your_data, name="your_data"),
    path("download/", views.download, name="download"),
    path("download/<str:token>/", views.download_link, name="download_link"),
    path("delete/", views.delete_account, name="delete_account"),
    path("deleted/", views.account_deleted, name="account_deleted"),
]
