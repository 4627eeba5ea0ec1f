// The ninth version of the schema: learned scoring models, versioned per organization.
//
// - `scoring_models`: each model `funnel score learn` fitted on the organization's outcomes, as
//   the JSON the scoring service reads (`model`: its features, weights, calibration and grades),
//   with what it was learned from and how well it ranked those leads (cross-validated AUC, and
//   the rules' on the same leads) kept in columns for lists. A model is never changed once
//   written; `version` counts the organization's models from 1. Which one is in force is the
//   organization's setting (`settings.scoring.learned_model`), changed as an activity; without
//   one the rules score.

enum SchemaV9 {
    static var statements: [String] {
        [
            """
            CREATE TABLE scoring_models (
              id INTEGER PRIMARY KEY,
              org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
              version INTEGER NOT NULL CONSTRAINT "version must be 1 or more" CHECK (version >= 1),
              created_at TEXT NOT NULL,
              created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
              outcomes INTEGER NOT NULL CONSTRAINT "outcomes must be 0 or more" CHECK (outcomes >= 0),
              converted INTEGER NOT NULL CONSTRAINT "converted must be between 0 and outcomes" CHECK (converted BETWEEN 0 AND outcomes),
              cv_auc REAL NOT NULL CONSTRAINT "cv_auc must be between 0 and 1" CHECK (cv_auc BETWEEN 0 AND 1),
              rules_cv_auc REAL CONSTRAINT "rules_cv_auc must be between 0 and 1" CHECK (rules_cv_auc IS NULL OR rules_cv_auc BETWEEN 0 AND 1),
              \(SchemaV1.json("model", type: "object")),
              UNIQUE (org_id, version)
            ) STRICT
            """,
        ]
    }
}
