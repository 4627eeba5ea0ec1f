import Foundation
import FunnelCLI
import FunnelStore

// "Now" starts with the process (FUNNEL_NOW counts from here), and a FUNNEL_NOW that is no time is said.
_ = WallClock.now()
if let problem = WallClock.problem { FileHandle.standardError.write(Data("funnel: \(problem)\n".utf8)) }

exit(await FunnelCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
