@testable import FunnelStore
import FunnelTestSupport

extension TestWorkspace {
    /// The workspace's store as the SQLite store it is, for tests of its internals.
    var sqlite: AppDatabase { database as! AppDatabase }
}
