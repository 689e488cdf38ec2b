import HeraldCore

/// The fields of a message's hash (`herald:{sms}:m:<id>`), named once for
/// every Swift reader and writer, so a field cannot be spelled two ways.
///
/// The Lua scripts keep their own literals; which of them write each field:
///
/// | field | written by |
/// |---|---|
/// | `status` | enqueue, claim, hold, sent, retry, promote, cancel, receipt (lib_receipts) |
/// | `created_at` | enqueue |
/// | `events`, `events_dropped` | every script that records an event (lib_events) |
/// | `p` and the payload's names | enqueue (from `NewMessage`, in Swift) |
/// | `priority`, `expires_at`, `campaign`, `template` | enqueue (from `NewMessage`, in Swift) |
/// | `rfp` | enqueue (clear recipients); `DispatchStore.revealFingerprint` (encrypted ones) |
/// | `attempts` | claim (one more), hold (one less) |
/// | `sending_at` | claim |
/// | `expired_at` | claim, hold |
/// | `sent_at`, `delivered_at` | sent (`<status>_at`); `delivered_at`, `undelivered_at`, `failed_at` also receipt |
/// | `provider`, `provider_message_id` | sent; `provider` also retry |
/// | `error` | retry, receipt |
/// | `failed_at` | retry, receipt |
/// | `suppressed_at`, `suppressed_reason` | retry, hold |
/// | `next_attempt_at` | retry |
/// | `canceled_at` | cancel |
/// | `receipt:<event id>` | receipt, sent (an early receipt applied; lib_receipts) |
/// | `clicked_at`, `clicks` | click_message |
public enum MessageHash {
    // MARK: What the transitions read and write

    /// The `MessageStatus`.
    public static let status = "status"
    /// The caller fields of a message whose status changes go to the outbox
    /// (status events); absent, none are written. See `lib_events.lua`.
    public static let eventFields = "ev"
    /// The message's own `callback_url`, for its status events.
    public static let callbackURL = "cb"
    /// The last status event's per-message sequence number.
    public static let eventSequence = "ev_seq"
    /// When the message was accepted (ms).
    public static let createdAt = "created_at"
    /// The history: one JSON line per event, at most 64.
    public static let events = "events"
    /// How many events were dropped to keep the history bounded.
    public static let eventsDropped = "events_dropped"
    /// The request fields no transition reads, packed (`MessagePayload`).
    public static let payload = MessagePayload.field
    /// The priority, stored only when not `normal` (promote picks the stream by it).
    public static let priority = "priority"
    /// When the message stops being worth sending (ms); the claim expires it past then.
    public static let expiresAt = "expires_at"
    /// The caller's campaign (stats, fatigue caps).
    public static let campaign = "campaign"
    /// `name@version` of the template the content was rendered from (stats).
    public static let template = "template"
    /// The A/B variant of its campaign the message was assigned (stats per variant).
    public static let variant = "variant"
    /// The recipient's fingerprint (`RecipientFingerprint`): what a suppression is keyed by.
    public static let recipientFingerprint = "rfp"
    /// Attempts made; a hold gives back the one its claim counted.
    public static let attempts = "attempts"
    /// The provider that took (or last failed) the message.
    public static let provider = "provider"
    /// The provider's id of the message, what receipts name it by.
    public static let providerMessageID = "provider_message_id"
    /// The last error: a provider's code and message, or a failing receipt's detail.
    public static let error = "error"
    /// Why a message ended `suppressed` (`unsubscribed`, `fatigue`, …).
    public static let suppressedReason = "suppressed_reason"
    /// When a `retrying` message is due again (ms).
    public static let nextAttemptAt = "next_attempt_at"
    /// When a short link of the message was first clicked (ms).
    public static let clickedAt = "clicked_at"
    /// How often the message's short links were clicked.
    public static let clicks = "clicks"
    /// Prefix of the marker of each receipt applied (`receipt:<event id>`), which makes receipts idempotent.
    public static let receiptPrefix = "receipt:"

    // MARK: When each status was reached (ms): `<status>_at`

    /// When the last claim took it for sending.
    public static let sendingAt = "sending_at"
    /// When a provider accepted it.
    public static let sentAt = "sent_at"
    /// When it was delivered (a receipt, or a provider whose acceptance is delivery).
    public static let deliveredAt = "delivered_at"
    /// When a receipt said it was not delivered.
    public static let undeliveredAt = "undelivered_at"
    /// When it failed for good.
    public static let failedAt = "failed_at"
    /// When it was suppressed instead of sent.
    public static let suppressedAt = "suppressed_at"
    /// When the caller canceled it.
    public static let canceledAt = "canceled_at"
    /// When it expired unsent.
    public static let expiredAt = "expired_at"

    // MARK: The payload's names
    // Packed in `p`; a message stored before payloads has them as fields of
    // its own, which claim.lua still reads. `StoredMessage` shows them as fields.

    /// The recipient as the caller sent it (encrypted when `to_encryption` is set).
    public static let to = "to"
    /// The content's text.
    public static let body = "body"
    /// An email's subject.
    public static let subject = "subject"
    /// A push notification's title.
    public static let title = "title"
    /// The caller's `data`, as JSON text.
    public static let data = "data"
    /// An email's HTML alternative.
    public static let html = "html"
    /// The `MessageCategory`, stored only when not `transactional`.
    public static let category = "category"
    /// The caller's id for the person (user suppressions, fatigue caps).
    public static let userID = "user_id"
    /// The recipient's IANA time zone (quiet hours, calendar caps).
    public static let timezone = "timezone"
    /// The recipient's locale, as the caller gave it.
    public static let locale = "locale"
    /// When the caller asked the message to go (ms).
    public static let sendAt = "send_at"
    /// The caller's idempotency key (providers deduplicate retries by it).
    public static let idempotencyKey = "idempotency_key"
    /// The SMS parts the body travels in.
    public static let segments = "segments"
    /// How `to` is encrypted (`RecipientEncryption`).
    public static let toEncryption = "to_encryption"
    /// The key id an encrypted `to` was sealed with.
    public static let toKeyID = "to_key_id"

    // MARK: Not stored

    /// The channel: never stored (the message id names it); `StoredMessage` fills it in.
    public static let channel = "channel"
}
