//! Access tokens: HS256/HS384/HS512 JWTs in the format Twilio's helper
//! libraries mint (`cty: twilio-fpa;v=1`, `iss` = API key SID, `sub` = account
//! SID, `grants.identity`, `grants.chat.service_sid`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use parley_protocol::token::{AccessTokenClaims, ChatGrant, Grants, ACCESS_TOKEN_CTY};
use parley_protocol::ErrorCode;
use serde::Deserialize;
use sha2::{Sha256, Sha384, Sha512};

/// Why a token was refused; each reason has Twilio's code for it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Not three base64url parts of JSON, or required claims missing.
    #[error("access token is malformed")]
    Malformed,
    /// `alg` is not an HMAC algorithm we accept (this includes `none`).
    #[error("access token algorithm {0:?} is not accepted")]
    Algorithm(String),
    /// `cty` is missing or is not `twilio-fpa;v=1`.
    #[error("access token content type must be {ACCESS_TOKEN_CTY:?}")]
    ContentType,
    /// The issuer is not an API key of this server (or it was revoked).
    #[error("access token issuer is unknown")]
    UnknownIssuer,
    /// The signature does not match the issuer's secret.
    #[error("access token signature is invalid")]
    Signature,
    /// `sub` is not this server's account.
    #[error("access token subject is not this account")]
    WrongAccount,
    /// `exp` has passed.
    #[error("access token expired")]
    Expired,
    /// `nbf` is in the future.
    #[error("access token is not yet valid")]
    NotYetValid,
    /// The token lives longer than [`MAX_LIFETIME`].
    #[error("access token lifetime exceeds 24 hours")]
    TooLong,
    /// No identity or no chat grant.
    #[error("access token carries no chat grant with an identity")]
    NoGrant,
}

impl TokenError {
    /// Twilio's error code for this refusal.
    pub fn code(&self) -> ErrorCode {
        match self {
            TokenError::Malformed => ErrorCode::InvalidAccessToken,
            TokenError::Algorithm(_) | TokenError::ContentType => {
                ErrorCode::InvalidAccessTokenHeader
            }
            TokenError::UnknownIssuer | TokenError::WrongAccount => {
                ErrorCode::InvalidAccessTokenIssuer
            }
            TokenError::Expired => ErrorCode::AccessTokenExpired,
            TokenError::NotYetValid => ErrorCode::AccessTokenNotYetValid,
            TokenError::NoGrant => ErrorCode::InvalidAccessTokenGrants,
            TokenError::Signature => ErrorCode::InvalidAccessTokenSignature,
            TokenError::TooLong => ErrorCode::AccessTokenLifetimeTooLong,
        }
    }
}

/// The longest lifetime a token may have, as on Twilio: 24 hours.
pub const MAX_LIFETIME: i64 = 24 * 3600;

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    cty: Option<String>,
}

/// Tolerated clock difference for `nbf`, in seconds.
const NBF_LEEWAY: i64 = 5;

fn mac(alg: &str, secret: &[u8], input: &[u8]) -> Option<Vec<u8>> {
    macro_rules! sign {
        ($h:ty) => {{
            let mut m = <Hmac<$h>>::new_from_slice(secret).ok()?;
            m.update(input);
            Some(m.finalize().into_bytes().to_vec())
        }};
    }
    match alg {
        "HS256" => sign!(Sha256),
        "HS384" => sign!(Sha384),
        "HS512" => sign!(Sha512),
        _ => None,
    }
}

/// Mints an HS256 access token for `identity` on `service_sid`.
pub fn mint(
    key_sid: &str,
    secret: &str,
    account_sid: &str,
    identity: &str,
    service_sid: &str,
    now: i64,
    ttl: i64,
) -> String {
    let header = serde_json::json!({"typ": "JWT", "alg": "HS256", "cty": ACCESS_TOKEN_CTY});
    let claims = AccessTokenClaims {
        jti: format!("{key_sid}-{now}-{}", hex::encode(rand::random::<[u8; 4]>())),
        iss: key_sid.to_owned(),
        sub: account_sid.to_owned(),
        exp: now + ttl,
        nbf: Some(now),
        iat: Some(now),
        grants: Grants {
            identity: Some(identity.to_owned()),
            chat: Some(ChatGrant {
                service_sid: service_sid.to_owned(),
                endpoint_id: None,
                deployment_role_sid: None,
                push_credential_sid: None,
            }),
        },
    };
    let h = URL_SAFE_NO_PAD.encode(header.to_string());
    let c = URL_SAFE_NO_PAD.encode(serde_json::to_string(&claims).unwrap_or_default());
    let input = format!("{h}.{c}");
    let sig = mac("HS256", secret.as_bytes(), input.as_bytes()).unwrap_or_default();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

/// The parts of a verified token a request needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    pub identity: String,
    pub service_sid: String,
    pub exp: i64,
    /// When the token was issued: `iat`, else `nbf`, else the earliest its
    /// `exp` allows ([`MAX_LIFETIME`] before it).
    pub issued_at: i64,
}

fn b64(part: &str) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| TokenError::Malformed)
}

/// Reads the unverified issuer, to look up its secret.
pub fn issuer(token: &str) -> Result<String, TokenError> {
    let claims = token.split('.').nth(1).ok_or(TokenError::Malformed)?;
    let v: serde_json::Value =
        serde_json::from_slice(&b64(claims)?).map_err(|_| TokenError::Malformed)?;
    v.get("iss")
        .and_then(|s| s.as_str())
        .map(str::to_owned)
        .ok_or(TokenError::Malformed)
}

/// Verifies header, signature, account, lifetime and grants.
pub fn verify(
    token: &str,
    secret: &str,
    account_sid: &str,
    now: i64,
) -> Result<VerifiedToken, TokenError> {
    let mut parts = token.split('.');
    let (Some(h), Some(c), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let header: Header = serde_json::from_slice(&b64(h)?).map_err(|_| TokenError::Malformed)?;
    let input = format!("{h}.{c}");
    let expected = mac(&header.alg, secret.as_bytes(), input.as_bytes())
        .ok_or_else(|| TokenError::Algorithm(header.alg.clone()))?;
    let given = b64(s)?;
    if !bool::from(subtle::ConstantTimeEq::ct_eq(
        expected.as_slice(),
        given.as_slice(),
    )) {
        return Err(TokenError::Signature);
    }
    if header.cty.as_deref() != Some(ACCESS_TOKEN_CTY) {
        return Err(TokenError::ContentType);
    }
    let claims: AccessTokenClaims =
        serde_json::from_slice(&b64(c)?).map_err(|_| TokenError::Malformed)?;
    if claims.sub != account_sid {
        return Err(TokenError::WrongAccount);
    }
    if now >= claims.exp {
        return Err(TokenError::Expired);
    }
    if claims.nbf.is_some_and(|nbf| nbf > now + NBF_LEEWAY) {
        return Err(TokenError::NotYetValid);
    }
    // Measured from when it was issued, or from now if it does not say.
    let start = claims.iat.or(claims.nbf).unwrap_or(now).min(now);
    if claims.exp.saturating_sub(start) > MAX_LIFETIME + NBF_LEEWAY {
        return Err(TokenError::TooLong);
    }
    let issued_at = claims
        .iat
        .or(claims.nbf)
        .unwrap_or(claims.exp - MAX_LIFETIME);
    match (claims.grants.identity, claims.grants.chat) {
        (Some(identity), Some(chat)) if !identity.is_empty() => Ok(VerifiedToken {
            identity,
            service_sid: chat.service_sid,
            exp: claims.exp,
            issued_at,
        }),
        _ => Err(TokenError::NoGrant),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "SK00000000000000000000000000000001";
    const ACC: &str = "AC00000000000000000000000000000001";
    const IS: &str = "IS00000000000000000000000000000001";

    #[test]
    fn a_minted_token_verifies() {
        let t = mint(KEY, "secret", ACC, "alice", IS, 1000, 3600);
        assert_eq!(issuer(&t), Ok(KEY.to_owned()));
        let v = verify(&t, "secret", ACC, 1001).expect("valid");
        assert_eq!(
            (
                v.identity.as_str(),
                v.service_sid.as_str(),
                v.exp,
                v.issued_at
            ),
            ("alice", IS, 4600, 1000)
        );
    }

    #[test]
    fn wrong_secret_expiry_and_account_are_refused() {
        let t = mint(KEY, "secret", ACC, "alice", IS, 1000, 3600);
        assert_eq!(verify(&t, "other", ACC, 1001), Err(TokenError::Signature));
        assert_eq!(verify(&t, "secret", ACC, 4600), Err(TokenError::Expired));
        assert_eq!(
            verify(&t, "secret", "ACx", 1001),
            Err(TokenError::WrongAccount)
        );
        assert_eq!(verify(&t, "secret", ACC, 900), Err(TokenError::NotYetValid));
    }

    #[test]
    fn alg_none_is_refused() {
        let t = mint(KEY, "secret", ACC, "alice", IS, 1000, 3600);
        let mut parts: Vec<&str> = t.split('.').collect();
        let none = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        parts[0] = &none;
        let forged = format!("{}.{}.", parts[0], parts[1]);
        assert_eq!(
            verify(&forged, "secret", ACC, 1001),
            Err(TokenError::Algorithm("none".into()))
        );
    }

    /// Signs `header` and `claims` as given, for tokens `mint` would not make.
    fn forge(header: serde_json::Value, claims: serde_json::Value) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let sig = mac("HS256", b"secret", input.as_bytes()).expect("mac");
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    fn claims(exp: i64, iat: Option<i64>) -> serde_json::Value {
        let mut c = serde_json::json!({
            "jti": "j", "iss": KEY, "sub": ACC, "exp": exp,
            "grants": {"identity": "alice", "chat": {"service_sid": IS}}
        });
        if let Some(iat) = iat {
            c["iat"] = iat.into();
        }
        c
    }

    #[test]
    fn a_missing_or_wrong_content_type_is_refused_with_20102() {
        let good = claims(2000, Some(1000));
        for header in [
            serde_json::json!({"typ": "JWT", "alg": "HS256"}),
            serde_json::json!({"typ": "JWT", "alg": "HS256", "cty": "JWT"}),
        ] {
            let e = verify(&forge(header, good.clone()), "secret", ACC, 1001).unwrap_err();
            assert_eq!(
                (e.clone(), e.code()),
                (TokenError::ContentType, ErrorCode::InvalidAccessTokenHeader)
            );
        }
        let ok = serde_json::json!({"typ": "JWT", "alg": "HS256", "cty": ACCESS_TOKEN_CTY});
        assert!(verify(&forge(ok, good), "secret", ACC, 1001).is_ok());
    }

    #[test]
    fn lifetimes_over_24_hours_are_refused_with_20157() {
        let h = serde_json::json!({"typ": "JWT", "alg": "HS256", "cty": ACCESS_TOKEN_CTY});
        let century = forge(h.clone(), claims(1000 + 100 * 365 * 86_400, Some(1000)));
        let e = verify(&century, "secret", ACC, 1001).unwrap_err();
        assert_eq!(
            (e.clone(), e.code()),
            (TokenError::TooLong, ErrorCode::AccessTokenLifetimeTooLong)
        );
        let no_iat = forge(h.clone(), claims(1001 + 2 * 86_400, None));
        assert_eq!(
            verify(&no_iat, "secret", ACC, 1001),
            Err(TokenError::TooLong)
        );
        let day = forge(h, claims(1000 + 86_400, Some(1000)));
        assert!(
            verify(&day, "secret", ACC, 50_000).is_ok(),
            "24 h is allowed"
        );
    }

    #[test]
    fn each_refusal_has_its_own_twilio_code() {
        let t = mint(KEY, "secret", ACC, "alice", IS, 1000, 3600);
        let code = |r: Result<VerifiedToken, TokenError>| r.unwrap_err().code().code();
        assert_eq!(code(verify(&t, "other", ACC, 1001)), 20107);
        assert_eq!(code(verify(&t, "secret", ACC, 4600)), 20104);
        assert_eq!(code(verify(&t, "secret", "ACx", 1001)), 20103);
        assert_eq!(code(verify(&t, "secret", ACC, 900)), 20105);
        assert_eq!(code(verify("a.b", "secret", ACC, 1001)), 20101);
        let h = serde_json::json!({"typ": "JWT", "alg": "HS256", "cty": ACCESS_TOKEN_CTY});
        let mut c = claims(2000, Some(1000));
        c["grants"] = serde_json::json!({"identity": "alice"});
        assert_eq!(code(verify(&forge(h, c), "secret", ACC, 1001)), 20106);
    }
}
