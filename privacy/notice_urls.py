"""`/privacy/`: a stable address for the privacy notice, wherever editors put the page."""

from django.urls import path

from . import views

urlpatterns = [path("", views.privacy_notice, name="privacy_notice")]
