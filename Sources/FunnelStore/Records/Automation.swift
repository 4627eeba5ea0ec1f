import Foundation
internal import GRDB

/// An AI agent configured by an organization.
public struct AIAgent: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var orgId: Int64
    public var name: String
    public var type: AgentType
    public var config: String
    public var prompts: String
    public var state: String
    public var isActive: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, orgId: Int64, name: String, type: AgentType, config: String = "{}",
        prompts: String = "{}", state: String = "{}", isActive: Bool = true, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.name = name
        self.type = type
        self.config = config
        self.prompts = prompts
        self.state = state
        self.isActive = isActive
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// An automation: a trigger and the steps it runs.
public struct Workflow: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var orgId: Int64
    public var agentId: Int64?
    public var name: String
    public var triggerType: TriggerType
    /// The steps as a JSON array.
    public var steps: String
    public var isActive: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, orgId: Int64, agentId: Int64? = nil, name: String, triggerType: TriggerType,
        steps: String = "[]", isActive: Bool = true, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.agentId = agentId
        self.name = name
        self.triggerType = triggerType
        self.steps = steps
        self.isActive = isActive
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One run of a workflow.
public struct WorkflowRun: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var workflowId: Int64
    public var status: RunStatus
    public var input: String
    public var output: String?
    public var startedAt: Date?
    public var completedAt: Date?
    public var error: String?

    public init(
        id: Int64? = nil, workflowId: Int64, status: RunStatus, input: String = "{}", output: String? = nil,
        startedAt: Date? = nil, completedAt: Date? = nil, error: String? = nil
    ) {
        self.id = id
        self.workflowId = workflowId
        self.status = status
        self.input = input
        self.output = output
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.error = error
    }
}

extension AIAgent {
    public static let tableName = "ai_agents"
}

extension Workflow {
    public static let tableName = "workflows"
}

extension WorkflowRun {
    public static let tableName = "workflow_runs"
}
