extension StringProtocol {
    /// The text without leading and trailing characters from `characters` (by default spaces,
    /// tabs and line ends): the one trimming helper of the package, for command-line values,
    /// HTTP header fields and CSV cells.
    package func trimming(_ characters: String = " \t\r\n") -> String {
        var s = Substring(self)
        while let c = s.first, characters.contains(c) { s.removeFirst() }
        while let c = s.last, characters.contains(c) { s.removeLast() }
        return String(s)
    }
}
