import CArgon2
import Foundation

/// Hashes and verifies passwords with argon2id (memory-hard), in PHC string form.
public struct PasswordHasher: Sendable {
    /// Passes over memory.
    public var iterations: UInt32
    /// Memory in KiB.
    public var memoryKiB: UInt32
    public var parallelism: UInt32

    /// OWASP's recommended argon2id settings: 19 MiB, 2 iterations, 1 lane.
    public static let standard = PasswordHasher(iterations: 2, memoryKiB: 19 * 1024, parallelism: 1)

    public init(iterations: UInt32, memoryKiB: UInt32, parallelism: UInt32) {
        self.iterations = iterations
        self.memoryKiB = memoryKiB
        self.parallelism = parallelism
    }

    /// The PHC string (`$argon2id$v=19$m=...`) of `password` with a fresh random salt.
    public func hash(_ password: String) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let hashLength = 32
        let encodedLength = argon2_encodedlen(iterations, memoryKiB, parallelism, UInt32(salt.count), UInt32(hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: encodedLength)
        let bytes = Array(password.utf8)
        let code = argon2id_hash_encoded(
            iterations, memoryKiB, parallelism, bytes, bytes.count, salt, salt.count, hashLength,
            &encoded, encodedLength)
        guard code == ARGON2_OK.rawValue else {
            throw ServiceError.invalid(field: "password", problem: String(cString: argon2_error_message(code)))
        }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches a PHC string made by `hash`.
    public static func verify(_ password: String, against encoded: String) -> Bool {
        let bytes = Array(password.utf8)
        return argon2id_verify(encoded, bytes, bytes.count) == ARGON2_OK.rawValue
    }

    /// Why a new password is not acceptable, or nil.
    public static func problem(with password: String) -> String? {
        if password.count < 10 { return "a password needs at least 10 characters" }
        if password.utf8.count > 1024 { return "a password may have at most 1024 bytes" }
        return nil
    }
}
