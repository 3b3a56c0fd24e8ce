from django.urls import include, path
from django.views.i18n import set_language

from sanxiang.api import api
from sanxiang.org.views import auth, home
from sanxiang.uploads import urls as uploads_urls

urlpatterns = [
    path("", home.home_view, name="home"),
    path("login/", auth.login_view, name="login"),
    path("login/otp/", auth.login_otp_view, name="login_otp"),
    path("login/otp/setup/", auth.otp_setup_view, name="otp_setup"),
    path("logout/", auth.logout_view, name="logout"),
    path("password/change/", auth.password_change_view, name="password_change"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("org/", include("sanxiang.org.urls")),
    path("audit/", include("sanxiang.record.urls")),
    path("cases/", include("sanxiang.cases.urls")),
    path("evidence/", include("sanxiang.evidence.urls")),
    path("devices/", include("sanxiang.devices.urls")),
    path("procedures/", include("sanxiang.procedures.urls")),
    path("catalog/", include("sanxiang.catalog.urls")),
    path("discretion/", include("sanxiang.discretion.urls")),
    path("review/", include("sanxiang.review.urls")),
    path("documents/", include("sanxiang.documents.urls")),
    path("publicity/", include("sanxiang.publicity.urls")),
    # Public, no login: the verification page a document's QR code opens, and the publicity portal.
    path("d/", include("sanxiang.documents.public_urls")),
    path("public/", include("sanxiang.publicity.public_urls")),
    path("uploads/", include(uploads_urls.page_urlpatterns)),
    # Before the JSON API: tus PATCH bodies are streamed by plain views, never parsed by ninja.
    path("api/v1/uploads/", include(uploads_urls.protocol_urlpatterns)),
    path("api/v1/", api.urls),
]
