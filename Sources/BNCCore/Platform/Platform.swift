// The one place that says which C library this platform has (as swift-system's Exports.swift
// does). Every module of the package imports BNCCore and gets the C library through it, so no
// other file needs its own `#if canImport(Glibc)` stanza.

#if canImport(Darwin)
@_exported import Darwin
#elseif canImport(Glibc)
@_exported import Glibc
#elseif canImport(Musl)
@_exported import Musl
#else
#error("Unsupported platform: bnc needs Darwin, Glibc or Musl")
#endif
