//! Notifications to drawn experts through an outbox: each notification is a row written in the
//! same transaction as the draw event that causes it, so none is lost if the process dies, and the
//! server drains the outbox through a pluggable [`NotificationSender`] (SMS, voice call, e-mail in
//! a deployment; [`LoggingSender`] by default). A failed send stays pending and is retried.

use std::future::Future;
use std::pin::Pin;

use crate::App;
use crate::error::AppResult;

/// Notifications sent per drain, at most (the rest wait for the next round).
const DRAIN_BATCH: i64 = 100;

/// A notification to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Id (a retry sends the same id, so a sender can drop duplicates).
    pub message_id: String,
    /// The expert it is for.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Text.
    pub body: String,
}

/// Boxed future of a send.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Delivers notifications.
pub trait NotificationSender: Send + Sync {
    /// Sends one notification; `Err` keeps it pending with the reason.
    fn send<'a>(&'a self, notification: &'a Notification) -> SendFuture<'a>;
}

/// Writes each notification to the log (the default: no gateway configured). The body names a
/// tender and a lot, never a bidder, and no personal data beyond the expert's pool id.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoggingSender;

impl NotificationSender for LoggingSender {
    fn send<'a>(&'a self, notification: &'a Notification) -> SendFuture<'a> {
        Box::pin(async move {
            tracing::info!(
                message_id = %notification.message_id,
                expert = %notification.recipient,
                subject = %notification.subject,
                body = %notification.body,
                "notification"
            );
            Ok(())
        })
    }
}

impl App {
    /// Sends pending notifications through `sender`; returns how many were sent.
    pub async fn drain_outbox(&self, sender: &dyn NotificationSender) -> AppResult<usize> {
        let mut sent = 0;
        for row in self.store.pending_notifications(DRAIN_BATCH).await? {
            let notification = Notification {
                message_id: row.message_id.clone(),
                recipient: row.recipient,
                subject: row.subject,
                body: row.body,
            };
            match sender.send(&notification).await {
                Ok(()) => {
                    self.store.mark_notification_sent(&row.message_id, self.now_ms()).await?;
                    sent += 1;
                }
                Err(error) => self.store.mark_notification_failed(&row.message_id, &error).await?,
            }
        }
        Ok(sent)
    }

    /// Notifications queued for an expert (sent or not), oldest first: (subject, body, sent).
    pub async fn expert_notifications(&self, expert_id: &str) -> AppResult<Vec<(String, String, bool)>> {
        Ok(self
            .store
            .notifications_for(expert_id)
            .await?
            .into_iter()
            .map(|row| (row.subject, row.body, row.sent_at_ms.is_some()))
            .collect())
    }
}
