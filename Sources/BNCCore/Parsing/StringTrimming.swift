extension StringProtocol {
    /// The text without leading and trailing characters from `characters` (by default spaces,
    /// tabs and line ends): the one trimming helper of the package, for command-line values,
    /// HTTP header fields and CSV cells.
    ///
    /// Works on Unicode scalars, not `Character`s: in a Swift string `"\r\n"` is one Character,
    /// so a Character-based set `" \t\r\n"` would hold `"\r\n"` but not a lone `"\n"`.
    package func trimming(_ characters: String = " \t\r\n") -> String {
        let set = Set(characters.unicodeScalars)
        var scalars = Substring(self).unicodeScalars[...]
        while let c = scalars.first, set.contains(c) { scalars.removeFirst() }
        while let c = scalars.last, set.contains(c) { scalars.removeLast() }
        return String(scalars)
    }
}
