/// The version every tool prints for `--version`; bump with each release.
public enum ToolVersion {
    public static let current = "0.1.0"
}
