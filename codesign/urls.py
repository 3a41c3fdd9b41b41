"""Co-design URLs, mounted at /ideas/."""

from django.urls import path

from . import views

app_name = "codesign"

urlpatterns = [
    path("", views.idea_list, name="list"),
    path("new/", views.idea_new, name="new"),
    path("you-said-we-did/", views.you_said_we_did, name="you_said_we_did"),
    path("manage/", views.manage, name="manage"),
    path("manage/centres/<int:centre_id>/settings/", views.centre_settings, name="settings"),
    path("<int:pk>/", views.idea_detail, name="detail"),
    path("<int:pk>/support/", views.idea_support, name="support"),
    path("<int:pk>/unsupport/", views.idea_unsupport, name="unsupport"),
    path("<int:pk>/comments/", views.idea_comment, name="comment"),
    path("<int:pk>/withdraw/", views.idea_withdraw, name="withdraw"),
    path("<int:pk>/notifications/", views.idea_notifications, name="notifications"),
    path("<int:pk>/moderate/", views.idea_moderate, name="moderate"),
    path("<int:pk>/review/", views.idea_review, name="review"),
    path("<int:pk>/decide/", views.idea_decide, name="decide"),
    path("comments/<int:pk>/report/", views.comment_report, name="report_comment"),
    path("comments/<int:pk>/hide/", views.comment_hide, name="hide_comment"),
    path("comments/<int:pk>/restore/", views.comment_restore, name="restore_comment"),
]
