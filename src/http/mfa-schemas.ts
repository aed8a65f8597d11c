// TypeBox schemas of two-factor login: enrollment, confirmation, the second login step, disable,
// and the password step's answer when a code is needed. Codes travel in JSON bodies only.

import { Type, type Static } from 'typebox'
import { TokenResponse } from './schemas.js'
import { CookieTokenResponse } from './routes/deliver.js'

/** A code as typed (spaces allowed); anything but six digits is simply wrong (MFA_CODE_INVALID), not a schema error. */
export const TotpCode = Type.String({ minLength: 1, maxLength: 16, errorMessage: 'must be the 6-digit code from the authenticator app' })
/** A recovery code as typed (`xxxxx-xxxxx`, any case, dashes and spaces ignored). */
export const RecoveryCode = Type.String({ minLength: 1, maxLength: 32, errorMessage: 'must be one of the recovery codes' })

export const TotpEnrollmentView = Type.Object(
  {
    secret: Type.String({ description: 'The shared secret, base32 (RFC 4648 §6): for typing into an authenticator app by hand' }),
    otpauth_uri: Type.String({ description: 'The otpauth://totp/ URI (SHA1, 6 digits, 30 s)' }),
    qr_svg: Type.String({ description: 'The URI as a QR code, an SVG document' }),
  },
  { description: 'Scan the QR code (or type the secret), then confirm with a code' },
)

export const ConfirmTotpBody = Type.Object({ code: TotpCode })
export const RecoveryCodesView = Type.Object(
  { recovery_codes: Type.Array(Type.String(), { description: 'Ten single-use codes, shown this once' }) },
  { description: 'Two-factor login is on' },
)

/** A code or a recovery code: exactly one (checked by the route, VALIDATION_FAILED otherwise). */
export const SecondFactorBody = Type.Object({ code: Type.Optional(TotpCode), recovery_code: Type.Optional(RecoveryCode) })
export type SecondFactorBody = Static<typeof SecondFactorBody>

export const MfaLoginBody = Type.Object({ mfa_token: Type.String({ minLength: 1, maxLength: 256 }), code: Type.Optional(TotpCode), recovery_code: Type.Optional(RecoveryCode) })

export const MfaStatusView = Type.Object({
  enabled: Type.Boolean(),
  /** Enrollment started, not confirmed. */
  pending: Type.Boolean(),
  recovery_codes_left: Type.Integer(),
  /** The user holds a role of MFA_REQUIRED_ROLES. */
  required: Type.Boolean(),
})

/** The password step's answer for an account with two-factor on: no session yet. */
export const MfaChallengeResponse = Type.Object(
  {
    mfa_required: Type.Literal(true),
    mfa_token: Type.String({ description: 'Send it with a code to POST /auth/login/mfa; single use' }),
    expires_in: Type.Integer({ description: 'Seconds the mfa_token works' }),
  },
  { description: 'The password was right; a second factor is needed' },
)

/** A flag the login answer adds when the user must turn two-factor login on (MFA_REQUIRED_ROLES). */
const EnrollmentFlag = { mfa_enrollment_required: Type.Optional(Type.Literal(true)) }

/** POST /auth/login's 200: tokens (in the body or as cookies) or the second-factor challenge. */
export const LoginDelivery = Type.Union([
  Type.Object({ ...TokenResponse.properties, ...EnrollmentFlag }),
  Type.Object({ ...CookieTokenResponse.properties, ...EnrollmentFlag }),
  MfaChallengeResponse,
])
