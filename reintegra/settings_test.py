"""Test settings: demo mode on (no production refusals), fast hashing, in-memory files."""

import os
import tempfile

os.environ.setdefault("REINTEGRA_DEMO", "1")

from reintegra.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="reintegra-test-media-")  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
LANGUAGE_CODE = "en"
