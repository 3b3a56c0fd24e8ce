from django.conf import settings
from django.contrib.auth.hashers import get_hasher


def test_production_settings_hash_passwords_with_argon2() -> None:
    """GB/T 22239 asks for protected credentials: argon2id is the first (default) hasher."""
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert get_hasher("default").algorithm == "argon2"
