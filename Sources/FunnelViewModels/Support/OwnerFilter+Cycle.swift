import FunnelStore

extension OwnerFilter {
    /// The next owner filter the `o` key gives: everyone's, mine, unassigned, and round again.
    public func cycled(me userId: Int64) -> OwnerFilter {
        switch self {
        case .anyone: return .user(userId)
        case .user: return .unassigned
        case .unassigned: return .anyone
        }
    }

    /// The filter in words, as the filter line shows it.
    public var label: String {
        switch self {
        case .anyone: return "everyone's"
        case .user: return "mine"
        case .unassigned: return "unassigned"
        }
    }
}
