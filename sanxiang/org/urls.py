from django.urls import path

from sanxiang.org.views import certificates, roster, staff

app_name = "org"

urlpatterns = [
    path("staff/", staff.staff_list_view, name="staff_list"),
    path("staff/new/", staff.staff_create_view, name="staff_create"),
    path("staff/<int:pk>/", staff.staff_detail_view, name="staff_detail"),
    path("staff/<int:pk>/edit/", staff.staff_edit_view, name="staff_edit"),
    path("staff/<int:pk>/active/", staff.staff_set_active_view, name="staff_set_active"),
    path("staff/<int:pk>/password/", staff.staff_reset_password_view, name="staff_reset_password"),
    path("staff/<int:pk>/roles/", staff.staff_roles_view, name="staff_roles"),
    path("staff/<int:pk>/unlock/", staff.staff_unlock_view, name="staff_unlock"),
    path("staff/<int:pk>/mfa-reset/", staff.staff_mfa_reset_view, name="staff_mfa_reset"),
    path("staff/<int:pk>/training/new/", staff.training_create_view, name="training_create"),
    path("certificates/", certificates.certificate_list_view, name="certificate_list"),
    path("certificates/new/", certificates.certificate_create_view, name="certificate_create"),
    path("certificates/<int:pk>/", certificates.certificate_detail_view, name="certificate_detail"),
    path("certificates/<int:pk>/edit/", certificates.certificate_edit_view, name="certificate_edit"),
    path("certificates/<int:pk>/status/", certificates.certificate_status_view, name="certificate_status"),
    path("certificates/<int:pk>/photo/", certificates.certificate_photo_view, name="certificate_photo"),
    path("roster/export.xlsx", roster.roster_export_view, name="roster_export"),
    path("roster/template.xlsx", roster.roster_template_view, name="roster_template"),
    path("roster/import/", roster.roster_import_view, name="roster_import"),
]
