/// Which model bnc-score trains (docs/model.md, *Profiles*); recorded in the model file.
package enum ModelProfile: String, CaseIterable, Sendable, Equatable {
    /// The original project's model exactly: StandardScaler + Isolation Forest on the features as
    /// given. Every scikit-learn parity test uses it.
    case original
    /// bnc's default: the original's features plus one silence-aware feature (`SilenceFeature`)
    /// computed from `trade_count`, so a window with (almost) no trades stands out as clearly as a
    /// burst does. Measured on the simulator's labelled episodes: docs/model.md, *Profiles*.
    case bnc

    /// What bnc-score uses without `--profile`.
    package static let defaultProfile = ModelProfile.bnc

    /// The window-row key the silence feature is computed from.
    package static let silenceSourceKey = "trade_count"

    /// Index (among `features`) of the key this profile derives a silence feature from, or nil
    /// (the original profile; the bnc profile when `trade_count` is not among the features).
    package func silenceSource(in features: [String]) -> Int? {
        guard self == .bnc else { return nil }
        return features.firstIndex(of: Self.silenceSourceKey)
    }

    /// The profile's name in a model file and on the command line.
    package var name: String { rawValue }
}
