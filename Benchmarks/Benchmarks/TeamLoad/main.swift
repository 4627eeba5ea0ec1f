import Foundation
import FunnelServices
import FunnelStore

// The team mode under load (issue 17): simulated users, each with a connection of their own
// signed in as their own PostgreSQL login, triage leads, move deals and approve content for a
// while, through the same services as the panes. Then, as the owner: every success reported is
// in the audit trail by its user (no lost write), and each user, through their own connection,
// finds no row of another organization.
//
// Usage: swift run -c release TeamLoad ADMIN_URL [USERS] [SECONDS] [THINK_MS]
// ADMIN_URL is the owner's URL of a database holding a migrated demo (scripts/team-load.sh makes one).
// THINK_MS: each user's pause between two actions, on average (a person reads the screen before
// the next key): 0, the default, has every user act back to back (the server saturated).

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: TeamLoad ADMIN_URL [USERS] [SECONDS]\n".utf8))
    exit(2)
}
let adminURL = arguments[1]
let userCount = arguments.count > 2 ? Int(arguments[2]) ?? 50 : 50
let seconds = arguments.count > 3 ? Double(arguments[3]) ?? 60 : 60
let thinkMilliseconds = arguments.count > 4 ? Double(arguments[4]) ?? 0 : 0
let password = "team-load-password"

enum Load {
    /// `adminURL` signed in as `user` with `password`.
    @Sendable static func url(_ adminURL: String, for user: String, password: String) -> String {
        guard let scheme = adminURL.range(of: "://"), let at = adminURL.range(of: "@", range: scheme.upperBound..<adminURL.endIndex) else { return adminURL }
        return String(adminURL[..<scheme.upperBound]) + user.replacingOccurrences(of: "@", with: "%40") + ":" + password + String(adminURL[at.lowerBound...])
    }

    /// A body's value and how long it took, in milliseconds.
    @Sendable static func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let value = try body()
        return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }

    /// Whether an error is a refusal the user is told (a stale version, a permission, four eyes,
    /// a value the rules refuse), not a failure: a store's failure (a deadlock, a lost connection)
    /// is an error even when a service passes it on.
    @Sendable static func isRefusal(_ error: any Error) -> Bool {
        switch error {
        case ServiceError.store(.constraint), StoreError.constraint: return true
        case ServiceError.store, is StoreError: return false
        case is ServiceError: return true
        default: return false
        }
    }
}

// The simulated users: load-N in each organization in turn, with a role in turn.
let admin = try StoreLocation(adminURL).openStore(create: false)
let organizations = try admin.snapshot { try $0.organizations() }
let roles = ["sales_rep", "sales_rep", "marketer", "manager", "sales_rep"]
var users: [(email: String, orgId: Int64, role: String)] = []
for index in 1...userCount {
    let organization = organizations[index % organizations.count]
    let email = "load-\(index)@\(organization.slug).example"
    let role = roles[index % roles.count]
    users.append((email, organization.id ?? 0, role))
    if try admin.snapshot({ try $0.user(email: email) }) == nil {
        let adminUser = try admin.snapshot { reader in try reader.users(orgId: organization.id ?? 0).first { $0.isActive } }
        guard let adminUser else { fatalError("\(organization.name) has no active user") }
        let session = try IdentityService(database: admin).signIn(email: adminUser.email, password: nil)
        _ = try admin.transaction { tx in
            try tx.addUser(User(orgId: session.orgId, roleId: try tx.role(name: role)?.id ?? 0, email: email, name: "Load \(index)",
                                createdAt: Date(), updatedAt: Date()), roleName: role, password: password)
        }
    }
}

/// What one kind of action did.
final class Tally: @unchecked Sendable {
    let lock = NSLock()
    var latencies: [String: [Double]] = [:]
    var refused: [String: Int] = [:]
    var errors: [String: [String]] = [:]
    var successes: [(user: String, action: String, entity: EntityType, id: Int64)] = []

    func ok(_ action: String, _ ms: Double, user: String, entity: EntityType, id: Int64) {
        lock.withLock {
            latencies[action, default: []].append(ms)
            successes.append((user, action, entity, id))
        }
    }
    func read(_ action: String, _ ms: Double) { lock.withLock { latencies[action, default: []].append(ms) } }
    func refuse(_ action: String) { lock.withLock { refused[action, default: 0] += 1 } }
    func fail(_ action: String, _ error: String) { lock.withLock { errors[action, default: []].append(error) } }
}

let tally = Tally()
let deadline = Date().addingTimeInterval(seconds)
let group = DispatchGroup()
let crossRows = Tally()


let loadUsers = users, loadOrganizations = organizations, loadDeadline = deadline
for user in loadUsers {
    group.enter()
    let thread = Thread {
        defer { group.leave() }
        do {
            let store = try StoreLocation(Load.url(adminURL, for: user.email, password: password)).openStore(create: false)
            let session = try IdentityService(database: store).signIn(email: nil, password: nil)
            let leads = LeadService(database: store), pipeline = PipelineService(database: store), content = ContentService(database: store)
            var random = SystemRandomNumberGenerator()
            var queueKey: ContentQueueKey?  // a marketer reads the queue page after page, as the pane scrolls
            while Date() < loadDeadline {
                if thinkMilliseconds > 0 { Thread.sleep(forTimeInterval: Double.random(in: 0.5...1.5, using: &random) * thinkMilliseconds / 1000) }
                switch user.role {
                case "marketer":
                    let (queue, ms) = try Load.timed { try content.queue(after: queueKey, limit: 20, in: session) }
                    tally.read("read approvals page", ms)
                    queueKey = queue.count == 20 ? queue.last?.queueKey : nil
                    guard let item = queue.filter({ $0.authorId != session.user.id }).randomElement(using: &random) else {
                        // Nothing left for this marketer to decide: they look again in a while, as
                        // the open pane would show a new submission (not a loop of reads).
                        if queueKey == nil { Thread.sleep(forTimeInterval: 1) }
                        continue
                    }
                    do {
                        let (_, ms) = try Load.timed { try content.approve([item.id], expecting: [item.id: item.version], in: session) }
                        tally.ok("approve content", ms, user: user.email, entity: .content, id: item.id)
                    } catch where Load.isRefusal(error) { tally.refuse("approve content") } catch { tally.fail("approve content", "\(error)") }
                default:
                    if Bool.random(using: &random) {
                        let (page, ms) = try Load.timed { try leads.list(LeadFilter(), limit: 50, in: session) }
                        tally.read("read leads page", ms)
                        guard let item = page.randomElement(using: &random) else { continue }
                        let status = LeadStatus.allCases.filter { $0 != item.lead.status && $0 != .converted }.randomElement(using: &random) ?? .contacted
                        do {
                            let (_, ms) = try Load.timed {
                                try leads.setStatus([item.id], to: status, reason: status == .lost || status == .unqualified ? "load test" : nil,
                                                    expecting: [item.id: item.lead.version], in: session)
                            }
                            tally.ok("set lead status", ms, user: user.email, entity: .lead, id: item.id)
                        } catch where Load.isRefusal(error) { tally.refuse("set lead status") } catch { tally.fail("set lead status", "\(error)") }
                    } else {
                        let (page, ms) = try Load.timed { try pipeline.list(DealFilter(), in: session) }
                        tally.read("read deals page", ms)
                        guard let item = page.filter({ !$0.deal.stage.isClosed }).randomElement(using: &random) else { continue }
                        let stage = [DealStage.prospecting, .qualification, .proposal, .negotiation].filter { $0 != item.deal.stage }.randomElement(using: &random) ?? .proposal
                        do {
                            let (_, ms) = try Load.timed { try pipeline.move(item.deal.id ?? 0, to: stage, expecting: item.deal.version, in: session) }
                            tally.ok("move deal", ms, user: user.email, entity: .deal, id: item.deal.id ?? 0)
                        } catch where Load.isRefusal(error) { tally.refuse("move deal") } catch { tally.fail("move deal", "\(error)") }
                    }
                }
            }
            // Another organization's rows, asked for by this user's own connection: none.
            for other in loadOrganizations where other.id != user.orgId {
                let seen = try store.snapshot { reader in
                    try reader.leads(orgId: other.id ?? 0, filter: LeadFilter(), after: nil, limit: 50).count
                        + reader.deals(orgId: other.id ?? 0, filter: DealFilter(), sort: .closeDate, descending: false, after: nil, limit: 50).count
                        + reader.pendingContent(orgId: other.id ?? 0, after: nil, limit: 50).count
                        + reader.users(orgId: other.id ?? 0).count
                        + reader.recentActivities(orgId: other.id ?? 0, limit: 50).count
                }
                if seen > 0 { crossRows.fail("cross-organization rows", "\(user.email) saw \(seen) rows of \(other.name)") }
            }
        } catch {
            tally.fail("session", "\(user.email): \(error)")
        }
    }
    thread.start()
}
group.wait()

// Every success is in the audit trail, by its user, on its record (no lost write).
var lost: [String] = []
let byRecord = Dictionary(grouping: tally.successes) { "\($0.entity.rawValue)#\($0.id)" }
let emails = Dictionary(uniqueKeysWithValues: try admin.snapshot { reader in
    try organizations.flatMap { try reader.users(orgId: $0.id ?? 0) }.map { ($0.id ?? 0, $0.email) }
})
let actionNames = ["set lead status": "status_changed", "move deal": "stage_changed", "approve content": "approved"]
for (_, successes) in byRecord {
    guard let first = successes.first, let orgId = users.first(where: { $0.email == first.user })?.orgId else { continue }
    let trail = try admin.snapshot { try $0.activities(orgId: orgId, entityType: first.entity, entityId: first.id, limit: 10_000) }
    for (key, group) in Dictionary(grouping: successes, by: { "\($0.user)|\($0.action)" }) {
        let parts = key.split(separator: "|").map(String.init)
        let recorded = trail.filter { emails[$0.userId ?? 0] == parts[0] && $0.action == actionNames[parts[1]] }.count
        if recorded < group.count { lost.append("\(first.entity.rawValue) #\(first.id): \(group.count) \(parts[1]) by \(parts[0]) reported, \(recorded) in the trail") }
    }
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}
print("Team load: \(userCount) users (each their own login, \(organizations.count) organizations), \(Int(seconds)) s, "
      + (thinkMilliseconds > 0 ? "\(Int(thinkMilliseconds)) ms between a user's actions on average" : "no pause between a user's actions"))
print("action                 done  refused  errors   p50 ms   p99 ms")
for action in tally.latencies.keys.sorted() {
    let values = tally.latencies[action] ?? []
    print(String(format: "%-20@ %6d  %7d  %6d  %7.2f  %7.2f", action as NSString, values.count, tally.refused[action] ?? 0,
                 tally.errors[action]?.count ?? 0, percentile(values, 0.5), percentile(values, 0.99)))
}
let errorCount = tally.errors.values.reduce(0) { $0 + $1.count }
print("errors: \(errorCount)\(errorCount > 0 ? " (first: \(tally.errors.values.flatMap { $0 }.prefix(3).joined(separator: "; ")))" : "")")
print("lost writes: \(lost.count) of \(tally.successes.count) successes checked against the audit trail\(lost.isEmpty ? "" : " (first: \(lost.prefix(3).joined(separator: "; ")))")")
let cross = crossRows.errors.values.reduce(0) { $0 + $1.count }
print("rows seen across organizations: \(cross)\(cross > 0 ? " (\(crossRows.errors.values.flatMap { $0 }.prefix(3).joined(separator: "; ")))" : "")")
exit(errorCount == 0 && lost.isEmpty && cross == 0 ? 0 : 1)
