/// The version every tool prints for `--version`; bump with each release.
package enum ToolVersion {
    package static let current = "0.1.0"
}
