"""The parent's side of bookings, mounted before Wagtail's pages (so `/centres/<slug>/calendar.ics`
is answered here, not by the page tree)."""

from django.urls import path

from . import claim_views, views

app_name = "bookings"

urlpatterns = [
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/<int:session_id>/book/", views.book, name="book"),
    path("courses/<int:course_id>/book/", views.book_course, name="book_course"),
    path("bookings/", views.booking_list, name="booking_list"),
    path("bookings/family/", claim_views.claim_list, name="claim_list"),
    path("bookings/family/<int:contact_id>/", claim_views.claim_confirm, name="claim_confirm"),
    path("bookings/<str:reference>/", views.booking_detail, name="booking_detail"),
    path("bookings/<str:reference>/cancel/", views.cancel_booking, name="cancel_booking"),
    path("bookings/<str:reference>/calendar.ics", views.booking_calendar, name="booking_calendar"),
    path("centres/<slug:slug>/calendar.ics", views.centre_calendar, name="centre_calendar"),
]
