"""Site search, the one page of this app that is not part of the page tree."""

from django.urls import path

from . import views

urlpatterns = [path("", views.search, name="search")]
