import HeraldCore

extension NewMessage {
    /// The hash fields this message is stored as (besides `status`,
    /// `created_at` and `events`, which enqueue.lua writes): the payload
    /// (`MessagePayload`) and the few fields the Lua transitions read:
    /// `expires_at` (claim), `priority` when not normal (promote), `campaign`
    /// and `template` (stats).
    func storedFields() -> [(String, String)] {
        var fields: [(String, String)] = [(MessageHash.payload, MessagePayload.encode(payloadFields()))]
        if priority != .normal { fields.append((MessageHash.priority, priority.rawValue)) }
        if let expiresAtMillis { fields.append((MessageHash.expiresAt, String(expiresAtMillis))) }
        if let campaign { fields.append((MessageHash.campaign, campaign)) }
        if let template { fields.append((MessageHash.template, template)) }
        if let variant { fields.append((MessageHash.variant, variant)) }
        if publishesEvents || callbackURL != nil { fields.append((MessageHash.eventFields, eventFields)) }
        if let callbackURL { fields.append((MessageHash.callbackURL, callbackURL)) }
        return fields
    }

    /// What the worker and the API read back, packed into one field.
    func payloadFields() -> [(String, String)] {
        var fields: [(String, String)] = [(MessageHash.to, to), (MessageHash.body, content.body)]
        if category != .transactional { fields.append((MessageHash.category, category.rawValue)) }
        if let subject = content.subject { fields.append((MessageHash.subject, subject)) }
        if let title = content.title { fields.append((MessageHash.title, title)) }
        if let html = content.html { fields.append((MessageHash.html, html)) }
        if let dataJSON { fields.append((MessageHash.data, dataJSON)) }
        if let userID { fields.append((MessageHash.userID, userID)) }
        if let timezone { fields.append((MessageHash.timezone, timezone)) }
        if let locale { fields.append((MessageHash.locale, locale)) }
        if let sendAtMillis { fields.append((MessageHash.sendAt, String(sendAtMillis))) }
        if let idempotencyKey { fields.append((MessageHash.idempotencyKey, idempotencyKey)) }
        if let segments { fields.append((MessageHash.segments, String(segments))) }
        if let toEncryption { fields.append((MessageHash.toEncryption, toEncryption.rawValue)) }
        if let toKeyID { fields.append((MessageHash.toKeyID, toKeyID)) }
        return fields
    }
}
