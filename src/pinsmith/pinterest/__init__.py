"""An async client for the Pinterest API v5.

A library: it imports nothing else from pinsmith, so it can talk to Pinterest, Pinterest's
sandbox host or pinsmith's emulator alike (choose by ``api_url``).
"""

from pinsmith.pinterest.client import BoardPrivacy, BoardPrivacyFilter, PinterestClient
from pinsmith.pinterest.errors import (
    BadRequest,
    BoardNotFound,
    Conflict,
    NotFound,
    NotPermitted,
    PinNotFound,
    PinterestError,
    PinterestTimeout,
    RateLimited,
    ReconnectRequired,
    SectionNotFound,
    ServerError,
    TokenExpired,
    Unauthorized,
    UnexpectedResponse,
    UserNotFound,
)
from pinsmith.pinterest.media_sources import (
    CarouselImage,
    ImageBase64,
    ImageUrl,
    MediaSource,
    MultipleImageUrls,
    VideoId,
)
from pinsmith.pinterest.models import (
    Account,
    AnalyticsMetrics,
    Board,
    BoardSection,
    DailyMetrics,
    Media,
    MediaUpload,
    Pin,
    UserSummary,
)
from pinsmith.pinterest.oauth import DEFAULT_SCOPES, PinterestOAuth, authorize_url
from pinsmith.pinterest.retries import RetryPolicy
from pinsmith.pinterest.tokens import AppCredentials, MemoryTokenStore, TokenSet, TokenStore
from pinsmith.pinterest.transport import (
    DEFAULT_API_URL,
    DEFAULT_OAUTH_URL,
    DEFAULT_TIMEOUT,
    SANDBOX_API_URL,
)

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_OAUTH_URL",
    "DEFAULT_SCOPES",
    "DEFAULT_TIMEOUT",
    "SANDBOX_API_URL",
    "Account",
    "AnalyticsMetrics",
    "AppCredentials",
    "BadRequest",
    "Board",
    "BoardNotFound",
    "BoardPrivacy",
    "BoardPrivacyFilter",
    "BoardSection",
    "CarouselImage",
    "Conflict",
    "DailyMetrics",
    "ImageBase64",
    "ImageUrl",
    "Media",
    "MediaSource",
    "MediaUpload",
    "MemoryTokenStore",
    "MultipleImageUrls",
    "NotFound",
    "NotPermitted",
    "Pin",
    "PinNotFound",
    "PinterestClient",
    "PinterestError",
    "PinterestOAuth",
    "PinterestTimeout",
    "RateLimited",
    "ReconnectRequired",
    "RetryPolicy",
    "SectionNotFound",
    "ServerError",
    "TokenExpired",
    "TokenSet",
    "TokenStore",
    "Unauthorized",
    "UnexpectedResponse",
    "UserNotFound",
    "UserSummary",
    "VideoId",
    "authorize_url",
]
