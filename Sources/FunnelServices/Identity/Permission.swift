/// A permission a role grants, checked by the services before every change.
public struct Permission: Hashable, Sendable, CustomStringConvertible {
    /// The permission's name as roles list it (`leads.assign`).
    public let name: String

    public init(_ name: String) { self.name = name }

    public var description: String { name }

    /// Everything: an administrator's permission.
    public static let admin = Permission("admin")
    public static let leadsView = Permission("leads.view")
    public static let leadsEdit = Permission("leads.edit")
    public static let leadsAssign = Permission("leads.assign")
    public static let leadsMerge = Permission("leads.merge")
    public static let leadsConvert = Permission("leads.convert")
    public static let dealsView = Permission("deals.view")
    public static let dealsEdit = Permission("deals.edit")
    public static let contentView = Permission("content.view")
    public static let contentEdit = Permission("content.edit")
    public static let contentSubmit = Permission("content.submit")
    public static let contentSchedule = Permission("content.schedule")
    public static let contentApprove = Permission("content.approve")
    public static let usersView = Permission("users.view")
    public static let usersManage = Permission("users.manage")
    public static let dataImport = Permission("data.import")
    public static let dataExport = Permission("data.export")

    /// Whether a role with `granted` permissions has this one (`admin` and `area.*` grant widely).
    public func isGranted(by granted: [String]) -> Bool {
        if granted.contains("admin") || granted.contains(name) { return true }
        if let area = name.split(separator: ".").first, granted.contains("\(area).*") { return true }
        return false
    }
}
