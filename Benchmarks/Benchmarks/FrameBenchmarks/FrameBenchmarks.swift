import Benchmark
import FunnelUI

/// Benchmarks of one 200x60 frame: composing it, flushing it through a headless ncurses screen and scrolling.
///
/// The flush benchmarks run on the main actor (`Terminal` is `@MainActor`): their closures are `@MainActor`
/// async closures, which package-benchmark runs in a `Task`, and they call `startMeasurement()` and
/// `stopMeasurement()` themselves so the hop to the main actor is not part of the measured frame.
let benchmarks: @Sendable () -> Void = {
    let frameConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        timeUnits: .microseconds,
        warmupIterations: 20,
        maxDuration: .seconds(5),
        maxIterations: 20_000
    )

    // (a) Compose a full frame (tab bar, 58 visible rows of the 1,000,000-row table, status bar); no terminal.
    Benchmark("Compose frame 200x60", configuration: frameConfiguration) { benchmark in
        var scene = FrameScene()
        scene.move(.down)
        benchmark.startMeasurement()
        blackHole(scene.compose())
    }

    // (b) Compose and flush through the headless terminal; the selection moves one row per frame.
    Benchmark(
        "Flush frame: selection down one row",
        configuration: frameConfiguration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let screen = headlessScreen else { return benchmark.error("headless terminal not started") }
            benchmark.startMeasurement()
            screen.flushNextRow()
            benchmark.stopMeasurement()
        },
        setup: { @MainActor in headlessScreen = try HeadlessScreen() },
        teardown: { @MainActor in headlessScreen?.stop(); headlessScreen = nil }
    )

    // (b') Worst case: every cell of the 200x60 frame changes between two flushes.
    Benchmark(
        "Flush frame: every cell changes",
        configuration: frameConfiguration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let screen = headlessScreen else { return benchmark.error("headless terminal not started") }
            benchmark.startMeasurement()
            screen.flushEveryCellChanged()
            benchmark.stopMeasurement()
        },
        setup: { @MainActor in
            let screen = try HeadlessScreen()
            try screen.checkEveryCellChanges()
            headlessScreen = screen
        },
        teardown: { @MainActor in headlessScreen?.stop(); headlessScreen = nil }
    )

    // (c) Scroll through the 1,000,000-row table: one page-down and a full compose per iteration.
    let scroller = ScrollState()
    Benchmark("Scroll: page down and compose", configuration: frameConfiguration) { benchmark in
        blackHole(scroller.pageDownAndCompose())
    }
}

/// The scrolling scene kept across iterations (the benchmark closure runs serially on one thread).
final class ScrollState: @unchecked Sendable {
    private var scene = FrameScene()

    func pageDownAndCompose() -> CellBuffer {
        scene.move(.pageDown)
        return scene.compose()
    }
}
