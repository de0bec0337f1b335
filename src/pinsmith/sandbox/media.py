"""``/v5/media``: the video upload flow, with the S3-style upload served by the sandbox itself.

1. ``POST /v5/media`` registers an upload and answers where to send the file and with which form
   fields (an S3 presigned POST on Pinterest; ``/_sandbox/media-upload/{id}`` here).
2. The file goes there as multipart, with every ``upload_parameters`` field and then ``file``
   (S3 ignores the fields after the file).
3. ``GET /v5/media/{id}`` moves ``registered`` -> ``processing`` -> ``succeeded`` (or ``failed``
   for an empty or non-video file) on the sandbox clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from starlette.datastructures import FormData, UploadFile

from pinsmith.sandbox.auth import Caller, authorized
from pinsmith.sandbox.entities import Media
from pinsmith.sandbox.errors import Problem, SandboxError
from pinsmith.sandbox.images import looks_like_video
from pinsmith.sandbox.pagination import Paging, paginate
from pinsmith.sandbox.params import MediaId, SandboxDep
from pinsmith.sandbox.routing import SandboxRoute
from pinsmith.sandbox.schemas import MediaUploadCreate
from pinsmith.sandbox.views import View

router = APIRouter(prefix="/v5/media", route_class=SandboxRoute, tags=["media"])
upload_router = APIRouter(prefix="/_sandbox", route_class=SandboxRoute, tags=["sandbox"])

MediaReader = Annotated[Caller, Depends(authorized("org_read", "pins:read"))]
MediaWriter = Annotated[Caller, Depends(authorized("org_write", "pins:read", "pins:write"))]

UPLOAD_LIFETIME = timedelta(hours=1)


@router.post("", status_code=status.HTTP_201_CREATED)
async def register_media(
    body: MediaUploadCreate, caller: MediaWriter, sandbox: SandboxDep, view: View
) -> dict[str, Any]:
    media = sandbox.register_media(caller.user.id)
    return {
        "media_id": media.id,
        "media_type": media.media_type,
        "upload_url": view.url(f"/_sandbox/media-upload/{media.id}"),
        "upload_parameters": upload_parameters(media),
    }


@router.get("")
async def list_media(
    caller: MediaReader, sandbox: SandboxDep, view: View, page: Paging
) -> dict[str, Any]:
    return paginate(sandbox.media_of(caller.user.id), page, view.media, newest_first=True)


@router.get("/{media_id}")
async def get_media(
    media_id: MediaId, caller: MediaReader, sandbox: SandboxDep, view: View
) -> dict[str, Any]:
    media = sandbox.media(media_id)
    if media is None or media.owner_id != caller.user.id:
        raise SandboxError(Problem.MEDIA_NOT_FOUND)
    return view.media(media)


def upload_parameters(media: Media) -> dict[str, str]:
    """The form fields of an S3 presigned POST, signed with the media's own secret."""
    policy = policy_of(media)
    amz_date = media.created_at.strftime("%Y%m%dT%H%M%SZ")
    return {
        "Content-Type": "multipart/form-data",
        "key": media.upload_key,
        "policy": policy,
        "x-amz-algorithm": "AWS4-HMAC-SHA256",
        "x-amz-credential": f"SANDBOX/{amz_date[:8]}/us-east-1/s3/aws4_request",
        "x-amz-date": amz_date,
        "x-amz-security-token": hashlib.sha256(f"token:{media.upload_secret}".encode()).hexdigest(),
        "x-amz-signature": signature(media, policy),
    }


def policy_of(media: Media) -> str:
    expires = media.created_at + UPLOAD_LIFETIME
    document = {
        "expiration": expires.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "conditions": [{"bucket": "pinsmith-sandbox-media"}, {"key": media.upload_key}],
    }
    return base64.b64encode(json.dumps(document, separators=(",", ":")).encode()).decode()


def signature(media: Media, policy: str) -> str:
    return hmac.new(media.upload_secret.encode(), policy.encode(), hashlib.sha256).hexdigest()


def s3_error(status_code: int, code: str, message: str) -> Response:
    """S3 answers errors in XML; the upload URL is S3's, not the Pinterest API's."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    )
    return Response(body, status_code=status_code, media_type="application/xml")


def fields_before_file(form: FormData) -> tuple[dict[str, str], UploadFile | str | None]:
    """The text fields and the ``file`` of an S3 POST form. S3 ignores whatever comes after the
    file, so a signed field sent after it counts as missing."""
    fields: dict[str, str] = {}
    for name, value in form.multi_items():
        if name == "file":
            return fields, value
        if isinstance(value, str):
            fields[name] = value
    return fields, None


@upload_router.post("/media-upload/{media_id}", status_code=status.HTTP_204_NO_CONTENT)
async def upload_media(media_id: MediaId, request: Request, sandbox: SandboxDep) -> Response:
    """Accept the file like S3 does: 204 with the form right, 403 with a wrong signature."""
    media = sandbox.media(media_id)
    if media is None:
        return s3_error(404, "NoSuchUpload", "The specified upload does not exist.")
    async with request.form() as form:
        fields, upload = fields_before_file(form)
        expected = upload_parameters(media)
        wrong = [
            name
            for name, value in expected.items()
            if name != "Content-Type" and fields.get(name) != value
        ]
        if wrong:
            return s3_error(403, "AccessDenied", f"Invalid according to Policy: {', '.join(wrong)}")
        if sandbox.now() > media.created_at + UPLOAD_LIFETIME:
            return s3_error(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
        if not isinstance(upload, UploadFile):
            return s3_error(
                400, "InvalidArgument", "POST requires exactly one file upload per request."
            )
        data = await upload.read()
        content_type = upload.content_type or "application/octet-stream"
    stored = sandbox.store_file(content_type, data)
    media.file_id, media.uploaded_at = stored.id, sandbox.now()
    media.is_video = bool(data) and looks_like_video(data)
    sandbox.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
