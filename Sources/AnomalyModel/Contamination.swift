/// How the decision threshold (`offset`) is chosen (scikit-learn's `contamination`).
package enum Contamination: Sendable, Equatable, CustomStringConvertible {
    /// offset = −0.5, the paper's threshold on s(x) = 0.5.
    case auto
    /// offset = the `fraction`-quantile (linear interpolation) of the training rows' `score_samples`,
    /// so about that fraction of the training rows is predicted anomalous. 0 < fraction ≤ 0.5.
    case fraction(Double)

    /// Parses `auto` or a number in (0, 0.5].
    package init?(_ text: String) {
        if text == "auto" { self = .auto; return }
        guard let value = Double(text), value > 0, value <= 0.5 else { return nil }
        self = .fraction(value)
    }

    package var description: String {
        switch self {
        case .auto: return "auto"
        case .fraction(let f): return "\(f)"
        }
    }
}
