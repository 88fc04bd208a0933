/// Ramer–Douglas–Peucker simplification, so long curves (a ROC curve over a million rows, thousands of
/// boosting rounds) make small SVG files that look the same.
enum PolylineThinning {
    /// The points of `points` needed to keep every left-out point within `tolerance` (in the points'
    /// own units) of the simplified polyline. The first and last points are always kept.
    static func thin(_ points: [(x: Double, y: Double)], tolerance: Double) -> [(x: Double, y: Double)] {
        guard points.count > 2 else { return points }
        var keep = [Bool](repeating: false, count: points.count)
        keep[0] = true
        keep[points.count - 1] = true
        // An explicit stack rather than recursion: a pathological curve could nest a million deep.
        var pending = [(0, points.count - 1)]
        while let (first, last) = pending.popLast() {
            guard last - first > 1 else { continue }
            var farthest = first
            var farthestDistance = -1.0
            for index in (first + 1)..<last {
                let distance = distanceFromSegment(points[index], points[first], points[last])
                if distance > farthestDistance {
                    farthestDistance = distance
                    farthest = index
                }
            }
            if farthestDistance > tolerance {
                keep[farthest] = true
                pending.append((first, farthest))
                pending.append((farthest, last))
            }
        }
        return points.indices.filter { keep[$0] }.map { points[$0] }
    }

    /// The distance from `point` to the segment from `start` to `end` (not the infinite line, so a
    /// point beyond an end is measured to that end).
    static func distanceFromSegment(
        _ point: (x: Double, y: Double), _ start: (x: Double, y: Double), _ end: (x: Double, y: Double)
    ) -> Double {
        let dx = end.x - start.x
        let dy = end.y - start.y
        let lengthSquared = dx * dx + dy * dy
        var t = 0.0
        if lengthSquared > 0 {
            t = min(1, max(0, ((point.x - start.x) * dx + (point.y - start.y) * dy) / lengthSquared))
        }
        let nearestX = start.x + t * dx
        let nearestY = start.y + t * dy
        return ((point.x - nearestX) * (point.x - nearestX) + (point.y - nearestY) * (point.y - nearestY)).squareRoot()
    }
}
