import CapSimCLI

#if canImport(Glibc)
import Glibc
#endif

CapSimCommand.installSignalHandlers()
exit(CapSimCommand.main(arguments: Array(CommandLine.arguments.dropFirst())))
