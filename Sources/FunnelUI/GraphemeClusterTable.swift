import Foundation

/// The process-wide table of multi-scalar grapheme clusters shown in cells, so that `Cell` stays a plain
/// 8-byte value: a cell stores a cluster's index here instead of a `String`.
///
/// Clusters are interned by their exact UTF-8 bytes (not by canonical equivalence, so a cell gives back exactly
/// the `Character` it was created with) and never removed; the table only grows with the distinct emoji
/// sequences, flags and combined characters ever drawn.
@usableFromInline
final class GraphemeClusterTable: @unchecked Sendable {
    /// Set in `Cell.grapheme` when the value is a table index rather than a Unicode scalar (scalars are < 2^21).
    @usableFromInline static let clusterFlag: UInt32 = 1 << 31

    /// The table shared by all cells.
    static let shared = GraphemeClusterTable()

    /// A string compared and hashed by its exact bytes.
    private struct ExactText: Hashable {
        let text: String
        static func == (lhs: ExactText, rhs: ExactText) -> Bool { lhs.text.utf8.elementsEqual(rhs.text.utf8) }
        func hash(into hasher: inout Hasher) {
            for byte in text.utf8 { hasher.combine(byte) }
        }
    }

    private let lock = NSLock()
    private var indices: [ExactText: UInt32] = [:]
    private var clusters: [Character] = []

    /// The `Cell.grapheme` value for a character: its scalar value, or the flagged index of the cluster.
    static func encode(_ character: Character) -> UInt32 {
        var scalars = character.unicodeScalars.makeIterator()
        guard let first = scalars.next() else { return 0x20 }
        if scalars.next() == nil { return first.value }
        return shared.index(of: character) | clusterFlag
    }

    /// The index of a cluster, adding it on first use.
    private func index(of character: Character) -> UInt32 {
        let key = ExactText(text: String(character))
        return lock.withLock {
            if let existing = indices[key] { return existing }
            let index = UInt32(clusters.count)
            precondition(index < Self.clusterFlag, "too many distinct grapheme clusters")
            clusters.append(character)
            indices[key] = index
            return index
        }
    }

    /// The character for a flagged `Cell.grapheme` value.
    func character(for grapheme: UInt32) -> Character {
        let index = Int(grapheme & ~Self.clusterFlag)
        return lock.withLock { clusters[index] }
    }
}
