import CCurl

/// The buffer behind CURLOPT_ERRORBUFFER. libcurl keeps the pointer and writes its detailed
/// message into it during any later call on the handle, so the buffer must stay valid for as long
/// as the handle exists: it is allocated once, owned by the object that owns the handle, and freed
/// only when that object goes away (after its `deinit` has called `curl_easy_cleanup`).
final class CurlErrorBuffer {
    private let storage: UnsafeMutablePointer<CChar>
    private static let size = Int(CURL_ERROR_SIZE) + 1

    init() {
        storage = .allocate(capacity: Self.size)
        storage.initialize(repeating: 0, count: Self.size)
    }

    deinit { storage.deallocate() }

    /// Points `handle`'s CURLOPT_ERRORBUFFER here.
    func attach(to handle: UnsafeMutableRawPointer) {
        _ = bnc_curl_setopt_pointer(handle, bnc_CURLOPT_ERRORBUFFER, storage)
    }

    /// Empties the message before a call whose failure we want to explain.
    func clear() { storage[0] = 0 }

    /// libcurl's detail for the last failure, empty if it wrote none.
    var message: String { String(cString: storage) }

    /// `curl_easy_strerror(code)`, followed by libcurl's detail when it wrote one.
    func describe(_ code: CURLcode) -> String {
        let summary = String(cString: curl_easy_strerror(code))
        let detail = message
        return detail.isEmpty ? summary : summary + ": " + detail
    }
}
