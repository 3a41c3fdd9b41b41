"""The directory API's addresses, as the Open Referral UK profile names them (no trailing slash
after a resource); anything else under /openreferral/ answers a JSON 404."""

from django.urls import path

from . import views

app_name = "openreferral"

urlpatterns = [
    path("", views.metadata, name="metadata"),
    path("services", views.services, name="services"),
    path("services/<str:service_id>", views.service, name="service"),
    path("service_at_locations", views.service_at_locations, name="service_at_locations"),
    path("<path:path>", views.not_found, name="not_found"),
]
