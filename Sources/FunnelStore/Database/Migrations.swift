internal import GRDB

extension AppDatabase {
    /// Every migration of Funnel's schema, in order. Never edit a shipped migration: add one.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 platform schema") { db in
            for statement in SchemaV1.statements {
                try db.execute(sql: statement)
            }
            try db.execute(sql: "PRAGMA application_id = \(AppDatabase.applicationID)")
            try db.execute(sql: "PRAGMA user_version = 1")
        }
        migrator.registerMigration("v2 pipeline and import") { db in
            for statement in SchemaV2.statements {
                try db.execute(sql: statement)
            }
            try db.execute(sql: "PRAGMA user_version = 2")
        }
        migrator.registerMigration("v3 content calendar") { db in
            for statement in SchemaV3.statements {
                try db.execute(sql: statement)
            }
            try db.execute(sql: "PRAGMA user_version = 3")
        }
        migrator.registerMigration("v4 import log") { db in
            for statement in SchemaV4.statements {
                try db.execute(sql: statement)
            }
            try db.execute(sql: "PRAGMA user_version = 4")
        }
        migrator.registerMigration("v5 leads search words") { db in
            for statement in SchemaV5.statements {
                try db.execute(sql: statement)
            }
            try db.execute(sql: "PRAGMA user_version = 5")
        }
        migrator.registerMigration("v6 record versions") { db in
            for statement in SchemaV6.statements {
                try db.execute(sql: statement)
            }
            try db.execute(sql: "PRAGMA user_version = 6")
        }
        migrator.registerMigration("v7 lead attributes and keys") { db in
            try SchemaV7.migrate(db)
            try db.execute(sql: "PRAGMA user_version = 7")
        }
        migrator.registerMigration("v8 import linked rows") { db in
            for statement in SchemaV8.statements {
                try db.execute(sql: statement)
            }
            try db.execute(sql: "PRAGMA user_version = 8")
        }
        migrator.registerMigration("v9 scoring models") { db in
            for statement in SchemaV9.statements {
                try db.execute(sql: statement)
            }
            try db.execute(sql: "PRAGMA user_version = 9")
        }
        return migrator
    }()
}
