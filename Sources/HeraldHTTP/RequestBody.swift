import Foundation
import HeraldCore
import Hummingbird
import NIOCore

extension Request {
    /// Collects the body up to `limit` bytes; a larger body is a 413 that names the limit.
    func collectBody(limit: Int) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge(limit: limit)
        }
    }
}
