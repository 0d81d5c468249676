//! The REST side of the client: Parley's `/auth/token` and the Chat v2
//! resources it needs, with errors mapped to [`ClientError`].

use parley_protocol::paging::{parse_page, Page};
use parley_protocol::resources::{Channel, Member, Message, UserChannel};
use parley_protocol::token::TokenResponse;
use parley_protocol::ErrorBody;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ClientError, Refusal, Result};

mod media;
mod unreachable;

pub use media::{Progress, UploadFile, Watch};
use unreachable::unreachable;

/// A REST client for one server.
#[derive(Debug, Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
}

fn percent(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl Api {
    pub fn new(base: &str) -> Result<Api> {
        let base = base.trim().trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ClientError::Refused(Refusal::NotHttpUrl { url: base }));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(10))
            .timeout(std::time::Duration::from_secs(30))
            .user_agent(concat!("parley-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| unreachable(&e))?;
        Ok(Api { http, base })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The WebSocket URL of a service's stream.
    pub fn stream_url(&self, service: &str) -> String {
        let ws = if let Some(rest) = self.base.strip_prefix("https://") {
            format!("wss://{rest}")
        } else {
            format!("ws://{}", self.base.trim_start_matches("http://"))
        };
        format!("{ws}/v2/Services/{service}/Stream")
    }

    async fn call(
        &self,
        method: Method,
        url: &str,
        token: Option<&str>,
        form: &[(&str, String)],
        idem: Option<&str>,
    ) -> Result<(StatusCode, Value)> {
        let mut req = self.http.request(method.clone(), url);
        if let Some(t) = token {
            req = req.header("X-Twilio-Token", t);
        }
        if let Some(k) = idem {
            req = req.header("Idempotency-Key", k);
        }
        if method == Method::POST {
            req = req.form(form);
        }
        let resp = req.send().await.map_err(|e| unreachable(&e))?;
        self.reply(resp).await
    }

    /// A reply's JSON body, or its Twilio-style error.
    async fn reply(&self, resp: reqwest::Response) -> Result<(StatusCode, Value)> {
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let text = resp.text().await.map_err(|e| unreachable(&e))?;
        let body: Value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).map_err(|_| {
                ClientError::NotParley(format!(
                    "{} answered {status} with something that is not JSON",
                    self.base
                ))
            })?
        };
        if status.is_success() {
            return Ok((status, body));
        }
        // Twilio's error body; anything else still fails with the status.
        let (code, message) = match serde_json::from_value::<ErrorBody>(body) {
            Ok(e) => (e.code, e.message),
            Err(_) => (status.as_u16() as u32, "request failed".to_owned()),
        };
        if status == StatusCode::UNAUTHORIZED {
            return Err(ClientError::Unauthorized(message));
        }
        Err(ClientError::Api {
            status: status.as_u16(),
            code,
            message,
            retry_after,
        })
    }

    async fn get<T: DeserializeOwned>(&self, path: &str, token: &str) -> Result<T> {
        let (_, v) = self
            .call(
                Method::GET,
                &format!("{}{path}", self.base),
                Some(token),
                &[],
                None,
            )
            .await?;
        serde_json::from_value(v).map_err(|e| ClientError::NotParley(e.to_string()))
    }

    async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
        form: &[(&str, String)],
        idem: Option<&str>,
    ) -> Result<T> {
        let (_, v) = self
            .call(
                Method::POST,
                &format!("{}{path}", self.base),
                Some(token),
                form,
                idem,
            )
            .await?;
        serde_json::from_value(v).map_err(|e| ClientError::NotParley(e.to_string()))
    }

    async fn delete(&self, path: &str, token: &str) -> Result<()> {
        self.call(
            Method::DELETE,
            &format!("{}{path}", self.base),
            Some(token),
            &[],
            None,
        )
        .await
        .map(|_| ())
    }

    /// Fetches one page by absolute URL (as `next_page_url` gives it).
    pub async fn page<T: DeserializeOwned>(&self, url: &str, token: &str) -> Result<Page<T>> {
        let (_, v) = self.call(Method::GET, url, Some(token), &[], None).await?;
        parse_page(v).map_err(|e| ClientError::NotParley(e.to_string()))
    }

    /// Every record of a list, following `next_page_url`.
    pub async fn all<T: DeserializeOwned>(&self, path: &str, token: &str) -> Result<Vec<T>> {
        let mut out = Vec::new();
        let mut url = Some(format!("{}{path}", self.base));
        while let Some(u) = url {
            let page: Page<T> = self.page(&u, token).await?;
            out.extend(page.items);
            url = page.meta.next_page_url;
        }
        Ok(out)
    }

    async fn token_request(&self, form: &[(&str, String)]) -> Result<TokenResponse> {
        let resp = self
            .http
            .post(format!("{}/auth/token", self.base))
            .form(form)
            .send()
            .await
            .map_err(|e| unreachable(&e))?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let text = resp.text().await.map_err(|e| unreachable(&e))?;
        let body: Value = serde_json::from_str(&text).map_err(|_| {
            ClientError::NotParley(format!(
                "{} has no Parley sign-in endpoint ({status})",
                self.base
            ))
        })?;
        if status.is_success() {
            return serde_json::from_value(body).map_err(|e| ClientError::NotParley(e.to_string()));
        }
        // The token endpoint's OAuth2-style error, which also carries
        // Twilio's code and message.
        match serde_json::from_value::<parley_protocol::token::TokenError>(body) {
            Ok(e) if e.error == "invalid_grant" => Err(ClientError::Unauthorized(e.message)),
            Ok(e) => Err(ClientError::Api {
                status: status.as_u16(),
                code: e.code,
                message: e.message,
                retry_after,
            }),
            Err(_) => Err(ClientError::NotParley(format!(
                "{} answered {status} without a Parley error",
                self.base
            ))),
        }
    }

    /// `POST /auth/token` with a password, and this device's token from an
    /// earlier sign-in if there is one (it keeps strangers' failed guesses
    /// from locking this device out).
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        device_token: Option<&str>,
    ) -> Result<TokenResponse> {
        let mut form = vec![
            ("grant_type", "password".into()),
            ("username", username.into()),
            ("password", password.into()),
        ];
        if let Some(d) = device_token {
            form.push(("device_token", d.to_owned()));
        }
        // A refused password grant is always the credentials.
        self.token_request(&form).await.map_err(|e| match e {
            ClientError::Unauthorized(_) => ClientError::WrongCredentials,
            e => e,
        })
    }

    /// `POST /auth/token` with a refresh token.
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenResponse> {
        self.token_request(&[
            ("grant_type", "refresh_token".into()),
            ("refresh_token", refresh_token.into()),
        ])
        .await
    }

    /// `POST /auth/revoke`.
    pub async fn revoke(&self, refresh_token: &str) -> Result<()> {
        self.http
            .post(format!("{}/auth/revoke", self.base))
            .form(&[("token", refresh_token)])
            .send()
            .await
            .map_err(|e| unreachable(&e))?;
        Ok(())
    }

    pub async fn user_channels(
        &self,
        token: &str,
        service: &str,
        identity: &str,
    ) -> Result<Vec<UserChannel>> {
        self.all(
            &format!(
                "/v2/Services/{service}/Users/{}/Channels",
                percent(identity)
            ),
            token,
        )
        .await
    }

    pub async fn channel(&self, token: &str, service: &str, channel: &str) -> Result<Channel> {
        self.get(&format!("/v2/Services/{service}/Channels/{channel}"), token)
            .await
    }

    pub async fn public_channels(&self, token: &str, service: &str) -> Result<Vec<Channel>> {
        self.all(
            &format!("/v2/Services/{service}/Channels?Type=public"),
            token,
        )
        .await
    }

    pub async fn members(&self, token: &str, service: &str, channel: &str) -> Result<Vec<Member>> {
        self.all(
            &format!("/v2/Services/{service}/Channels/{channel}/Members"),
            token,
        )
        .await
    }

    /// The service's roles (to know what the user may do where).
    pub async fn roles(
        &self,
        token: &str,
        service: &str,
    ) -> Result<Vec<parley_protocol::resources::Role>> {
        self.all(&format!("/v2/Services/{service}/Roles"), token)
            .await
    }

    /// One user of the service.
    pub async fn user(
        &self,
        token: &str,
        service: &str,
        identity: &str,
    ) -> Result<parley_protocol::resources::User> {
        self.get(
            &format!("/v2/Services/{service}/Users/{}", percent(identity)),
            token,
        )
        .await
    }

    /// Writes the attributes of user `identity` (the user's own, with
    /// `editOwnUserInfo`).
    pub async fn set_user_attributes(
        &self,
        token: &str,
        service: &str,
        identity: &str,
        attributes: &str,
    ) -> Result<parley_protocol::resources::User> {
        self.post(
            &format!("/v2/Services/{service}/Users/{}", percent(identity)),
            token,
            &[("Attributes", attributes.into())],
            None,
        )
        .await
    }

    /// The newest `n` messages (newest first) and the URL of older ones.
    pub async fn newest_messages(
        &self,
        token: &str,
        service: &str,
        channel: &str,
        n: u32,
    ) -> Result<Page<Message>> {
        self.page(
            &format!(
                "{}/v2/Services/{service}/Channels/{channel}/Messages?Order=desc&PageSize={n}",
                self.base
            ),
            token,
        )
        .await
    }

    pub async fn send_message(
        &self,
        token: &str,
        service: &str,
        channel: &str,
        body: &str,
        attributes: Option<&str>,
        idem: &str,
    ) -> Result<Message> {
        let mut form = vec![("Body", body.into())];
        if let Some(a) = attributes {
            form.push(("Attributes", a.into()));
        }
        self.post(
            &format!("/v2/Services/{service}/Channels/{channel}/Messages"),
            token,
            &form,
            Some(idem),
        )
        .await
    }

    pub async fn edit_message(
        &self,
        token: &str,
        service: &str,
        channel: &str,
        sid: &str,
        body: &str,
    ) -> Result<Message> {
        self.post(
            &format!("/v2/Services/{service}/Channels/{channel}/Messages/{sid}"),
            token,
            &[("Body", body.into())],
            None,
        )
        .await
    }

    pub async fn delete_message(
        &self,
        token: &str,
        service: &str,
        channel: &str,
        sid: &str,
    ) -> Result<()> {
        self.delete(
            &format!("/v2/Services/{service}/Channels/{channel}/Messages/{sid}"),
            token,
        )
        .await
    }

    /// Sets the caller's read horizon (None = nothing read).
    pub async fn set_horizon(
        &self,
        token: &str,
        service: &str,
        identity: &str,
        channel: &str,
        index: Option<i64>,
    ) -> Result<UserChannel> {
        let v = index.map(|i| i.to_string()).unwrap_or_default();
        self.post(
            &format!(
                "/v2/Services/{service}/Users/{}/Channels/{channel}",
                percent(identity)
            ),
            token,
            &[("LastConsumedMessageIndex", v)],
            None,
        )
        .await
    }

    pub async fn set_notification_level(
        &self,
        token: &str,
        service: &str,
        identity: &str,
        channel: &str,
        level: &str,
    ) -> Result<UserChannel> {
        self.post(
            &format!(
                "/v2/Services/{service}/Users/{}/Channels/{channel}",
                percent(identity)
            ),
            token,
            &[("NotificationLevel", level.into())],
            None,
        )
        .await
    }

    pub async fn join(
        &self,
        token: &str,
        service: &str,
        channel: &str,
        identity: &str,
    ) -> Result<Member> {
        self.post(
            &format!("/v2/Services/{service}/Channels/{channel}/Members"),
            token,
            &[("Identity", identity.into())],
            None,
        )
        .await
    }

    pub async fn leave(
        &self,
        token: &str,
        service: &str,
        channel: &str,
        identity: &str,
    ) -> Result<()> {
        self.delete(
            &format!(
                "/v2/Services/{service}/Channels/{channel}/Members/{}",
                percent(identity)
            ),
            token,
        )
        .await
    }

    pub async fn create_channel(
        &self,
        token: &str,
        service: &str,
        name: &str,
        unique: Option<&str>,
        private: bool,
    ) -> Result<Channel> {
        let mut form = vec![
            ("FriendlyName", name.to_owned()),
            (
                "Type",
                if private { "private" } else { "public" }.to_owned(),
            ),
        ];
        if let Some(u) = unique.filter(|u| !u.is_empty()) {
            form.push(("UniqueName", u.to_owned()));
        }
        self.post(
            &format!("/v2/Services/{service}/Channels"),
            token,
            &form,
            None,
        )
        .await
    }

    /// `POST …/Channels/{channel}` with new `Attributes`.
    pub async fn set_channel_attributes(
        &self,
        token: &str,
        service: &str,
        channel: &str,
        attributes: &str,
    ) -> Result<Channel> {
        self.post(
            &format!("/v2/Services/{service}/Channels/{channel}"),
            token,
            &[("Attributes", attributes.to_owned())],
            None,
        )
        .await
    }

    /// `POST …/Channels` for a private channel with a unique name and attributes.
    pub async fn create_private_channel(
        &self,
        token: &str,
        service: &str,
        name: &str,
        unique: &str,
        attributes: &str,
    ) -> Result<Channel> {
        self.post(
            &format!("/v2/Services/{service}/Channels"),
            token,
            &[
                ("FriendlyName", name.to_owned()),
                ("Type", "private".to_owned()),
                ("UniqueName", unique.to_owned()),
                ("Attributes", attributes.to_owned()),
            ],
            None,
        )
        .await
    }

    /// `POST …/Channels/{channel}/Members`: adds `identity` (needs addMember).
    pub async fn add_member(
        &self,
        token: &str,
        service: &str,
        channel: &str,
        identity: &str,
    ) -> Result<()> {
        let _: Value = self
            .post(
                &format!("/v2/Services/{service}/Channels/{channel}/Members"),
                token,
                &[("Identity", identity.into())],
                None,
            )
            .await?;
        Ok(())
    }

    pub async fn invite(
        &self,
        token: &str,
        service: &str,
        channel: &str,
        identity: &str,
    ) -> Result<Value> {
        self.post(
            &format!("/v2/Services/{service}/Channels/{channel}/Invites"),
            token,
            &[("Identity", identity.into())],
            None,
        )
        .await
    }

    /// Declines an invite (or leaves): removes the user from the channel.
    pub async fn decline(
        &self,
        token: &str,
        service: &str,
        identity: &str,
        channel: &str,
    ) -> Result<()> {
        self.delete(
            &format!(
                "/v2/Services/{service}/Users/{}/Channels/{channel}",
                percent(identity)
            ),
            token,
        )
        .await
    }

    /// The newest cursor of the user's change feed.
    pub async fn feed_head(&self, token: &str, service: &str, identity: &str) -> Result<i64> {
        let page: parley_protocol::realtime::ChangesPage = self
            .get(
                &format!("/v2/Services/{service}/Users/{}/Changes", percent(identity)),
                token,
            )
            .await?;
        Ok(page.head)
    }

    /// The service resource (typing timeout, notification templates).
    pub async fn service(
        &self,
        token: &str,
        service: &str,
    ) -> Result<parley_protocol::resources::Service> {
        self.get(&format!("/v2/Services/{service}"), token).await
    }
}
