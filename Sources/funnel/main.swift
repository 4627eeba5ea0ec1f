import Foundation
import FunnelCLI

exit(await FunnelCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
