/// The Lua transitions of the Redis model, one file each under `Scripts/`.
public enum Scripts {
    public static let enqueue = RedisScript.bundled("enqueue")
    public static let claim = RedisScript.bundled("claim")
    public static let sent = RedisScript.bundled("sent")
    public static let retry = RedisScript.bundled("retry")
    public static let promote = RedisScript.bundled("promote")
    public static let cancel = RedisScript.bundled("cancel")
    public static let receipt = RedisScript.bundled("receipt")
    public static let tokenInvalidate = RedisScript.bundled("token_invalidate")
    public static let rateTake = RedisScript.bundled("rate_take")
    public static let ratePause = RedisScript.bundled("rate_pause")
    public static let hold = RedisScript.bundled("hold")
    public static let fatigueTake = RedisScript.bundled("fatigue_take")
    public static let fatigueGive = RedisScript.bundled("fatigue_give")
    public static let templatePut = RedisScript.bundled("template_put")
    public static let templateDelete = RedisScript.bundled("template_delete")
    public static let linkCreate = RedisScript.bundled("link_create")
    public static let clickLink = RedisScript.bundled("click_link")
    public static let clickMessage = RedisScript.bundled("click_message")
    public static let release = RedisScript.bundled("release")
    public static let partitionsRecord = RedisScript.bundled("partitions_record")
    public static let partitionsRetire = RedisScript.bundled("partitions_retire")
    public static let keyCreate = RedisScript.bundled("key_create")
    public static let keyRevoke = RedisScript.bundled("key_revoke")
    public static let suppressionPut = RedisScript.bundled("suppression_put")
    public static let suppressionLift = RedisScript.bundled("suppression_lift")
    public static let campaignCreate = RedisScript.bundled("campaign_create")
    public static let campaignAdd = RedisScript.bundled("campaign_add")
    public static let campaignState = RedisScript.bundled("campaign_state")
    public static let campaignTake = RedisScript.bundled("campaign_take")
    public static let campaignAck = RedisScript.bundled("campaign_ack")
    public static let campaignWinner = RedisScript.bundled("campaign_winner")
    public static let conversion = RedisScript.bundled("conversion")
    public static let conversionHoldout = RedisScript.bundled("conversion_holdout")
    public static let eventPush = RedisScript.bundled("event_push")
    public static let eventAck = RedisScript.bundled("event_ack")
    public static let eventFail = RedisScript.bundled("event_fail")
    public static let eventReplay = RedisScript.bundled("event_replay")
    public static let eventLease = RedisScript.bundled("event_lease")

    public static let all = [
        enqueue, claim, sent, retry, promote, cancel, receipt, tokenInvalidate, rateTake, ratePause, hold,
        fatigueTake, fatigueGive, templatePut, templateDelete, linkCreate, clickLink, clickMessage, release,
        partitionsRecord, partitionsRetire, keyCreate, keyRevoke, suppressionPut, suppressionLift,
        campaignCreate, campaignAdd, campaignState, campaignTake, campaignAck, campaignWinner, conversion,
        conversionHoldout, eventPush, eventAck, eventFail, eventReplay, eventLease,
    ]
}
