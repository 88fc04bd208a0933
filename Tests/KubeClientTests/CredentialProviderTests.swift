import Foundation
import Testing

@testable import KubeClient

@Suite struct CredentialProviderTests {
    @Test func staticCredentials() async throws {
        #expect(try await CredentialProvider(.none).authorizationHeader() == nil)
        #expect(try await CredentialProvider(.bearerToken("abc")).authorizationHeader() == "Bearer abc")
        // base64("alice:s3cret")
        #expect(
            try await CredentialProvider(.basic(username: "alice", password: "s3cret")).authorizationHeader()
                == "Basic YWxpY2U6czNjcmV0")
    }

    @Test func tokenFileIsReReadWhenItChanges() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let path = try directory.write("token", "first-token\n")
        let provider = CredentialProvider(.tokenFile(path: path))
        #expect(try await provider.authorizationHeader() == "Bearer first-token")

        // Rotation with a different size.
        try directory.write("token", "second-token-longer")
        #expect(try await provider.authorizationHeader() == "Bearer second-token-longer")

        // Same size, newer modification time.
        try directory.write("token", "third--token-longer")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: path)
        #expect(try await provider.authorizationHeader() == "Bearer third--token-longer")
    }

    @Test func tokenFileIsCachedUntilChangedOrInvalidated() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let path = try directory.write("token", "aaaa")
        let stamp = Date(timeIntervalSince1970: 1_700_000_000)
        try FileManager.default.setAttributes([.modificationDate: stamp], ofItemAtPath: path)
        let provider = CredentialProvider(.tokenFile(path: path))
        #expect(try await provider.authorizationHeader() == "Bearer aaaa")

        // Same size and modification time: the provider does not re-read the file.
        try directory.write("token", "bbbb")
        try FileManager.default.setAttributes([.modificationDate: stamp], ofItemAtPath: path)
        #expect(try await provider.authorizationHeader() == "Bearer aaaa")

        await provider.invalidate()
        #expect(try await provider.authorizationHeader() == "Bearer bbbb")
    }

    @Test func missingTokenFileNamesThePath() async throws {
        let provider = CredentialProvider(.tokenFile(path: "/nonexistent/token"))
        let error = await #expect(throws: KubeConfigurationError.self) { try await provider.authorizationHeader() }
        #expect(error?.message.hasPrefix("token file /nonexistent/token cannot be read") == true)
    }

    @Test func emptyTokenFileIsAnError() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let path = try directory.write("token", "  \n")
        let error = await #expect(throws: KubeConfigurationError.self) {
            try await CredentialProvider(.tokenFile(path: path)).authorizationHeader()
        }
        #expect(error?.message == "token file \(path) is empty; expected a bearer token")
    }
}
