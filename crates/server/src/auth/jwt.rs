//! Access tokens: HS256/HS384/HS512 JWTs in the format Twilio's helper
//! libraries mint (`cty: twilio-fpa;v=1`, `iss` = API key SID, `sub` = account
//! SID, `grants.identity`, `grants.chat.service_sid`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use parley_protocol::token::{AccessTokenClaims, ChatGrant, Grants, ACCESS_TOKEN_CTY};
use serde::Deserialize;
use sha2::{Sha256, Sha384, Sha512};

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Not three base64url parts of JSON, or required claims missing.
    #[error("access token is malformed")]
    Malformed,
    /// `alg` is not an HMAC algorithm we accept (this includes `none`).
    #[error("access token algorithm {0:?} is not accepted")]
    Algorithm(String),
    /// The issuer is not an API key of this server.
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
    /// No identity or no chat grant.
    #[error("access token carries no chat grant with an identity")]
    NoGrant,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
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

/// Verifies signature, account, lifetime and grants.
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
    match (claims.grants.identity, claims.grants.chat) {
        (Some(identity), Some(chat)) if !identity.is_empty() => Ok(VerifiedToken {
            identity,
            service_sid: chat.service_sid,
            exp: claims.exp,
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
            (v.identity.as_str(), v.service_sid.as_str(), v.exp),
            ("alice", IS, 4600)
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
}
