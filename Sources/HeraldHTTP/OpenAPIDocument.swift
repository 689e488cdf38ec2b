import Foundation

/// `openapi.yaml` (bundled as a resource; the repository root links to it): the HTTP
/// contract as served, for `GET /openapi.yaml` and for callers' own tooling.
enum OpenAPIDocument {
    static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let data = try? Data(contentsOf: url)
        else { return Array("openapi: 3.1.0\n# the bundled openapi.yaml is missing from this build\n".utf8) }
        return [UInt8](data)
    }()
}
