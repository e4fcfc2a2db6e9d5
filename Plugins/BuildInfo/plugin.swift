import Foundation
import PackagePlugin

/// Generates `BuildInfo.swift` for the `watchlistd` target at every build: the commit the
/// binary is built from (`git describe --always --dirty`), or `unknown` where there is no
/// git or no repository (a source tarball), so `swift build` never fails for want of git.
/// A prebuild command, so it runs before every build; the file is rewritten only when the
/// commit changes, so nothing recompiles otherwise.
@main
struct BuildInfo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        return [.prebuildCommand(
            displayName: "watchlistd build info (git describe)",
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: [context.package.directoryURL.appending(path: "scripts/build-info.sh").path,
                        context.package.directoryURL.path, output.appending(path: "BuildInfo.swift").path],
            outputFilesDirectory: output)]
    }
}
