"""Reading uploads: an upload exists only for its owner."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _

from sanxiang.org.models import User
from sanxiang.uploads.models import Upload
from sanxiang.uploads.protocol import TusError


def upload_get_for_user(user: User, upload_id: uuid.UUID) -> Upload:
    """The upload ``upload_id`` of ``user``; 404 when missing or someone else's (the two look the same)."""
    upload = Upload.objects.filter(pk=upload_id, owner=user).first()
    if upload is None:
        raise TusError(404, _("There is no such upload."))
    return upload
