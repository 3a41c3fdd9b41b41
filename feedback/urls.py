"""Feedback URLs, mounted at /feedback/."""

from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.hosted, name="hosted"),
    path("manage/", views.manage, name="manage"),
    path("comments/<int:pk>/check/", views.check_comment, name="check_comment"),
    path("<str:token>/", views.give, name="give"),
]
