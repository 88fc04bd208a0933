import KubeAPI

extension KubeClient {
    /// Creates the namespace unless it exists; returns whether it was created.
    @discardableResult
    public func ensureNamespace(_ name: String) async throws -> Bool {
        do {
            _ = try await create(
                .namespaces, namespace: nil, object: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]])
            return true
        } catch let error as KubeError where error.isAlreadyExists {
            return false
        }
    }
}
