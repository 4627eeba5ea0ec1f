import Foundation
import FunnelStore

/// The settings of an organization, stored as a JSON object; absent keys take their defaults.
public struct OrganizationSettings: Codable, Sendable, Equatable {
    /// Whether users must give their password to act (otherwise the OS account is the boundary).
    public var requireSignIn: Bool
    /// The first day of the week in calendars: 1 = Sunday ... 7 = Saturday (Calendar's numbering).
    public var weekStartsOn: Int
    /// The IANA time zone the organization works in (users see their own local time).
    public var timeZone: String

    public init(requireSignIn: Bool = false, weekStartsOn: Int = 2, timeZone: String = "UTC") {
        self.requireSignIn = requireSignIn
        self.weekStartsOn = weekStartsOn
        self.timeZone = timeZone
    }

    enum CodingKeys: String, CodingKey {
        case requireSignIn = "require_sign_in"
        case weekStartsOn = "week_starts_on"
        case timeZone = "time_zone"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requireSignIn = try container.decodeIfPresent(Bool.self, forKey: .requireSignIn) ?? false
        weekStartsOn = try container.decodeIfPresent(Int.self, forKey: .weekStartsOn) ?? 2
        timeZone = try container.decodeIfPresent(String.self, forKey: .timeZone) ?? "UTC"
    }

    /// The settings of an organization (defaults where its JSON is silent or unreadable).
    public init(of organization: Organization) {
        self = (try? JSONDecoder().decode(Self.self, from: Data(organization.settings.utf8))) ?? Self()
    }

    /// The JSON text to store.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
