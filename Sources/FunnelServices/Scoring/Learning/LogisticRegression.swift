import Foundation

/// Rows of features, most of them zero: each row lists the features it has (and their values).
///
/// One-hot features (a source, a job, an age band) are 1 where present; an action feature holds a
/// number. Kept as three flat arrays (compressed rows) so that a million rows are a few arrays,
/// not a million of them.
public struct SparseRows: Sendable {
    /// Where each row's entries start in `features` and `values`; `starts[count]` is the end.
    public private(set) var starts: [Int] = [0]
    public private(set) var features: [Int32] = []
    public private(set) var values: [Double] = []

    public init() {}

    public var count: Int { starts.count - 1 }

    /// Adds a row from (feature, value) entries.
    public mutating func append<S: Sequence>(_ entries: S) where S.Element == (Int, Double) {
        for (feature, value) in entries where value != 0 {
            features.append(Int32(feature))
            values.append(value)
        }
        starts.append(features.count)
    }

    /// The rows at `indices`, in that order.
    public func subset(_ indices: [Int]) -> SparseRows {
        var rows = SparseRows()
        rows.starts.reserveCapacity(indices.count + 1)
        for index in indices {
            for entry in starts[index]..<starts[index + 1] {
                rows.features.append(features[entry])
                rows.values.append(values[entry])
            }
            rows.starts.append(rows.features.count)
        }
        return rows
    }

    /// The linear predictor of row `row`: the intercept plus the weights of its features.
    @inline(__always)
    func margin(_ row: Int, weights: UnsafeBufferPointer<Double>, intercept: Double) -> Double {
        var z = intercept
        for entry in starts[row]..<starts[row + 1] { z += weights[Int(features[entry])] * values[entry] }
        return z
    }
}

/// A logistic regression with an L2 penalty, fitted by L-BFGS: the model scikit-learn's
/// `LogisticRegression` fits by default (`C = 1`: the penalty is half the weights' squared length,
/// the loss is summed over the rows; the intercept is not penalized).
public struct LogisticRegression: Sendable, Equatable {
    public var weights: [Double]
    public var intercept: Double

    public init(weights: [Double], intercept: Double) {
        self.weights = weights
        self.intercept = intercept
    }

    /// The probability that a row is positive.
    public func probability(_ rows: SparseRows, row: Int) -> Double {
        weights.withUnsafeBufferPointer { Self.sigmoid(rows.margin(row, weights: $0, intercept: intercept)) }
    }

    public static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }

    /// Fits the weights of `featureCount` features on `rows` labelled by `positive`.
    ///
    /// `c` is scikit-learn's inverse penalty. Stops when the gradient is small (`tolerance`, as
    /// scikit-learn's lbfgs does on the largest component) or after `maxIterations`; `shouldStop`
    /// is asked between iterations (the user pressed Esc) and throws `CancellationError` to stop.
    public static func fit(_ rows: SparseRows, positive: [Bool], featureCount: Int, c: Double = 1, maxIterations: Int = 500,
                           tolerance: Double = 1e-4, shouldStop: () -> Bool = { false }) throws -> LogisticRegression {
        precondition(rows.count == positive.count)
        let n = featureCount + 1  // the intercept is the last parameter
        let labels = positive.map { $0 ? 1.0 : 0.0 }
        // Start the intercept at the base rate's log-odds: the first steps are then about the features.
        let rate = min(max(labels.reduce(0, +) / Double(max(1, labels.count)), 1e-6), 1 - 1e-6)
        var x = [Double](repeating: 0, count: n)
        x[featureCount] = log(rate / (1 - rate))

        /// The objective (C × log-loss + ½|w|²) and its gradient.
        func evaluate(_ x: [Double], _ gradient: inout [Double]) -> Double {
            for index in gradient.indices { gradient[index] = 0 }
            var loss = 0.0
            x.withUnsafeBufferPointer { w in
                gradient.withUnsafeMutableBufferPointer { g in
                    rows.features.withUnsafeBufferPointer { features in
                        rows.values.withUnsafeBufferPointer { values in
                            rows.starts.withUnsafeBufferPointer { starts in
                                let intercept = w[featureCount]
                                for row in 0..<rows.count {
                                    var z = intercept
                                    for entry in starts[row]..<starts[row + 1] { z += w[Int(features[entry])] * values[entry] }
                                    let y = labels[row]
                                    // log(1 + e^z) - y z, computed without overflow.
                                    loss += (z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))) - y * z
                                    let residual = c * (sigmoid(z) - y)
                                    for entry in starts[row]..<starts[row + 1] { g[Int(features[entry])] += residual * values[entry] }
                                    g[featureCount] += residual
                                }
                            }
                        }
                    }
                }
            }
            var penalty = 0.0
            for index in 0..<featureCount {
                penalty += x[index] * x[index]
                gradient[index] += x[index]
            }
            return c * loss + penalty / 2
        }

        var gradient = [Double](repeating: 0, count: n)
        var value = evaluate(x, &gradient)
        let memory = 10
        var steps: [[Double]] = []
        var changes: [[Double]] = []
        var rhos: [Double] = []
        var newGradient = gradient
        for _ in 0..<maxIterations {
            if gradient.map(abs).max() ?? 0 <= tolerance { break }
            if shouldStop() { throw CancellationError() }
            // Two-loop recursion: the direction from the last `memory` steps.
            var direction = gradient.map { -$0 }
            var alphas = [Double](repeating: 0, count: steps.count)
            for index in steps.indices.reversed() {
                alphas[index] = rhos[index] * dot(steps[index], direction)
                axpy(-alphas[index], changes[index], &direction)
            }
            if let lastStep = steps.last, let lastChange = changes.last {
                let scale = dot(lastStep, lastChange) / max(dot(lastChange, lastChange), 1e-300)
                for index in direction.indices { direction[index] *= scale }
            } else {
                let norm = sqrt(dot(gradient, gradient))
                for index in direction.indices { direction[index] /= max(norm, 1) }
            }
            for index in steps.indices {
                let beta = rhos[index] * dot(changes[index], direction)
                axpy(alphas[index] - beta, steps[index], &direction)
            }
            var slope = dot(gradient, direction)
            if slope >= 0 {  // not a descent direction: start again from the gradient
                steps.removeAll(); changes.removeAll(); rhos.removeAll()
                direction = gradient.map { -$0 }
                slope = dot(gradient, direction)
            }
            // Backtracking line search (Armijo).
            var step = 1.0
            var candidate = x
            var newValue = value
            var accepted = false
            for _ in 0..<40 {
                for index in x.indices { candidate[index] = x[index] + step * direction[index] }
                newValue = evaluate(candidate, &newGradient)
                if newValue <= value + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            if !accepted { break }
            let s = zip(candidate, x).map { $0 - $1 }
            let yChange = zip(newGradient, gradient).map { $0 - $1 }
            let curvature = dot(s, yChange)
            if curvature > 1e-10 {
                steps.append(s); changes.append(yChange); rhos.append(1 / curvature)
                if steps.count > memory { steps.removeFirst(); changes.removeFirst(); rhos.removeFirst() }
            }
            let relative = (value - newValue) / max(abs(value), abs(newValue), 1)
            x = candidate
            gradient = newGradient
            value = newValue
            if relative <= 1e-12 { break }
        }
        return LogisticRegression(weights: Array(x[0..<featureCount]), intercept: x[featureCount])
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for index in a.indices { sum += a[index] * b[index] }
        return sum
    }

    static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        for index in y.indices { y[index] += alpha * x[index] }
    }
}

/// Measures of how well scores rank outcomes.
public enum Ranking {
    /// The area under the ROC curve: the chance that a positive scores above a negative (ties
    /// count half). Nil without both kinds.
    public static func auc(scores: [Double], positive: [Bool]) -> Double? {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var positives = 0
        var index = 0
        while index < order.count {
            var end = index
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[index]] { end += 1 }
            let rank = Double(index + end) / 2 + 1  // the tie's average rank, from 1
            for position in index...end where positive[order[position]] {
                rankSum += rank
                positives += 1
            }
            index = end + 1
        }
        let negatives = scores.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        return (rankSum - Double(positives) * Double(positives + 1) / 2) / (Double(positives) * Double(negatives))
    }

    /// `k` folds with the positives and negatives spread evenly (shuffled by `seed`): each row's fold.
    public static func stratifiedFolds(positive: [Bool], k: Int, seed: UInt64) -> [Int] {
        var generator = SplitMix64(seed: seed)
        var folds = [Int](repeating: 0, count: positive.count)
        for kind in [true, false] {
            var members = positive.indices.filter { positive[$0] == kind }
            members.shuffle(using: &generator)
            for (position, row) in members.enumerated() { folds[row] = position % k }
        }
        return folds
    }
}

/// A small seeded generator (the same folds on every run and machine).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
