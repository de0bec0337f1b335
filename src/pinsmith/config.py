"""Settings from the environment (prefix ``PINSMITH_``), checked once at start.

Every problem becomes a ``ConfigError`` with a one-line message, so a bad setting stops pinsmith
with a sentence instead of a traceback.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import Annotated, Any

import limits
from platformdirs import user_data_path
from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url

from pinsmith.kit.crypto import generate_secret_key, is_valid_secret_key
from pinsmith.kit.db import is_sqlite_url, normalize_database_url
from pinsmith.kit.errors import ConfigError
from pinsmith.kit.files import write_private
from pinsmith.kit.rate_limit import is_storage_url
from pinsmith.kit.schemas import Timezone
from pinsmith.quotas.plans import PlanName

SECRET_KEYS_FILE = "secret_keys"  # noqa: S105 - a file name
DATABASE_FILE = "pinsmith.db"


def default_data_dir() -> Path:
    """``~/.local/share/pinsmith`` on Linux, ``~/Library/Application Support/pinsmith`` on macOS."""
    return user_data_path("pinsmith", appauthor=False)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PINSMITH_", extra="ignore", frozen=True)

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""  # empty: a SQLite file in data_dir
    secret_keys: Annotated[list[str], NoDecode] = Field(default_factory=list, repr=False)
    public_url: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:8000")
    media_dir: Path | None = None  # None: data_dir / "media"
    allow_private_urls: bool = False
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    session_max_age_seconds: int = Field(default=14 * 24 * 3600, gt=0)
    default_plan: PlanName = PlanName.STARTER
    default_daily_pin_limit: int = Field(default=2, ge=0)
    default_timezone: Timezone = "UTC"
    log_level: str = "info"
    # Per-IP request limits, in the `limits` notation ("30/minute"); off with RATE_LIMITS_ENABLED=0.
    rate_limits_enabled: bool = True
    rate_limit_storage_url: str = "memory://"  # redis://host:6379 to share them between servers
    rate_limit_default: str = "200/minute"
    rate_limit_pin_create: str = "30/minute"
    rate_limit_pin_bulk: str = "10/minute"
    rate_limit_upload: str = "30/minute"
    # Pinterest: the real API by default; Pinterest's sandbox host or pinsmith's own by URL.
    pinterest_api_url: AnyHttpUrl = AnyHttpUrl("https://api.pinterest.com/v5")
    pinterest_oauth_url: AnyHttpUrl = AnyHttpUrl("https://www.pinterest.com/oauth/")
    pinterest_client_id: str = ""
    pinterest_client_secret: SecretStr = SecretStr("")
    pinterest_redirect_uri: AnyHttpUrl | None = None  # default: PUBLIC_URL + /auth/callback
    # Pinterest's org_write budget per account: publishing spaces each profile's writes by it.
    pinterest_writes_per_minute: int = Field(default=100, gt=0)
    # Each call to Pinterest gives up after this long (connecting: at most 5 s of it).
    pinterest_timeout_seconds: float = Field(default=30.0, gt=0)
    publish_now_wait_seconds: float = Field(default=30.0, gt=0)  # POST /pins/{id}/publish
    # Between the two looks at a board after an unknown outcome (Pinterest's listings lag).
    publish_reconcile_delay_seconds: float = Field(default=5.0, ge=0)
    auto_approve: bool = False  # new accounts from the OAuth login need no admin approval
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    max_image_pixels: int = Field(default=40_000_000, gt=0)
    # The background worker: in-process with `serve` unless WORKER_ENABLED=0 (or --no-worker).
    worker_enabled: bool = True
    worker_concurrency: int = Field(default=4, ge=1)
    worker_poll_seconds: float = Field(default=1.0, gt=0)  # fallback when no wake-up arrives
    worker_lease_seconds: int = Field(default=300, ge=10)  # renewed while the job runs
    worker_grace_seconds: float = Field(default=8.0, ge=0)  # on stop: let running jobs finish
    # A template's photo (imageURL): fetched through the SSRF-safe client within these limits;
    # its pixel count is capped by max_image_pixels, like uploads (a decompression bomb).
    render_max_image_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    render_fetch_timeout_seconds: float = Field(default=15.0, gt=0)
    max_custom_templates: int = Field(default=200, ge=0)  # per account
    # Board selection: how long a profile's boards (and their sections) are kept between looks
    # at Pinterest; our own new boards join the kept list at once.
    board_cache_seconds: float = Field(default=300.0, ge=0)
    # An OpenAI-compatible LLM (POST {llm_url}/chat/completions) re-ranks the local ranker's best
    # boards and names new ones; off unless both URL and model are set. The operator sets the
    # URL, so it is called directly, not through the SSRF-safe client.
    llm_url: AnyHttpUrl | None = None
    llm_model: str = ""
    llm_api_key: SecretStr = SecretStr("")
    llm_timeout_seconds: float = Field(default=10.0, gt=0)

    @field_validator("secret_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    @field_validator("secret_keys")
    @classmethod
    def _check_keys(cls, keys: list[str]) -> list[str]:
        for position, key in enumerate(keys, start=1):
            if not is_valid_secret_key(key):
                raise ValueError(
                    f"key {position} is not a Fernet key (32 url-safe base64 bytes); "
                    "make one with `pinsmith secret-key`"
                )
        return keys

    @field_validator(
        "rate_limit_default", "rate_limit_pin_create", "rate_limit_pin_bulk", "rate_limit_upload"
    )
    @classmethod
    def _check_rate_limit(cls, value: str) -> str:
        try:
            limits.parse(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a rate limit such as '30/minute'") from exc
        return value

    @field_validator("rate_limit_storage_url")
    @classmethod
    def _check_rate_limit_storage(cls, url: str) -> str:
        if not is_storage_url(url):
            raise ValueError(f"{url!r} is not a rate limit storage: use memory:// or redis://HOST")
        return url

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, url: str) -> str:
        if not url:
            return url
        normalized = normalize_database_url(url)
        if is_sqlite_url(normalized) and make_url(normalized).database in (None, "", ":memory:"):
            raise ValueError(
                "an SQLite URL needs a file (sqlite:///PATH): an in-memory database would lose "
                "everything when pinsmith stops"
            )
        return normalized

    @model_validator(mode="after")
    def _llm_needs_url_and_model(self) -> Settings:
        if (self.llm_url is None) != (not self.llm_model.strip()):
            raise ValueError(
                "PINSMITH_LLM_URL and PINSMITH_LLM_MODEL go together: set both to rank boards "
                "with an LLM, or neither"
            )
        return self

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        # frozen model: derived defaults are set once, here, before anyone reads them
        if not self.database_url:
            url = f"sqlite+aiosqlite:///{self.data_dir / DATABASE_FILE}"
            object.__setattr__(self, "database_url", url)
        if self.media_dir is None:
            object.__setattr__(self, "media_dir", self.data_dir / "media")
        if not self.secret_keys:
            if not is_sqlite_url(self.database_url):
                raise ValueError(
                    "PINSMITH_SECRET_KEYS must be set when the database is not SQLite, so every "
                    "server and worker shares it; make one with `pinsmith secret-key`"
                )
            object.__setattr__(self, "secret_keys", [_stored_secret_key(self.data_dir)])
        return self

    @property
    def media_path(self) -> Path:
        assert self.media_dir is not None  # filled by _fill_defaults
        return self.media_dir

    @property
    def llm_enabled(self) -> bool:
        return self.llm_url is not None and bool(self.llm_model.strip())

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite_url(self.database_url)

    @property
    def pinterest_callback_url(self) -> str:
        """Where Pinterest sends the user back after the consent page: registered with the app."""
        if self.pinterest_redirect_uri is not None:
            return str(self.pinterest_redirect_uri)
        return str(self.public_url).rstrip("/") + "/auth/callback"

    @property
    def cookies_secure(self) -> bool:
        return self.public_url.scheme == "https"


def _stored_secret_key(data_dir: Path) -> str:
    """The key generated on the first run of a default SQLite setup, kept beside the database."""
    path = data_dir / SECRET_KEYS_FILE
    if not path.is_file():
        # If another process generated it first, theirs is kept and used.
        with suppress(FileExistsError):
            write_private(path, generate_secret_key() + "\n", replace=False)
    key = path.read_text(encoding="ascii").strip()
    if not is_valid_secret_key(key):
        raise ValueError(f"{path} does not hold a valid key; remove it or set the variable")
    return key


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment (and overrides), or a ConfigError that reads as one line."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_one_line(exc)) from None
    except OSError as exc:
        raise ConfigError(f"cannot prepare the data directory: {exc}") from None


def _one_line(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors(include_url=False):
        field = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        name = f"PINSMITH_{field.upper()}: " if field else ""
        problems.append(f"{name}{message}")
    return "invalid settings: " + "; ".join(problems)
