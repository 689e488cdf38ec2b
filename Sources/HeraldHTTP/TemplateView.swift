import Foundation
import HeraldCore

/// A template version as the API shows it.
struct TemplateView: Encodable {
    let name: String
    let version: Int
    let channel: String
    let required: [String]
    let shortenLinks: Bool
    let createdAt: String
    let locales: [String: TemplateVariant]

    enum CodingKeys: String, CodingKey {
        case name, version, channel, required, locales
        case shortenLinks = "shorten_links"
        case createdAt = "created_at"
    }

    init(_ template: MessageTemplate) {
        name = template.name
        version = template.version
        channel = template.channel.rawValue
        required = template.required
        shortenLinks = template.shortenLinks
        createdAt = MessageView.time(template.createdAtMillis)
        locales = template.locales
    }
}
