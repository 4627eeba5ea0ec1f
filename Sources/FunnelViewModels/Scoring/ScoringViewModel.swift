import Foundation
import FunnelServices
import FunnelStore

/// The scoring view: the model in force (the rules, or a learned model version), the versions the
/// organization learned, and for the one selected its factors and points, its cross-validated AUC
/// against the rules', its calibration and what it learned from. An administrator learns a new
/// model off the main thread (with progress; `stop` ends it and nothing is stored), then confirms
/// to use it, switches to another version, or goes back to the rules; each switch is an activity
/// and rescores every lead. Others see it all and are told what they lack when they ask for a change.
@MainActor
public final class ScoringViewModel: PaneMessage {
    public enum Stage: Sendable, Equatable {
        /// The versions and the selected one's details.
        case browsing
        /// Learning a model (progress in `learningStep`).
        case learning
        /// A model just learned (`report`), stored as `version`: use it now (yes) or not (no)?
        case confirmingLearned(version: Int)
        /// A switch asked for, to a version or (nil) the rules: yes or no?
        case confirmingSwitch(version: Int?)
        /// Switching and rescoring every lead (progress in `rescoreProgress`).
        case switching(version: Int?)
    }

    /// One line of the versions list: a learned model (newest first), or the rules (the last line).
    ///
    /// Plain values, not the stored model: an `Entry` holding an optional `StoredScoringModel`,
    /// unwrapped while borrowed in a loop, crashed the release build's optimizer (Swift 6.3, an
    /// ownership error in `renderVersions`).
    public struct Entry: Sendable, Equatable {
        /// The model's version; nil for the rules.
        public let version: Int?
        public let createdAt: Date?
        public let cvAUC: Double?

        init(stored: StoredScoringModel?) {
            version = stored?.version
            createdAt = stored?.createdAt
            cvAUC = stored?.cvAUC
        }
    }

    /// The stored model of a version.
    func storedModel(_ version: Int?) -> StoredScoringModel? {
        guard let version else { return nil }
        for model in models where model.version == version { return model }
        return nil
    }

    /// What the view shows of the selected version (or of the rules).
    public struct Details: Sendable {
        /// `Learned model v2`, or `The rules`.
        public let title: String
        public let version: Int?
        public let isInForce: Bool
        /// The model itself (nil for the rules, or a model whose stored JSON cannot be read).
        public let model: LearnedScoringModel?
        /// What it is, learned from and how well it ranks, one line each.
        public let summary: [String]
        /// Its factors (or rules) with their points, strongest first.
        public let factors: [ScoringFactor]
        /// Predicted against observed conversion by tenth of the predictions (learned models).
        public var calibration: [CalibrationBand] { model?.calibration ?? [] }
    }

    public private(set) var session: Session
    let service: ScoringService
    public private(set) var stage: Stage = .browsing {
        didSet { revision += 1 }
    }
    /// Counts changes the screen must draw (stage, selection, message, a reload).
    public private(set) var revision = 0
    public var message: String? {
        didSet { revision += 1 }
    }
    /// The version in force; nil while the rules score.
    public private(set) var inForce: Int?
    /// The organization's learned models, newest first.
    public private(set) var models: [StoredScoringModel] = []
    /// The line of `entries` the user is on.
    public private(set) var selected = 0
    /// The report of the last model learned here.
    public private(set) var report: ScoreLearningReport?
    /// How far learning has gone, as last polled (`refreshProgress`).
    public private(set) var learningStep: ScoreLearningProgress?
    /// Leads rescored and in all, as last polled while switching.
    public private(set) var rescoreProgress = (done: 0, total: 0)
    /// When the run in progress started.
    public private(set) var startedAt = Date()
    /// Learned models read so far, by version (and those that could not be, not read again).
    var decoded: [Int: LearnedScoringModel] = [:]
    var unreadable: Set<Int> = []
    /// The run in progress (learning or switching), for its progress and to stop it.
    var run: ScoringRun?
    var task: Task<Void, Never>?
    /// Bumped when a run is stopped, so its late result is dropped.
    var generation = 0
    /// Told each step of learning on the learning thread (tests hold a run at a step with it).
    var onLearningStep: (@Sendable (ScoreLearningProgress) -> Void)?
    /// Called after the organization switched models (the panes reload their scores).
    public var onSwitched: (@MainActor () -> Void)?

    public init(database: any Store, session: Session, clock: @escaping @Sendable () -> Date = WallClock.now) {
        self.session = session
        service = ScoringService(database: database, clock: clock)
        reload()
        selected = index(of: inForce) ?? 0
    }

    /// The line of a version in `entries` (nil: the rules, the last line). A loop over the models
    /// rather than `entries.firstIndex { $0.version == ... }`: that closure over an `Entry` holding
    /// an optional model crashed the release build's optimizer (Swift 6.3, an ownership error).
    func index(of version: Int?) -> Int? {
        guard let version else { return models.count }
        for (index, model) in models.enumerated() where model.version == version { return index }
        return nil
    }

    /// Whether the user may learn and switch models (administrators).
    public var canAdminister: Bool { session.can(.admin) }

    /// The versions list: the learned models, newest first, then the rules.
    public var entries: [Entry] { models.map { Entry(stored: $0) } + [Entry(stored: nil)] }

    /// The line the user is on.
    public var selectedEntry: Entry { entries[min(selected, entries.count - 1)] }

    /// Whether a run (learning or switching) is in progress.
    public var isRunning: Bool {
        switch stage {
        case .learning, .switching: return true
        default: return false
        }
    }

    /// Reads the model in force and the versions again (another user may have learned or switched).
    public func reload() {
        let version = selectedEntry(in: models)
        do {
            inForce = try service.scorer(for: session).learned?.version
            models = try service.models(in: session)
        } catch {
            message = "\(error)"
        }
        selected = index(of: version) ?? min(selected, entries.count - 1)
        revision += 1
    }

    func selectedEntry(in models: [StoredScoringModel]) -> Int? {
        selected < models.count ? models[selected].version : nil
    }

    /// Moves in the versions list.
    public func move(by step: Int) {
        guard !isRunning else { return }
        selected = max(0, min(entries.count - 1, selected + step))
        revision += 1
    }

    /// Selects a version (nil: the rules).
    public func select(version: Int?) {
        guard let index = index(of: version) else { return }
        selected = index
        revision += 1
    }

    // MARK: - What the view shows

    /// The model in force in words: `The rules`, or `Learned model v2: learned on 1,500 outcomes on 10 Feb 2026, CV AUC 0.78`.
    public var inForceText: String {
        guard let inForce else { return "The rules" }
        return model(version: inForce)?.origin(version: inForce) ?? "Learned model v\(inForce)"
    }

    /// The selected version's details.
    public var details: Details { details(of: selectedEntry) }

    /// The details of a version (or of the rules).
    public func details(of entry: Entry) -> Details {
        guard let stored = storedModel(entry.version) else {
            let rules = ScoringService.model(for: session)
            let caps = "Fit (who the lead is) capped at \(Self.number(rules.fitCap)), engagement (what the lead did) at "
                + "\(Self.number(rules.engagementCap)); actions halve every \(Self.number(rules.halfLifeDays)) days"
            var summary = [caps, "Grades A ≥ \(rules.gradeThresholds.a), B ≥ \(rules.gradeThresholds.b), C ≥ \(rules.gradeThresholds.c)"]
            if let latest = models.first(where: { $0.rulesCvAUC != nil }), let rulesAUC = latest.rulesCvAUC {
                summary.append("CV AUC \(Self.auc(rulesAUC)) on the \(NumberText.grouped(latest.outcomes)) outcomes v\(latest.version) learned from "
                               + "(v\(latest.version): \(Self.auc(latest.cvAUC)))")
            } else {
                summary.append("No model learned yet: a model learns from the organization's outcomes (at least "
                               + "\(NumberText.grouped(ScoreLearningOptions.minimumOutcomes)), with \(ScoreLearningOptions.minimumConverted) converted and "
                               + "\(ScoreLearningOptions.minimumConverted) not)")
            }
            return Details(title: "The rules", version: nil, isInForce: inForce == nil, model: nil, summary: summary, factors: rules.factors())
        }
        let version = stored.version
        let title = "Learned model v\(version)"
        guard let model = model(version: version) else {
            return Details(title: title, version: version, isInForce: inForce == version, model: nil,
                           summary: ["v\(version) cannot be read: its stored model is not one this Funnel knows"], factors: [])
        }
        let converted = "\(NumberText.grouped(model.converted)) \(model.positive.map(\.rawValue).joined(separator: " or "))"
        var summary = [
            "Learned from \(NumberText.grouped(model.outcomes)) outcomes (\(converted), \(String(format: "%.1f", 100 * model.baseRate))%; "
                + "against \(model.negative.map(\.rawValue).joined(separator: " or "))) on \(Self.when(stored.createdAt))",
            "CV AUC \(Self.auc(model.cvAUC)) against the rules' \(model.rulesCvAUC.map(Self.auc) ?? "—") on the same leads "
                + "(\(model.folds)-fold cross-validation)",
            "A typical lead scores \(Int(model.typicalScore.rounded())); grades A ≥ \(model.gradeA), B ≥ \(model.gradeB), C ≥ \(model.gradeC) "
                + "(twice, once and half the conversion rate); \(model.features.count) factors",
        ]
        if let report, report.version == version {
            summary.append("Learned here in \(String(format: "%.1f", report.seconds)) s"
                           + (report.excludedAttributes.isEmpty ? "" : "; not used (no scoring feature): \(report.excludedAttributes.map(Self.oneLine).joined(separator: ", "))"))
        }
        return Details(title: title, version: version, isInForce: inForce == version, model: model, summary: summary, factors: model.factors())
    }

    /// A stored model, read once.
    func model(version: Int) -> LearnedScoringModel? {
        if let model = decoded[version] { return model }
        guard !unreadable.contains(version) else { return nil }
        guard let model = try? service.model(version: version, in: session) else {
            unreadable.insert(version)
            return nil
        }
        decoded[version] = model
        return model
    }

    // MARK: - Learning

    /// Learns a new model from the organization's outcomes, off the main thread (administrators).
    /// When it is done, the model is stored as the next version and the view asks whether to use it.
    public func learn() {
        guard !isRunning else { return }
        if let refusal = session.refusal("Learn a new model from the outcomes", needing: Permission.admin.name) {
            message = refusal
            return
        }
        generation += 1
        let generation = self.generation
        let run = ScoringRun()
        self.run = run
        let (service, session, hook) = (self.service, self.session, self.onLearningStep)
        learningStep = nil
        startedAt = Date()
        message = nil
        stage = .learning
        task = Task { [weak self] in
            let result = await BlockingWork.run(named: "funnel-learn", onCancel: { run.stop() }) { () -> Result<ScoreLearningReport, any Error> in
                Result {
                    try service.learn(in: session) { step in
                        run.step = step
                        hook?(step)
                        return !run.isStopped
                    }.1
                }
            }
            self?.finishLearning(result, generation: generation)
        }
    }

    func finishLearning(_ result: Result<ScoreLearningReport, any Error>, generation: Int) {
        guard generation == self.generation else { return }
        run = nil
        switch result {
        case .failure(let error) where error is CancellationError:
            message = "Stopped learning: nothing was stored"
            stage = .browsing
        case .failure(let error):
            message = "Not learned: \(error)"
            stage = .browsing
        case .success(let report):
            self.report = report
            decoded[report.version] = report.model
            reload()
            select(version: report.version)
            let model = report.model
            message = "Learned model v\(report.version) from \(NumberText.grouped(model.outcomes)) outcomes: CV AUC \(Self.auc(model.cvAUC))"
                + " against the rules' \(model.rulesCvAUC.map(Self.auc) ?? "—")"
            stage = .confirmingLearned(version: report.version)
        }
    }

    /// Stops learning: nothing is stored. (A switch, once begun, finishes: its rescoring is not stopped halfway.)
    public func stop() {
        guard stage == .learning else { return }
        generation += 1
        run?.stop()
        task?.cancel()
        run = nil
        message = "Stopped learning: nothing was stored"
        stage = .browsing
    }

    // MARK: - Switching

    /// Asks to score with the selected version (or the rules): the view asks yes or no first.
    public func askToUseSelected() {
        askToUse(version: selectedEntry.version)
    }

    /// Asks to go back to the rules.
    public func askToUseRules() {
        askToUse(version: nil)
    }

    func askToUse(version: Int?) {
        guard stage == .browsing else { return }
        let name = version.map { "learned model v\($0)" } ?? "the rules"
        if let refusal = session.refusal(version.map { "Score with learned model v\($0)" } ?? "Go back to the rules", needing: Permission.admin.name) {
            message = refusal
            return
        }
        guard version != inForce else {
            message = "Already scoring with \(name)"
            return
        }
        message = nil
        stage = .confirmingSwitch(version: version)
    }

    /// The question the view asks while it waits for yes or no.
    public var question: String? {
        switch stage {
        case .confirmingLearned(let version):
            let ranks = model(version: version).map {
                $0.rankingWarning.map { " Warning: \($0)." }
                    ?? " It ranks at CV AUC \(Self.auc($0.cvAUC)), the rules at \($0.rulesCvAUC.map(Self.auc) ?? "—") on the same leads."
            } ?? ""
            return "Score every lead with learned model v\(version) now, instead of \(inForceName)?\(ranks) (an activity; the rules stay the fallback)"
        case .confirmingSwitch(let version):
            return "Score every lead with \(version.map { "learned model v\($0)" } ?? "the rules") now, instead of \(inForceName)? (an activity)"
        default:
            return nil
        }
    }

    var inForceName: String { inForce.map { "learned model v\($0)" } ?? "the rules" }

    /// Yes: switches to the model asked about (the one just learned, or the one chosen) and rescores every lead.
    public func confirm() {
        switch stage {
        case .confirmingLearned(let version): use(version: version)
        case .confirmingSwitch(let version): use(version: version)
        default: break
        }
    }

    /// No: nothing changes (a model just learned stays stored as its version, not in force).
    public func decline() {
        switch stage {
        case .confirmingLearned(let version):
            message = "Model v\(version) stored, not in force: still scoring with \(inForceName)"
        case .confirmingSwitch(let version):
            message = "Not switched to \(version.map { "learned model v\($0)" } ?? "the rules"): still scoring with \(inForceName)"
        default:
            return
        }
        stage = .browsing
    }

    func use(version: Int?) {
        generation += 1
        let generation = self.generation
        let run = ScoringRun()
        self.run = run
        let (service, session) = (self.service, self.session)
        rescoreProgress = (0, 0)
        startedAt = Date()
        stage = .switching(version: version)
        task = Task { [weak self] in
            // A switch, once begun, finishes: cancelling does not stop its rescoring halfway.
            let result = await BlockingWork.run(named: "funnel-rescore", onCancel: {}) { () -> Result<(Session, RescoreResult), any Error> in
                Result {
                    try service.use(version: version, in: session) { done, total in
                        run.rescored = (done, total)
                        return true
                    }
                }
            }
            self?.finishSwitch(to: version, result, generation: generation)
        }
    }

    func finishSwitch(to version: Int?, _ result: Result<(Session, RescoreResult), any Error>, generation: Int) {
        guard generation == self.generation else { return }
        run = nil
        stage = .browsing
        let name = version.map { "learned model v\($0)" } ?? "the rules"
        switch result {
        case .failure(let error):
            message = "Not switched to \(name): \(error)"
            reload()
        case .success(let (session, rescored)):
            self.session = session
            reload()
            select(version: version)
            message = "Scoring with \(name); \(NumberText.grouped(rescored.leadsScanned)) leads rescored, "
                + "\(NumberText.grouped(rescored.scoresChanged)) scores changed"
            onSwitched?()
        }
    }

    // MARK: - Progress

    /// Polled by the screen's tick: true when the run's progress moved.
    public func refreshProgress() -> Bool {
        guard let run else { return false }
        switch stage {
        case .learning:
            let step = run.step
            guard step != learningStep else { return false }
            learningStep = step
            return true
        case .switching:
            let rescored = run.rescored
            guard rescored != rescoreProgress else { return false }
            rescoreProgress = rescored
            return true
        default:
            return false
        }
    }

    /// Learning's progress as a fraction (reading the leads is the first fifth) and in words.
    public var learningProgressText: (fraction: Double, text: String) {
        switch learningStep {
        case nil:
            return (0, "Starting")
        case .reading(let done, let total):
            return (total > 0 ? 0.2 * Double(done) / Double(total) : 0,
                    "Reading the leads: \(NumberText.grouped(done)) of \(NumberText.grouped(total))")
        case .fitting(let fold, let of):
            let fraction = 0.2 + 0.8 * Double(fold - 1) / Double(max(1, of))
            return (fraction, fold < of ? "Cross-validating: fold \(fold) of \(of - 1)" : "Fitting the model on every outcome")
        }
    }

    // MARK: - Text

    static func auc(_ value: Double) -> String { String(format: "%.3f", value) }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// `10 Feb 2026 09:30` (UTC, as models are stored and the command line shows them).
    static func when(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy HH:mm 'UTC'"
        return formatter.string(from: date)
    }

    /// Text on one line: its line breaks as spaces.
    public static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }
}

/// A run's progress, written by its thread and read by the screen's, and whether it was asked to stop.
final class ScoringRun: @unchecked Sendable {
    private let lock = NSLock()
    private var storedStep: ScoreLearningProgress?
    private var storedRescored = (done: 0, total: 0)
    private var stopped = false

    var step: ScoreLearningProgress? {
        get { lock.withLock { storedStep } }
        set { lock.withLock { storedStep = newValue } }
    }

    var rescored: (done: Int, total: Int) {
        get { lock.withLock { storedRescored } }
        set { lock.withLock { storedRescored = newValue } }
    }

    var isStopped: Bool { lock.withLock { stopped } }

    func stop() { lock.withLock { stopped = true } }
}
