import HeraldCore

/// Step 1 of delivery: the message with its recipient in clear. An encrypted
/// recipient is decrypted here, in memory, just before sending; it is never
/// written back. A wrong key or a corrupt id fails the message at once
/// (`decrypt_failed`, no retry); a recipient suppressed under the now-known
/// fingerprint ends `suppressed`.
struct RecipientReveal: Sendable {
    let context: DeliveryContext

    /// The message to go on with, or nil when it is done (failed, suppressed) or left pending (Redis trouble).
    func reveal(_ claimed: ClaimedMessage) async -> ClaimedMessage? {
        guard let mode = claimed.encryption else { return claimed }
        let (channel, store, metrics) = (context.channel, context.store, context.metrics)
        let now = WallClock.nowMillis()
        let clear: String
        do {
            clear = try context.configuration.recipientKeys.decrypt(claimed.message.to, mode: mode, keyID: claimed.keyID)
        } catch {
            metrics.attempt(channel, provider: "none", outcome: .decryptFailed)
            context.logger.warning("recipient could not be decrypted", metadata: [
                "id": "\(claimed.message.id)", "key_id": "\(claimed.keyID ?? "default")", "reason": "\(error)",
            ])
            await context.record(claimed) {
                try await store.markFailed(
                    claimed, provider: "none", code: "decrypt_failed",
                    message: "the recipient could not be decrypted with key \(claimed.keyID ?? "default") (\(mode.rawValue))",
                    permanent: true, dueMillis: now, maxAttempts: 1, nowMillis: now)
            }
            return nil
        }
        let fingerprint = store.settings.fingerprints.of(clear, on: channel)
        do {
            if let suppression = try await store.revealFingerprint(claimed, fingerprint: fingerprint),
               suppression.blocks(claimed.message.category)
            {
                metrics.policy(channel, decision: .suppressed)
                try await store.hold(claimed, .suppress(reason: suppression.reason.rawValue), event: "suppressed",
                                     detail: suppression.reason.rawValue, nowMillis: now)
                return nil
            }
        } catch {
            // The entry stays pending under this consumer and is tried again.
            metrics.redisErrors(.reveal)
            context.logger.warning("recipient suppression check failed",
                                   metadata: ["id": "\(claimed.message.id)", "error": "\(error)"])
            return nil
        }
        var revealed = claimed
        revealed.message.to = clear
        revealed.encryption = nil
        revealed.fingerprint = fingerprint
        return revealed
    }
}
