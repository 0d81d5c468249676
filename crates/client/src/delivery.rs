//! The outbox worker: delivers queued sends, edits and deletions in order,
//! with the entry's idempotency key, so that a retry after a lost reply never
//! creates a second message. Transient failures back off and retry (also
//! after restarts); refusals stay visible as failed with the server's reason.

use std::sync::Arc;
use std::time::Duration;

use crate::cache::{OutboxItem, OutboxKind};
use crate::client::Inner;
use crate::error::{ClientError, Result};
use crate::events::ClientEvent;

fn retry_delay(attempts: i64) -> i64 {
    (1i64 << attempts.clamp(0, 5)).min(30)
}

async fn deliver(
    inner: &Arc<Inner>,
    item: &OutboxItem,
) -> Result<Option<parley_protocol::resources::Message>> {
    if item.kind == OutboxKind::Send {
        if let Some(media) = inner.cache.outbox_media(item.id)? {
            return crate::media::deliver(inner, item, media).await.map(Some);
        }
    }
    let token = inner.session.access_token().await?;
    let (api, svc) = (&inner.api, inner.service());
    match item.kind {
        OutboxKind::Send => {
            let body = item.body.as_deref().unwrap_or_default();
            let attributes = item.attributes.as_deref();
            api.send_message(
                &token,
                svc,
                &item.channel_sid,
                body,
                attributes,
                &item.idem_key,
            )
            .await
            .map(Some)
        }
        OutboxKind::Edit => {
            let sid = item.target_sid.as_deref().unwrap_or_default();
            api.edit_message(
                &token,
                svc,
                &item.channel_sid,
                sid,
                item.body.as_deref().unwrap_or_default(),
            )
            .await
            .map(Some)
        }
        OutboxKind::Delete => {
            let sid = item.target_sid.as_deref().unwrap_or_default();
            match api
                .delete_message(&token, svc, &item.channel_sid, sid)
                .await
            {
                // Already gone: the deletion is done.
                Err(ClientError::Api { code, .. })
                    if code == parley_protocol::ErrorCode::MessageNotFound.code() =>
                {
                    Ok(None)
                }
                other => other.map(|_| None),
            }
        }
    }
}

pub(crate) async fn run(inner: Arc<Inner>) {
    let mut stop = inner.stop.subscribe();
    loop {
        if inner.stopped() {
            return;
        }
        while let Ok(Some(item)) = inner.cache.next_outbox(inner.cache.clock().now()) {
            let channel = item.channel_sid.clone();
            match deliver(&inner, &item).await {
                Ok(message) => {
                    if let Err(e) = inner.cache.outbox_done(item.id, message.as_ref()) {
                        tracing::error!(error = %e, "could not record a delivered message");
                    }
                }
                Err(ClientError::Cancelled) => {
                    // The user stopped the upload: the send is discarded.
                    crate::media::drop_outbox_copy(&inner, item.id);
                    let _ = inner.cache.outbox_remove(item.id);
                }
                Err(e) if e.is_transient() || matches!(e, ClientError::Unauthorized(_)) => {
                    // A rate limit says when to come back; never sooner.
                    let asked = e.retry_after().map_or(0, |s| s.min(3600) as i64);
                    let _ = inner.cache.outbox_retry_later(
                        item.id,
                        retry_delay(item.attempts).max(asked),
                        &e.to_string(),
                    );
                    inner.emit(ClientEvent::MessagesChanged {
                        channel_sid: channel,
                    });
                    break;
                }
                Err(e) => {
                    let _ = inner
                        .cache
                        .outbox_failed(item.id, &e.code(), &e.to_string());
                }
            }
            inner.emit(ClientEvent::MessagesChanged {
                channel_sid: channel,
            });
        }
        let wait = match inner.cache.next_outbox_due() {
            Ok(Some(due)) => {
                Duration::from_secs((due - inner.cache.clock().now()).clamp(1, 30) as u64)
            }
            _ => Duration::from_secs(30),
        };
        tokio::select! {
            _ = inner.wake_outbox.notified() => {}
            _ = tokio::time::sleep(wait) => {}
            _ = stop.changed() => {}
        }
    }
}
