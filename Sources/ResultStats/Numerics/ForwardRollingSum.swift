/// `RollingSum.forward` fed one value at a time: pandas' `rolling(h).sum().shift(-h)` step for
/// step (the same Kahan-compensated adds and removes, the same run-of-equal-values fix-up), so
/// each future move carries the bits the whole-array version gives. The future move of row j is
/// known when row j + h arrives; only the last h + 1 values (and a tag per row) are held.
struct ForwardRollingSum {
    let h: Int
    private var values: [Double] = []
    private var tags: [Int8] = []
    private var index = 0            // rows added so far
    private var sum = 0.0, compensationAdd = 0.0, compensationRemove = 0.0
    private var nobs = 0, sameRun = 0
    private var previous = 0.0

    init(window h: Int) { self.h = h }

    @inline(__always) private func slot(_ i: Int) -> Int { i % (h + 1) }

    @inline(__always) private mutating func add(_ v: Double) {
        nobs += 1
        let y = v - compensationAdd
        let t = sum + y
        compensationAdd = t - sum - y
        sum = t
        sameRun = v == previous ? sameRun + 1 : 1
        previous = v
    }

    @inline(__always) private mutating func remove(_ v: Double) {
        nobs -= 1
        let y = -v - compensationRemove
        let t = sum + y
        compensationRemove = t - sum - y
        sum = t
    }

    /// Adds row i's value (never NaN: rows with a non-finite return are not read) with its tag;
    /// returns the future move of row i − h and that row's tag, once there is one.
    @inline(__always)
    mutating func push(_ v: Double, tag: Int8) -> (move: Double, tag: Int8)? {
        let i = index
        index += 1
        if values.count < h + 1 {
            values.append(v); tags.append(tag)
        } else {
            values[slot(i)] = v; tags[slot(i)] = tag
        }
        let s = max(0, i + 1 - h)
        if i == 0 || s >= i {
            // h == 1 (and the first row): the window is rebuilt from scratch, as pandas does.
            previous = values[slot(s)]; sameRun = 0
            sum = 0; compensationAdd = 0; compensationRemove = 0; nobs = 0
            for j in s...i { add(values[slot(j)]) }
        } else {
            if i - h >= 0 { remove(values[slot(i - h)]) }
            add(v)
        }
        guard nobs >= h, i - h >= 0 else { return nil }
        let rolled = sameRun >= nobs ? previous * Double(nobs) : sum
        return (rolled, tags[slot(i - h)])
    }
}
