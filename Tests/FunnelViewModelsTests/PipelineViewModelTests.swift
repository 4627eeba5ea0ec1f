import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import FunnelViewModels
import Testing

/// The Pipeline pane's state and intents, on a real demo database, without a terminal.
@MainActor
@Suite(.serialized) struct PipelineViewModelTests {
    static let fixture = DemoDatabase(leads: 3_000)

    func viewModel(_ email: String = DemoWorkspaceBuilder.managerEmail) throws -> PipelineViewModel {
        let database = try AppDatabase.open(path: Self.fixture.path)
        let session = try IdentityService(database: database).signIn(email: email, password: nil)
        let model = PipelineViewModel(database: database, session: session)
        model.resize(visibleCards: 6, tableRows: 6)
        return model
    }

    @Test func everyColumnPagesThroughItsStageInOrderOnce() throws {
        let model = try viewModel()
        #expect(model.message == nil)
        for (index, stage) in PipelineViewModel.stages.enumerated() {
            model.moveColumn(by: index - model.selectedColumn)
            #expect(model.selectedStage == stage)
            let total = model.columns[index].total
            #expect(total == model.totals[stage]?.deals ?? 0)
            var seen = Set<Int64>()
            var previous: String?
            for step in 0..<total {
                let item = try #require(model.selectedItem, "\(stage) row \(step)")
                #expect(seen.insert(item.id).inserted)
                // Open stages soonest close date first (undated last); won and lost newest first.
                if let previous, let date = item.deal.closeDate {
                    #expect(stage.isClosed ? date <= previous : date >= previous, "\(stage): \(date) after \(previous)")
                }
                previous = item.deal.closeDate ?? previous
                model.move(.down)
            }
            #expect(seen.count == total)
            model.move(.top)
            #expect(model.columns[index].selected == 0)
            model.move(.bottom)
            #expect(model.columns[index].selected == max(0, total - 1))
        }
    }

    @Test func aMovedDealKeepsTheSelectionAndUndoBringsItBack() throws {
        let model = try viewModel()
        model.move(.down)
        model.move(.down)
        let deal = try #require(model.selectedItem)
        let prospecting = model.totals[.prospecting]?.deals ?? 0
        model.advanceSelected(by: 1)
        #expect(model.message?.hasPrefix("Moved #\(deal.id) \(deal.deal.title) to qualification") == true)
        #expect(model.selectedStage == .qualification)
        #expect(model.selectedItem?.id == deal.id)
        #expect(model.totals[.prospecting]?.deals == prospecting - 1)
        model.winSelected()
        #expect(model.selectedStage == .won && model.selectedItem?.id == deal.id)
        model.undo()
        #expect(model.selectedStage == .qualification && model.selectedItem?.id == deal.id)
        model.undo()
        #expect(model.selectedStage == .prospecting && model.selectedItem?.id == deal.id)
        #expect(model.totals[.prospecting]?.deals == prospecting)
        model.undo()
        #expect(model.message == "Nothing to undo")
    }

    @Test func theTableOpensOnTheSelectedDealAndSorts() throws {
        let model = try viewModel()
        model.moveColumn(by: 2)
        model.move(.down)
        let deal = try #require(model.selectedItem)
        model.toggleTable()
        #expect(model.mode == .table)
        #expect(model.selectedItem?.id == deal.id)
        #expect(model.table.total == model.filteredTotal)
        model.cycleSort()
        #expect(model.sortLabel == "value ↓")
        var previous = Int64.max
        for _ in 0..<40 {
            let item = try #require(model.selectedItem)
            #expect(item.deal.value <= previous)
            previous = item.deal.value
            model.move(.down)
        }
        model.toggleTable()
        #expect(model.mode == .board)
    }

    @Test func filtersNarrowTheBoardAndTheTotals() throws {
        let model = try viewModel()
        let everything = model.filteredTotal
        model.cycleOwner()
        #expect(model.ownerLabel == "mine")
        let mine = model.filteredTotal
        #expect(mine < everything)
        for index in PipelineViewModel.stages.indices {
            if let item = model.columns[index].item(at: 0) { #expect(item.deal.ownerId == model.session.userId) }
        }
        model.cycleOwner()
        model.cycleOwner()
        #expect(model.filteredTotal == everything)
        let month = try #require(model.monthChoices().dropFirst(3).first)
        model.filter(closeMonth: month)
        #expect(model.filteredTotal < everything)
        for index in PipelineViewModel.stages.indices {
            if let item = model.columns[index].item(at: 0) { #expect(item.deal.closeDate?.hasPrefix(month) == true) }
        }
        model.toggleForecast()
        #expect(model.forecast.count == PipelineViewModel.forecastMonths)
    }
}
