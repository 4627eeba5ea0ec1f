/// A fuzzy match: how good it is and which characters matched.
public struct FuzzyMatch: Hashable, Sendable {
    /// Higher is better.
    public var score: Int
    /// Offsets (in Characters) of the matched characters in the candidate.
    public var indices: [Int]
}

/// fzf-like subsequence matching: case-insensitive, bonuses for consecutive and word-start matches.
public struct FuzzyMatcher: Sendable {
    /// The lower-cased query characters.
    public let query: [Character]

    /// Creates a matcher for a query (spaces are ignored).
    public init(_ query: String) {
        self.query = Array(query.lowercased().filter { $0 != " " })
    }

    /// The best match of the query in `candidate`, or nil if it is not a subsequence.
    public func match(_ candidate: String) -> FuzzyMatch? {
        let chars = Array(candidate)
        if query.isEmpty { return FuzzyMatch(score: 0, indices: []) }
        let lower = chars.map { Character($0.lowercased()) }
        let n = lower.count, m = query.count
        guard m <= n else { return nil }
        // Quick reject: not a subsequence.
        var qi = 0
        for c in lower where qi < m && c == query[qi] { qi += 1 }
        guard qi == m else { return nil }

        let bonus = (0..<n).map { Self.positionBonus(chars, $0) }
        // best[i][j]: best score matching query[0...i] with query[i] at candidate j; -1 = impossible.
        let impossible = Int.min / 2
        var best = Array(repeating: Array(repeating: impossible, count: n), count: m)
        var from = Array(repeating: Array(repeating: -1, count: n), count: m)
        for i in 0..<m {
            var runningBest = impossible, runningIndex = -1
            for j in 0..<n {
                if i > 0 && j > 0 {
                    // Best previous position strictly before j, with a gap penalty.
                    let candidate = best[i - 1][j - 1]
                    if candidate > impossible && candidate >= runningBest { runningBest = candidate; runningIndex = j - 1 }
                }
                guard lower[j] == query[i] else { continue }
                if i == 0 {
                    best[i][j] = 16 + bonus[j] * 2 - min(j, 10)
                    continue
                }
                var score = impossible, source = -1
                if j > 0 && best[i - 1][j - 1] > impossible {
                    score = best[i - 1][j - 1] + 16 + max(bonus[j], 8)
                    source = j - 1
                }
                if runningIndex >= 0 {
                    let gap = j - runningIndex - 1
                    let alt = runningBest + 16 + bonus[j] - 3 - gap
                    if alt > score { score = alt; source = runningIndex }
                }
                best[i][j] = score
                from[i][j] = source
            }
        }
        var end = -1, top = impossible
        for j in 0..<n where best[m - 1][j] > top { top = best[m - 1][j]; end = j }
        guard end >= 0 else { return nil }
        var indices = [Int](repeating: 0, count: m)
        var j = end
        for i in stride(from: m - 1, through: 0, by: -1) {
            indices[i] = j
            j = from[i][j]
        }
        return FuzzyMatch(score: top, indices: indices)
    }

    private static func positionBonus(_ chars: [Character], _ index: Int) -> Int {
        guard index > 0 else { return 10 }
        let previous = chars[index - 1], current = chars[index]
        if previous == " " || previous == "-" || previous == "_" || previous == "." || previous == "/" || previous == ":" { return 9 }
        if previous.isLowercase && current.isUppercase { return 7 }
        if !previous.isLetter && !previous.isNumber && (current.isLetter || current.isNumber) { return 8 }
        return 0
    }

    /// Candidates that match, best first (ties keep the original order), with their index in `candidates`.
    public func rank(_ candidates: [String]) -> [(index: Int, match: FuzzyMatch)] {
        candidates.enumerated()
            .compactMap { offset, text in match(text).map { (offset, $0) } }
            .sorted { $0.1.score != $1.1.score ? $0.1.score > $1.1.score : $0.0 < $1.0 }
    }
}
