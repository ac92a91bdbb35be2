from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, RootModel

from backend.api import RequestModel, ResponseModel
from backend.auth.schemas import AnyPassword, TokenResponse

# A TOTP code (6 digits) or a recovery code (xxxx-xxxx-xxxx); spaces and dashes are ignored.
Code = Annotated[str, Field(min_length=1, max_length=64, description="a TOTP code or a recovery code")]


class TotpEnrollment(ResponseModel):
    secret: str = Field(description="base32, for typing into an authenticator app by hand")
    otpauth_uri: str
    qr_svg: str = Field(description="the otpauth URI as a QR code, an SVG document")


class CodeConfirm(RequestModel):
    code: Code


class RecoveryCodes(ResponseModel):
    recovery_codes: list[str] = Field(
        description="single-use codes for when the authenticator is lost; shown once"
    )


class MfaDisable(RequestModel):
    password: AnyPassword
    code: Code


class MfaLoginRequest(RequestModel):
    mfa_token: Annotated[str, Field(min_length=1, max_length=4096)]
    code: Code
    use_cookie: bool = Field(
        default=False, description="Put the refresh token in an HttpOnly cookie instead of the body (the SPA)"
    )


class MfaChallengeResponse(ResponseModel):
    """A password login of a user with two-factor on: no tokens yet, POST /auth/login/mfa next."""

    mfa_required: Literal[True] = True
    mfa_token: str
    expires_in: int = Field(description="seconds the mfa_token is valid")


class LoginResponse(RootModel[TokenResponse | MfaChallengeResponse]):
    """Tokens, or, for a user with two-factor on, the challenge of the second step."""
